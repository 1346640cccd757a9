"""The alerts page, and an operator's acknowledge, silence and resolve.

Each action is a form (CSRF checked by the guard, like every admin POST) that
redirects back to the page with a fixed notice. Acknowledging an alert
acknowledges its group and the group's incident too. Every action is audited
under the operator's name, in the same transaction (`storage.alerts.writes`).
"""

from __future__ import annotations

from aiohttp import web

from probes.digits import ascii_int
from statuspage import keys
from statuspage.admin.alert_context import (
    RESOLVED_PAGE_SIZE,
    SILENCE_CHOICES,
    AlertsData,
    Setting,
    alerts_page,
)
from statuspage.admin.forms import form_text
from statuspage.admin.pages import chrome, message, page_number, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.http.form_body import posted_form
from storage.alerts.overview import count_alerts, linked_incidents, recovered_groups
from storage.alerts.reads import list_alerts, open_groups
from storage.alerts.writes import acknowledge, resolve_by_hand, silence
from storage.database import Database
from storage.errors import NotFound
from storage.vocabulary import AlertState

ALERTS = "/admin/alerts"
SILENCE_MINUTES = frozenset(minutes for minutes, _ in SILENCE_CHOICES) | {0}


async def load_alerts(db: Database, page: int, component_names: dict[str, str]) -> AlertsData:
    groups = tuple(await open_groups(db))
    recovered = tuple(await recovered_groups(db))
    offset = (page - 1) * RESOLVED_PAGE_SIZE
    resolved = await list_alerts(
        db, state=AlertState.RESOLVED, limit=RESOLVED_PAGE_SIZE, offset=offset
    )
    ids = {g.incident_id for g in (*groups, *recovered) if g.incident_id is not None}
    return AlertsData(
        groups=groups,
        recovered=recovered,
        resolved=tuple(resolved),
        resolved_total=await count_alerts(db, state=AlertState.RESOLVED),
        incidents=await linked_incidents(db, ids),
        component_names=component_names,
    )


async def alerts(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS].current
    number = page_number(request.query.get("page", "1"))
    names = {c.id: c.name for c in settings.components}
    data = await load_alerts(request.app[keys.DATABASE], number, names)
    setting = Setting(
        await chrome(request, "Alerts"), request.app[ADMIN].clock(), settings.tz, number
    )
    return render(request, "admin/alerts.html", alerts_page(data, setting))


def _alert_id(request: web.Request) -> int:
    return int(request.match_info["alert_id"])


def _not_found(request: web.Request) -> web.Response:
    return message(request, 404, "Not found", "There is no such alert.")


async def acknowledge_view(request: web.Request) -> web.Response:
    now, user = request.app[ADMIN].clock(), request[USER]
    try:
        await acknowledge(request.app[keys.DATABASE], _alert_id(request), actor=user.name, now=now)
    except NotFound:
        return _not_found(request)
    return see_other(f"{ALERTS}?done=acknowledged")


async def silence_view(request: web.Request) -> web.Response:
    text = form_text(await posted_form(request), "minutes", 8)
    minutes = ascii_int(text)
    if minutes not in SILENCE_MINUTES:
        choices = ", ".join(label for _, label in SILENCE_CHOICES)
        return message(request, 400, "Not silenced", f"Choose how long to silence it: {choices}.")
    now, user = request.app[ADMIN].clock(), request[USER]
    try:
        await silence(
            request.app[keys.DATABASE],
            _alert_id(request),
            minutes=minutes,
            actor=user.name,
            now=now,
        )
    except NotFound:
        return _not_found(request)
    return see_other(f"{ALERTS}?done={'silenced' if minutes else 'unsilenced'}")


async def resolve_view(request: web.Request) -> web.Response:
    now, user = request.app[ADMIN].clock(), request[USER]
    try:
        await resolve_by_hand(
            request.app[keys.DATABASE], _alert_id(request), actor=user.name, now=now
        )
    except NotFound:
        return _not_found(request)
    return see_other(f"{ALERTS}?done=alert-resolved")
