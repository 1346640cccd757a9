"""Opening an incident, looking at one, and posting its updates.

Forms follow POST, redirect, GET; a refused form is shown again with status
400, everything typed kept and the problem named next to its field. "Preview"
re-renders the form with the message as the public page will show it (no
script needed). Every successful write bumps the data version, so public page
caches show it on the next request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from zoneinfo import ZoneInfo

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
    input_time,
    parse_local_time,
)
from statuspage.admin.incident_context import (
    Choice,
    ComponentNow,
    Form,
    IncidentPage,
    NewIncidentPage,
    component_fields,
    incident_header,
    load_components_now,
    preview,
    update_row,
    update_statuses_for,
)
from statuspage.admin.pages import chrome, message, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.http.form_body import posted_form
from statuspage.presentation.display import clean_text
from storage.alerts.reads import get_group
from storage.components import list_components
from storage.errors import NotFound
from storage.incidents.reads import IncidentView, get_incident
from storage.incidents.rules import ENDING, IncidentError, NewIncident, NewUpdate
from storage.incidents.templates import get_template, list_templates
from storage.incidents.writes import create_incident, post_update
from storage.status import current_statuses
from storage.tables.templates import IncidentTemplate
from storage.vocabulary import AFFECTING_STATUSES, ComponentStatus, IncidentStatus

NEW_FIELDS = ("name", "severity", "impact", "status", "body", "started_at", "notify_subscribers")
UPDATE_FIELDS = ("status", "body", "keep_statuses", "notify_subscribers")
WAS_PREFIX = "was."  # hidden `was.<id>`: the status the form showed for that component


async def component_ids(request: web.Request) -> list[str]:
    return [c.id for c in await list_components(request.app[keys.DATABASE])]


def chosen(form: Mapping[str, object], ids: list[str], prefix: str) -> dict[str, str]:
    """Raw values of per-component fields, blanks left out, for showing a form again."""
    values = {cid: form_text(form, prefix + cid, 64) for cid in ids}
    return {cid: value for cid, value in values.items() if value}


async def new_incident_form(request: web.Request) -> web.Response:
    """The form, empty or (`?template=<id>`) filled in from a template to review."""
    values = {"status": IncidentStatus.INVESTIGATING, "impact": "auto"}
    selected: dict[str, str] = {}
    template = await _template_asked_for(request)
    if template is not None:
        values |= {"name": template.title, "body": template.body}
        selected = dict(template.components)
    form = Form(values=values, components=component_fields(await components_now(request), selected))
    return await _new_page(request, form)


async def _template_asked_for(request: web.Request) -> IncidentTemplate | None:
    """The template `?template=` names; None when it names none (the form starts empty)."""
    template_id = ascii_int(request.query.get("template", ""), 9)
    if template_id is None:
        return None
    try:
        return await get_template(request.app[keys.DATABASE], template_id)
    except NotFound:
        return None


async def template_choices(request: web.Request) -> tuple[Choice, ...]:
    """Every template, to offer as links: value is its id, label its name."""
    found = await list_templates(request.app[keys.DATABASE])
    return tuple(Choice(str(t.id), clean_text(t.name)) for t in found)


async def _new_page(request: web.Request, form: Form, status: int = 200) -> web.Response:
    zone = request.app[keys.SETTINGS].current.file.site.time_zone
    templates = await template_choices(request)
    page = NewIncidentPage(await chrome(request, "New incident"), form, zone, templates=templates)
    return render(request, "admin/incident_new.html", page, status)


async def create(request: web.Request) -> web.Response:
    form, ids = await posted_form(request), await component_ids(request)
    values = {name: form_text(form, name) for name in NEW_FIELDS}
    fields = component_fields(
        await load_components_now(request.app[keys.DATABASE]), chosen(form, ids, COMPONENT_PREFIX)
    )
    if form_text(form, "action", 16) == "preview":
        return await _new_page(request, Form(values, {}, preview(values["body"]), fields))
    draft = form_text(form, "action", 16) == "draft"
    state, user = request.app[ADMIN], request[USER]
    try:
        new = _new_incident(request, values, form, ids, draft=draft)
        incident_id = await create_incident(
            request.app[keys.DATABASE], new, now=state.clock(), actor=user.name
        )
    except IncidentError as error:
        return await _new_page(
            request, Form(values, {error.field: error.message}, None, fields), 400
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


async def incident_or_none(request: web.Request) -> IncidentView | None:
    incident_id = int(request.match_info["incident_id"])
    return await get_incident(request.app[keys.DATABASE], incident_id, include_drafts=True)


def not_found(request: web.Request) -> web.Response:
    return message(
        request, 404, "Not found", "There is no such incident (it may have been deleted)."
    )


async def incident_detail(request: web.Request) -> web.Response:
    incident = await incident_or_none(request)
    if incident is None:
        return not_found(request)
    form = await _proposal(request, incident) or await _update_from_template(request, incident)
    return await render_incident(request, incident, update_form=form)


async def _update_from_template(request: web.Request, incident: IncidentView) -> Form | None:
    """`?template=<id>`: the update form with the template's message and its components'
    statuses over the ones shown now (only those differences are posted)."""
    template = await _template_asked_for(request)
    if template is None:
        return None
    form = await _default_update_form(request, incident)
    shown = {c.id: c.selected for c in form.components if c.selected}
    fields = component_fields(await components_now(request), shown | template.components, shown)
    return replace(form, values={**form.values, "body": template.body}, components=fields)


async def _proposal(request: web.Request, incident: IncidentView) -> Form | None:
    """`?proposal=<alert group>`: the update form filled in with the resolving update
    recovery proposed for this incident, to review and post. The text is read from the
    group, never from the address, so a link cannot put words in an operator's mouth."""
    group_id = ascii_int(request.query.get("proposal", ""))
    if group_id is None:
        return None
    try:
        group = await get_group(request.app[keys.DATABASE], group_id)
    except NotFound:
        return None
    if group.incident_id != incident.id or not group.proposed_update:
        return None
    form = await _default_update_form(request, incident)
    values = {**form.values, "status": IncidentStatus.RESOLVED, "body": group.proposed_update}
    return replace(form, values=values)


async def render_incident(
    request: web.Request,
    incident: IncidentView,
    *,
    update_form: Form | None = None,
    edit_form: Form | None = None,
    postmortem_form: Form | None = None,
    delete_error: str | None = None,
    status: int = 200,
) -> web.Response:
    """The incident page; a form passed in (typed values, errors) replaces its default."""
    settings = request.app[keys.SETTINGS].current
    tz = settings.tz
    page = IncidentPage(
        chrome=await chrome(request, incident.name[:80]),
        incident=incident_header(incident, tz, settings.file.site.url),
        updates=tuple(update_row(u, tz) for u in incident.updates),
        update_form=update_form or await _default_update_form(request, incident),
        edit_form=edit_form or Form(values=edit_values(incident, tz)),
        postmortem_form=postmortem_form
        or Form(values={"postmortem_body": incident.postmortem_body or ""}),
        delete_error=delete_error,
        time_zone=tz.key,
        update_statuses=update_statuses_for(incident),
        templates=() if incident.is_maintenance else await template_choices(request),
    )
    return render(request, "admin/incident.html", page, status)


def edit_values(incident: IncidentView, tz: ZoneInfo) -> dict[str, str]:
    values = {
        "name": incident.name,
        "severity": incident.severity or "",
        "impact": incident.impact if incident.impact_override else "auto",
    }
    if incident.scheduled_for is not None:
        values["scheduled_for"] = input_time(incident.scheduled_for, tz)
    if incident.scheduled_until is not None:
        values["scheduled_until"] = input_time(incident.scheduled_until, tz)
    return values


async def _default_update_form(request: web.Request, incident: IncidentView) -> Form:
    """Pre-filled with the incident's status and each affected component's status now."""
    current = await current_statuses(request.app[keys.DATABASE])
    shown = {
        cid: link if incident.draft else (current.get(cid) or ComponentStatus.OPERATIONAL)
        for cid, link in incident.components.items()
    }
    return Form(
        values={"status": _default_status(incident)},
        components=component_fields(await components_now(request), shown),
    )


def _default_status(incident: IncidentView) -> str:
    statuses = MAINTENANCE_UPDATE_STATUSES if incident.is_maintenance else INCIDENT_UPDATE_STATUSES
    return incident.status if incident.status in statuses else statuses[-1]


async def post_update_view(request: web.Request) -> web.Response:
    incident = await incident_or_none(request)
    if incident is None:
        return not_found(request)
    form, ids = await posted_form(request), await component_ids(request)
    values = {name: form_text(form, name) for name in UPDATE_FIELDS}
    shown, was = chosen(form, ids, COMPONENT_PREFIX), chosen(form, ids, WAS_PREFIX)
    fields = component_fields(await components_now(request), shown, was)
    if form_text(form, "action", 16) == "preview":
        update_form = Form(values, {}, preview(values["body"]), fields)
        return await render_incident(request, incident, update_form=update_form)
    state, user = request.app[ADMIN], request[USER]
    try:
        update = _update_from_form(incident, values, form, ids, was, author=user.name)
        await post_update(
            request.app[keys.DATABASE], incident.id, update, now=state.clock(), actor=user.name
        )
    except IncidentError as error:
        update_form = Form(values, {error.field: error.message}, None, fields)
        return await render_incident(request, incident, update_form=update_form, status=400)
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


async def components_now(request: web.Request) -> tuple[ComponentNow, ...]:
    return await load_components_now(request.app[keys.DATABASE])
