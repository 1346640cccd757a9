"""Scheduling maintenance from the admin area.

Maintenance is written as scheduled; the periodic maintenance job moves it to
in progress and completed at the window's edges (and sets its components'
statuses), so nobody has to be awake for it.

The form is loaded plain (every component with its status now,
`load_components_now`), then assembled (`maintenance_page`) without I/O, also
when it comes back refused; what was posted becomes a maintenance in
`maintenance_components` and `new_maintenance`, without I/O too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.admin.forms import form_text, parse_local_time
from statuspage.admin.incident_context import (
    ComponentNow,
    Form,
    component_fields,
    load_component_ids,
    load_components_now,
)
from statuspage.admin.pages import Chrome, chrome, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.http.form_body import posted_form
from storage.incidents.rules import IncidentError, NewIncident, is_blank
from storage.incidents.writes import create_incident
from storage.vocabulary import ComponentStatus, IncidentKind, IncidentStatus

MAINTENANCE_FIELDS = ("name", "body", "scheduled_for", "scheduled_until", "notify_subscribers")
DEFAULT_MAINTENANCE_MESSAGE = "We will be performing scheduled maintenance."
TITLE = "Schedule maintenance"


@dataclass(frozen=True, slots=True)
class MaintenancePage:
    """Context of admin/maintenance_new.html."""

    chrome: Chrome
    form: Form  # components: `selected` is "under_maintenance" for a ticked box
    time_zone: str


def maintenance_page(
    chrome: Chrome,
    components: Sequence[ComponentNow],
    time_zone: str,
    values: Mapping[str, str] | None = None,
    selected: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> MaintenancePage:
    """The form, empty, or as typed (`values`, the ticked components in `selected`)
    with the refused field's message in `errors`."""
    fields = component_fields(components, selected or {})
    return MaintenancePage(chrome, Form(values or {}, errors or {}, None, fields), time_zone)


def maintenance_components(ticked: Iterable[str], ids: Collection[str]) -> dict[str, str]:
    """Each ticked box that names a component, under maintenance while the window runs."""
    known = sorted({cid for cid in ticked if cid in ids})
    return dict.fromkeys(known, ComponentStatus.UNDER_MAINTENANCE)


def new_maintenance(
    values: Mapping[str, str], components: dict[str, str], tz: ZoneInfo, *, author: str
) -> NewIncident:
    """The maintenance posted, its window read as local time in `tz`."""
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


async def new_maintenance_form(request: web.Request) -> web.Response:
    components = await load_components_now(request.app[keys.DATABASE])
    zone = request.app[keys.SETTINGS].current.file.site.time_zone
    page = maintenance_page(await chrome(request, TITLE), components, zone)
    return render(request, "admin/maintenance_new.html", page)


async def create_maintenance(request: web.Request) -> web.Response:
    db, settings = request.app[keys.DATABASE], request.app[keys.SETTINGS].current
    posted, ids = await posted_form(request), await load_component_ids(db)
    values = {name: form_text(posted, name) for name in MAINTENANCE_FIELDS}
    selected = maintenance_components((str(v) for v in posted.getall("components", [])), ids)
    state, user = request.app[ADMIN], request[USER]
    try:
        new = new_maintenance(values, selected, settings.tz, author=user.name)
        maintenance_id = await create_incident(db, new, now=state.clock(), actor=user.name)
    except IncidentError as error:
        components, errors = await load_components_now(db), {error.field: error.message}
        zone = settings.file.site.time_zone
        page = maintenance_page(
            await chrome(request, TITLE), components, zone, values, selected, errors
        )
        return render(request, "admin/maintenance_new.html", page, 400)
    return see_other(f"/admin/incidents/{maintenance_id}?done=maintenance")
