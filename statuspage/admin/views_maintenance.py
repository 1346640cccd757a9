"""Scheduling maintenance from the admin area.

Maintenance is written as scheduled; the periodic maintenance job moves it to
in progress and completed at the window's edges (and sets its components'
statuses), so nobody has to be awake for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from statuspage import keys
from statuspage.admin.forms import form_text, parse_local_time
from statuspage.admin.incident_context import Form, component_fields
from statuspage.admin.pages import Chrome, chrome, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.admin.views_incidents import component_ids, components_now
from statuspage.http.form_body import posted_form
from storage.incidents.rules import IncidentError, NewIncident, is_blank
from storage.incidents.writes import create_incident
from storage.vocabulary import ComponentStatus, IncidentKind, IncidentStatus

MAINTENANCE_FIELDS = ("name", "body", "scheduled_for", "scheduled_until", "notify_subscribers")
DEFAULT_MAINTENANCE_MESSAGE = "We will be performing scheduled maintenance."


@dataclass(frozen=True, slots=True)
class MaintenancePage:
    """Context of admin/maintenance_new.html."""

    chrome: Chrome
    form: Form  # components: `selected` is "under_maintenance" for a ticked box
    time_zone: str


async def new_maintenance_form(request: web.Request) -> web.Response:
    return await _maintenance_page(
        request,
        Form(components=component_fields(await components_now(request), {})),
    )


async def _maintenance_page(request: web.Request, form: Form, status: int = 200) -> web.Response:
    zone = request.app[keys.SETTINGS].current.file.site.time_zone
    page = MaintenancePage(await chrome(request, "Schedule maintenance"), form, zone)
    return render(request, "admin/maintenance_new.html", page, status)


async def create_maintenance(request: web.Request) -> web.Response:
    posted, ids = await posted_form(request), await component_ids(request)
    values = {name: form_text(posted, name) for name in MAINTENANCE_FIELDS}
    ticked = {str(v) for v in posted.getall("components", []) if str(v) in ids}
    selected: dict[str, str] = dict.fromkeys(sorted(ticked), ComponentStatus.UNDER_MAINTENANCE)
    state, user = request.app[ADMIN], request[USER]
    try:
        new = _maintenance(request, values, selected, author=user.name)
        maintenance_id = await create_incident(
            request.app[keys.DATABASE], new, now=state.clock(), actor=user.name
        )
    except IncidentError as error:
        fields = component_fields(await components_now(request), selected)
        form = Form(values, {error.field: error.message}, None, fields)
        return await _maintenance_page(request, form, 400)
    return see_other(f"/admin/incidents/{maintenance_id}?done=maintenance")


def _maintenance(
    request: web.Request, values: Mapping[str, str], components: dict[str, str], *, author: str
) -> NewIncident:
    tz = request.app[keys.SETTINGS].current.tz
    return NewIncident(
        name=values["name"],
        status=IncidentStatus.SCHEDULED,
        body=DEFAULT_MAINTENANCE_MESSAGE if is_blank(values["body"]) else values["body"],
        kind=IncidentKind.MAINTENANCE,
        components=components,
        scheduled_for=parse_local_time(values["scheduled_for"], tz, "scheduled_for"),
        scheduled_until=parse_local_time(values["scheduled_until"], tz, "scheduled_until"),
        author=author,
        notify_subscribers=values["notify_subscribers"] == "yes",
    )
