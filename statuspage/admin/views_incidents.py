"""Opening an incident, looking at one, and posting its updates.

Forms follow POST, redirect, GET; a refused form is shown again with status
400, everything typed kept and the problem named next to its field. "Preview"
re-renders the form with the message as the public page will show it (no
script needed). Every successful write bumps the data version, so public page
caches show it on the next request.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from probes.digits import ascii_int
from statuspage import keys
from statuspage.admin.forms import (
    COMPONENT_PREFIX,
    COMPONENT_STATUSES,
    IMPACT_CHOICES,
    INCIDENT_FIRST_STATUSES,
    INCIDENT_UPDATE_STATUSES,
    MAINTENANCE_UPDATE_STATUSES,
    SEVERITIES,
    choice,
    component_statuses,
    form_text,
    parse_local_time,
)
from statuspage.admin.incident_context import (
    Form,
    component_fields,
    load_components_now,
    preview,
)
from statuspage.admin.incident_pages import (
    NOTHING_TYPED,
    IncidentData,
    NewIncidentData,
    Shown,
    incident_page,
    new_incident_page,
)
from statuspage.admin.pages import chrome, message, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.http.form_body import posted_form
from storage.alerts.reads import GroupView, get_group
from storage.database import Database
from storage.errors import NotFound
from storage.incidents.reads import IncidentView, get_incident
from storage.incidents.rules import ENDING, IncidentError, NewIncident, NewUpdate
from storage.incidents.templates import get_template, list_templates
from storage.incidents.writes import create_incident, post_update
from storage.tables.templates import IncidentTemplate
from storage.vocabulary import AFFECTING_STATUSES

NEW_FIELDS = ("name", "severity", "impact", "status", "body", "started_at", "notify_subscribers")
UPDATE_FIELDS = ("status", "body", "keep_statuses", "notify_subscribers")
WAS_PREFIX = "was."  # hidden `was.<id>`: the status the form showed for that component


def chosen(form: Mapping[str, object], ids: list[str], prefix: str) -> dict[str, str]:
    """Raw values of per-component fields, blanks left out, for showing a form again."""
    values = {cid: form_text(form, prefix + cid, 64) for cid in ids}
    return {cid: value for cid, value in values.items() if value}


async def load_new_incident(db: Database, template_id: int | None = None) -> NewIncidentData:
    """The new-incident page's data; `template_id` names a template to start from."""
    return NewIncidentData(
        components=await load_components_now(db),
        templates=tuple(await list_templates(db)),
        template=await _template_or_none(db, template_id),
    )


async def _template_or_none(db: Database, template_id: int | None) -> IncidentTemplate | None:
    """The template asked for; None when none was, or it is gone (the form starts empty)."""
    if template_id is None:
        return None
    try:
        return await get_template(db, template_id)
    except NotFound:
        return None


def _template_id(request: web.Request) -> int | None:
    return ascii_int(request.query.get("template", ""), 9)


async def new_incident_form(request: web.Request) -> web.Response:
    """The form, empty or (`?template=<id>`) filled in from a template to review."""
    data = await load_new_incident(request.app[keys.DATABASE], _template_id(request))
    return await _new_page(request, data)


async def _new_page(
    request: web.Request, data: NewIncidentData, form: Form | None = None, status: int = 200
) -> web.Response:
    zone = request.app[keys.SETTINGS].current.file.site.time_zone
    page = new_incident_page(data, await chrome(request, "New incident"), zone, form)
    return render(request, "admin/incident_new.html", page, status)


async def create(request: web.Request) -> web.Response:
    form, data = await posted_form(request), await load_new_incident(request.app[keys.DATABASE])
    ids = [c.id for c in data.components]
    values = {name: form_text(form, name) for name in NEW_FIELDS}
    fields = component_fields(data.components, chosen(form, ids, COMPONENT_PREFIX))
    if form_text(form, "action", 16) == "preview":
        return await _new_page(request, data, Form(values, {}, preview(values["body"]), fields))
    draft = form_text(form, "action", 16) == "draft"
    state, user = request.app[ADMIN], request[USER]
    try:
        new = _new_incident(request, values, form, ids, draft=draft)
        incident_id = await create_incident(
            request.app[keys.DATABASE], new, now=state.clock(), actor=user.name
        )
    except IncidentError as error:
        return await _new_page(
            request, data, Form(values, {error.field: error.message}, None, fields), 400
        )
    return see_other(f"/admin/incidents/{incident_id}?done={'draft' if draft else 'created'}")


def _new_incident(
    request: web.Request,
    values: Mapping[str, str],
    form: Mapping[str, object],
    ids: list[str],
    *,
    draft: bool,
) -> NewIncident:
    impact = choice(values["impact"] or "auto", IMPACT_CHOICES, "impact", "an impact")
    tz = request.app[keys.SETTINGS].current.tz
    return NewIncident(
        name=values["name"],
        status=choice(values["status"], INCIDENT_FIRST_STATUSES, "status", "a status"),
        body=values["body"],
        severity=choice(values["severity"], SEVERITIES, "severity", "a severity"),
        components=component_statuses(form, ids, AFFECTING_STATUSES),
        impact=None if impact == "auto" else impact,
        started_at=parse_local_time(values["started_at"], tz, "started_at"),
        draft=draft,
        author=request[USER].name,
        notify_subscribers=values["notify_subscribers"] == "yes",
    )


def _incident_id(request: web.Request) -> int:
    return int(request.match_info["incident_id"])


async def incident_or_none(request: web.Request) -> IncidentView | None:
    db = request.app[keys.DATABASE]
    return await get_incident(db, _incident_id(request), include_drafts=True)


def not_found(request: web.Request) -> web.Response:
    return message(
        request, 404, "Not found", "There is no such incident (it may have been deleted)."
    )


async def load_incident(
    db: Database,
    incident_id: int,
    *,
    template_id: int | None = None,
    proposal_id: int | None = None,
) -> IncidentData | None:
    """The incident page's data, drafts included; None when there is no such incident.
    `template_id` and `proposal_id` name what the update form may start from."""
    incident = await get_incident(db, incident_id, include_drafts=True)
    if incident is None:
        return None
    return IncidentData(
        incident=incident,
        components=await load_components_now(db),
        templates=tuple(await list_templates(db)),
        template=await _template_or_none(db, template_id),
        proposal=await _group_or_none(db, proposal_id),
    )


async def _group_or_none(db: Database, group_id: int | None) -> GroupView | None:
    if group_id is None:
        return None
    try:
        return await get_group(db, group_id)
    except NotFound:
        return None


async def incident_data(request: web.Request) -> IncidentData | None:
    """The page's data for the incident in the address, without what a query asks for."""
    return await load_incident(request.app[keys.DATABASE], _incident_id(request))


async def incident_detail(request: web.Request) -> web.Response:
    data = await load_incident(
        request.app[keys.DATABASE],
        _incident_id(request),
        template_id=_template_id(request),
        proposal_id=ascii_int(request.query.get("proposal", "")),
    )
    if data is None:
        return not_found(request)
    return await render_incident(request, data)


async def render_incident(
    request: web.Request, data: IncidentData, shown: Shown = NOTHING_TYPED, status: int = 200
) -> web.Response:
    """The incident page; a form in `shown` (typed values, errors) replaces its default."""
    settings = request.app[keys.SETTINGS].current
    title = await chrome(request, data.incident.name[:80])
    page = incident_page(data, title, settings.tz, settings.file.site.url, shown)
    return render(request, "admin/incident.html", page, status)


async def post_update_view(request: web.Request) -> web.Response:
    data = await incident_data(request)
    if data is None:
        return not_found(request)
    incident, ids = data.incident, [c.id for c in data.components]
    form = await posted_form(request)
    values = {name: form_text(form, name) for name in UPDATE_FIELDS}
    shown, was = chosen(form, ids, COMPONENT_PREFIX), chosen(form, ids, WAS_PREFIX)
    fields = component_fields(data.components, shown, was)
    if form_text(form, "action", 16) == "preview":
        update_form = Form(values, {}, preview(values["body"]), fields)
        return await render_incident(request, data, Shown(update_form=update_form))
    state, user = request.app[ADMIN], request[USER]
    try:
        update = _update_from_form(incident, values, form, ids, was, author=user.name)
        await post_update(
            request.app[keys.DATABASE], incident.id, update, now=state.clock(), actor=user.name
        )
    except IncidentError as error:
        update_form = Form(values, {error.field: error.message}, None, fields)
        return await render_incident(request, data, Shown(update_form=update_form), 400)
    except NotFound:
        return not_found(request)
    return see_other(f"/admin/incidents/{incident.id}?done=updated")


def _update_from_form(
    incident: IncidentView,
    values: Mapping[str, str],
    form: Mapping[str, object],
    ids: list[str],
    was: Mapping[str, str],
    *,
    author: str,
) -> NewUpdate:
    """Only components the operator changed count as "told"; resolving sets the
    rest of the incident's components back to operational, unless the operator
    ticked "keep", in which case every affected component keeps what the form shows."""
    statuses = MAINTENANCE_UPDATE_STATUSES if incident.is_maintenance else INCIDENT_UPDATE_STATUSES
    status = choice(values["status"], statuses, "status", "a status")
    shown = component_statuses(form, ids, COMPONENT_STATUSES)
    changed = {cid: s for cid, s in shown.items() if s != was.get(cid)}
    notify = values["notify_subscribers"] == "yes"
    if status in ENDING and values["keep_statuses"] == "yes":
        kept = {cid: s for cid, s in shown.items() if cid in incident.components}
        return NewUpdate(status, values["body"], kept | changed, author, notify)
    return NewUpdate(status, values["body"], changed, author, notify)
