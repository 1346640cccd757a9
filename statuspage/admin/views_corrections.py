"""Changing what has been said: edit, publish or delete an incident, write its
post-mortem, edit or delete one of its updates. Every change is audited by
`storage.incidents.edits` in the same transaction; deletions are soft and ask
for a tick in a confirmation box, since the admin area runs no script."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

from statuspage import keys
from statuspage.admin.forms import IMPACT_CHOICES, SEVERITIES, choice, form_text, parse_local_time
from statuspage.admin.incident_context import (
    Choice,
    Form,
    IncidentHeader,
    UpdateRow,
    incident_header,
    preview,
    status_choices,
    update_row,
)
from statuspage.admin.incident_pages import Shown
from statuspage.admin.pages import Chrome, chrome, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.admin.views_incidents import (
    incident_data,
    incident_or_none,
    not_found,
    render_incident,
)
from statuspage.http.form_body import posted_form
from storage.errors import NotFound
from storage.incidents.edits import (
    IncidentEdit,
    delete_incident,
    delete_update,
    edit_incident,
    edit_update,
    save_postmortem,
)
from storage.incidents.reads import IncidentView, UpdateView
from storage.incidents.rules import IncidentError
from storage.incidents.writes import publish_incident
from storage.vocabulary import MAINTENANCE_UNDER_WAY, UNRESOLVED_INCIDENT, IncidentKind

Handler = Callable[[web.Request], Awaitable[web.Response]]
EDIT_FIELDS = ("name", "severity", "impact", "scheduled_for", "scheduled_until")
CONFIRM = "Tick the box to confirm."
_SWAPPABLE: dict[str, tuple[str, ...]] = {
    IncidentKind.INCIDENT: UNRESOLVED_INCIDENT,
    IncidentKind.MAINTENANCE: MAINTENANCE_UNDER_WAY,
}


def _found(handler: Handler) -> Handler:
    """An incident or update deleted by someone else a moment ago is "not found",
    not a server error."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except NotFound:
            return not_found(request)

    return wrapped


def _done(request: web.Request, path: str) -> web.Response:
    return see_other(path)


@_found
async def edit_incident_view(request: web.Request) -> web.Response:
    data = await incident_data(request)
    if data is None:
        return not_found(request)
    incident = data.incident
    posted = await posted_form(request)
    values = {name: form_text(posted, name, 400) for name in EDIT_FIELDS}
    state, user = request.app[ADMIN], request[USER]
    try:
        edit = _edit_from_form(request, values)
        db = request.app[keys.DATABASE]
        await edit_incident(db, incident.id, edit, now=state.clock(), actor=user.name)
    except IncidentError as error:
        form = Form(values, {error.field: error.message})
        return await render_incident(request, data, Shown(edit_form=form), 400)
    return _done(request, f"/admin/incidents/{incident.id}?done=edited")


def _edit_from_form(request: web.Request, values: Mapping[str, str]) -> IncidentEdit:
    tz = request.app[keys.SETTINGS].current.tz
    severity, impact = values["severity"], values["impact"]
    return IncidentEdit(
        name=values["name"] or None,
        severity=choice(severity, SEVERITIES, "severity", "a severity") if severity else None,
        impact=choice(impact, IMPACT_CHOICES, "impact", "an impact") if impact else None,
        scheduled_for=parse_local_time(values["scheduled_for"], tz, "scheduled_for"),
        scheduled_until=parse_local_time(values["scheduled_until"], tz, "scheduled_until"),
    )


@_found
async def publish_view(request: web.Request) -> web.Response:
    incident = await incident_or_none(request)
    if incident is None:
        return not_found(request)
    state, user = request.app[ADMIN], request[USER]
    await publish_incident(
        request.app[keys.DATABASE], incident.id, now=state.clock(), actor=user.name
    )
    return _done(request, f"/admin/incidents/{incident.id}?done=published")


@_found
async def delete_incident_view(request: web.Request) -> web.Response:
    data = await incident_data(request)
    if data is None:
        return not_found(request)
    incident = data.incident
    if form_text(await posted_form(request), "confirm", 8) != "yes":
        return await render_incident(request, data, Shown(delete_error=CONFIRM), 400)
    state, user = request.app[ADMIN], request[USER]
    await delete_incident(
        request.app[keys.DATABASE], incident.id, now=state.clock(), actor=user.name
    )
    return _done(request, "/admin/incidents?done=deleted")


@_found
async def postmortem_view(request: web.Request) -> web.Response:
    data = await incident_data(request)
    if data is None:
        return not_found(request)
    incident = data.incident
    form = await posted_form(request)
    body, action = form_text(form, "body"), form_text(form, "action", 16)
    if action == "preview":
        shown = Form({"postmortem_body": body}, {}, preview(body))
        return await render_incident(request, data, Shown(postmortem_form=shown))
    state, user = request.app[ADMIN], request[USER]
    try:
        await save_postmortem(
            request.app[keys.DATABASE],
            incident.id,
            body,
            publish=action == "publish",
            now=state.clock(),
            actor=user.name,
        )
    except IncidentError as error:
        shown = Form({"postmortem_body": body}, {error.field: error.message})
        return await render_incident(request, data, Shown(postmortem_form=shown), 400)
    return _done(request, f"/admin/incidents/{incident.id}?done=postmortem")


@dataclass(frozen=True, slots=True)
class UpdateEditPage:
    """Context of admin/update_edit.html."""

    chrome: Chrome
    incident: IncidentHeader
    update: UpdateRow
    form: Form  # values: body, status
    statuses: tuple[Choice, ...]  # what the status may be swapped to; () when it may not
    delete_error: str | None


async def _update_of(request: web.Request) -> tuple[IncidentView, UpdateView] | None:
    incident = await incident_or_none(request)
    update_id = int(request.match_info["update_id"])
    if incident is None:
        return None
    found = [u for u in incident.updates if u.id == update_id]
    return (incident, found[0]) if found else None


async def _update_page(
    request: web.Request,
    incident: IncidentView,
    update: UpdateView,
    form: Form,
    *,
    delete_error: str | None = None,
    status: int = 200,
) -> web.Response:
    settings = request.app[keys.SETTINGS].current
    swappable = _SWAPPABLE[incident.kind]
    page = UpdateEditPage(
        chrome=await chrome(request, "Edit update"),
        incident=incident_header(incident, settings.tz, settings.file.site.url),
        update=update_row(update, settings.tz),
        form=form,
        statuses=status_choices(swappable) if update.status in swappable else (),
        delete_error=delete_error,
    )
    return render(request, "admin/update_edit.html", page, status)


async def edit_update_form(request: web.Request) -> web.Response:
    found = await _update_of(request)
    if found is None:
        return not_found(request)
    incident, update = found
    form = Form({"body": update.body, "status": update.status})
    return await _update_page(request, incident, update, form)


@_found
async def edit_update_view(request: web.Request) -> web.Response:
    found = await _update_of(request)
    if found is None:
        return not_found(request)
    incident, update = found
    posted = await posted_form(request)
    values = {"body": form_text(posted, "body"), "status": form_text(posted, "status", 32)}
    if form_text(posted, "action", 16) == "preview":
        form = Form(values, {}, preview(values["body"]))
        return await _update_page(request, incident, update, form)
    state, user = request.app[ADMIN], request[USER]
    try:
        await edit_update(
            request.app[keys.DATABASE],
            update.id,
            body=values["body"],
            status=values["status"] or None,
            now=state.clock(),
            actor=user.name,
            incident_id=incident.id,
        )
    except IncidentError as error:
        form = Form(values, {error.field: error.message})
        return await _update_page(request, incident, update, form, status=400)
    return _done(request, f"/admin/incidents/{incident.id}?done=edited")


@_found
async def delete_update_view(request: web.Request) -> web.Response:
    found = await _update_of(request)
    if found is None:
        return not_found(request)
    incident, update = found
    if form_text(await posted_form(request), "confirm", 8) != "yes":
        form = Form({"body": update.body, "status": update.status})
        return await _update_page(request, incident, update, form, delete_error=CONFIRM, status=400)
    state, user = request.app[ADMIN], request[USER]
    await delete_update(
        request.app[keys.DATABASE],
        update.id,
        now=state.clock(),
        actor=user.name,
        incident_id=incident.id,
    )
    return _done(request, f"/admin/incidents/{incident.id}?done=deleted")
