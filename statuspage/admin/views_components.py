"""Setting a component's status without opening an incident.

One form per component on /admin/components. A status set here holds against the
probes until someone sets the component back to operational (storage/manual_status.py);
a refused form is shown again with status 400, the problem next to its component.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.admin.forms import COMPONENT_STATUSES, choice, form_text
from statuspage.admin.incident_context import COMPONENT_CHOICES, Choice, load_components_now
from statuspage.admin.pages import Chrome, chrome, message, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.http.form_body import posted_form
from statuspage.presentation.display import (
    StatusBadge,
    TimeText,
    clean_text,
    status_badge,
    time_text,
)
from storage.errors import NotFound
from storage.incidents.rules import IncidentError
from storage.manual_status import MAX_REASON, set_component_status
from storage.status import StatusInForce, statuses_in_force
from storage.vocabulary import HUMAN_SOURCES, ComponentStatus

LABELS = {"status": "Status", "reason": "Reason (optional)"}
COMPONENT = r"/admin/components/{component_id:[a-z0-9][a-z0-9-]{0,62}}/status"


@dataclass(frozen=True, slots=True)
class ComponentCard:
    id: str
    name: str
    group: str | None
    current: StatusBadge
    chosen: str  # what the select shows: the status typed, or the current one
    reason: str
    error: str | None  # why this component's form was refused
    held_since: TimeText | None  # set by a person (or maintenance) and holding against probes


@dataclass(frozen=True, slots=True)
class ComponentsPage:
    """Context of admin/components.html: every component with a form to set its status."""

    chrome: Chrome
    components: tuple[ComponentCard, ...]
    statuses: tuple[Choice, ...] = COMPONENT_CHOICES
    reason_limit: int = MAX_REASON


@dataclass(frozen=True, slots=True)
class Typed:
    """What was posted for one component, to show again when it is refused."""

    component_id: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None


async def components_page(request: web.Request) -> web.Response:
    return await _page(request, Typed())


async def _page(request: web.Request, typed: Typed, status: int = 200) -> web.Response:
    db, tz = request.app[keys.DATABASE], request.app[keys.SETTINGS].current.tz
    held = await statuses_in_force(db)
    cards = tuple(
        ComponentCard(
            id=c.id,
            name=clean_text(c.name),
            group=c.group,
            current=status_badge(c.status),
            chosen=typed.values["status"] if c.id == typed.component_id else (c.status or ""),
            reason=typed.values["reason"] if c.id == typed.component_id else "",
            error=typed.error if c.id == typed.component_id else None,
            held_since=_held_since(held.get(c.id), tz),
        )
        for c in await load_components_now(db)
    )
    page = ComponentsPage(await chrome(request, "Components"), cards)
    return render(request, "admin/components.html", page, status)


def _held_since(held: StatusInForce | None, tz: ZoneInfo) -> TimeText | None:
    """When a person set the status now in force, if it holds against the probes
    (anything but operational, set by hand or by maintenance)."""
    if (
        held is None
        or held.source not in HUMAN_SOURCES
        or held.status == ComponentStatus.OPERATIONAL
    ):
        return None
    return time_text(held.at, tz)


async def set_status_view(request: web.Request) -> web.Response:
    component_id = request.match_info["component_id"]
    posted = await posted_form(request)
    values = {"status": form_text(posted, "status", 64), "reason": form_text(posted, "reason")}
    try:
        status = choice(values["status"], COMPONENT_STATUSES, "status", "a status")
        if len(values["reason"]) > MAX_REASON:
            raise IncidentError("reason", f"at most {MAX_REASON} characters")
        await set_component_status(
            request.app[keys.DATABASE],
            component_id,
            status,
            now=request.app[ADMIN].clock(),
            actor=request[USER].name,
            reason=values["reason"].strip() or None,
        )
    except IncidentError as refused:
        problem = f"{LABELS.get(refused.field, refused.field)}: {refused.message}"
        return await _page(request, Typed(component_id, values, problem), 400)
    except NotFound:
        return message(request, 404, "Not found", "There is no such component.")
    return see_other(f"/admin/components?done=status#component-{component_id}")
