"""The write API's alerts and error budgets, for scripts and on-call tools.

    GET  /api/admin/alerts[?state=&limit=&offset=]   200, {"alerts": [...]} newest first
    POST /api/admin/alerts/{id}/ack                  200, the alert
    POST /api/admin/alerts/{id}/silence              200, the alert; body {"minutes": N}
    POST /api/admin/alerts/{id}/resolve              200, the alert
    GET  /api/admin/budgets                          200, {"budgets": [...]}

Ids are strings, as in the v2 API; times are the v2 API's format in the site's
zone. Acknowledging an alert also acknowledges its group and the group's incident
(the response time stops there). Every action is audited as "token:<name>", in
the same transaction. An unknown alert answers 404, a refused query parameter or
body field 400 naming it, in the write API's error shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from aiohttp import web

from probes.digits import ascii_int
from statuspage import keys
from statuspage.admin import api_input as read
from statuspage.admin.api import actor_of, api_handler
from statuspage.admin.budgets import Budget, load_budgets
from statuspage.admin.state import ADMIN
from statuspage.api.v2 import Json, optional_timestamp, timestamp
from statuspage.rules.alerts.budget import BUDGET_WINDOW_DAYS, OVERSPENT_FLOOR
from storage.alerts.reads import AlertView, get_alert, list_alerts
from storage.alerts.writes import acknowledge, resolve_by_hand, silence
from storage.incidents.rules import IncidentError
from storage.vocabulary import AlertState

ALERTS = "/api/admin/alerts"
ONE_ALERT = ALERTS + r"/{alert_id:[0-9]{1,18}}"
MISSING = "no such alert"
MAX_SILENCE_MINUTES = 7 * 24 * 60  # a week: longer is forgetting, not silencing
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000
STATES = tuple(AlertState)


def setup_alert_api(router: web.UrlDispatcher) -> None:
    router.add_get(ALERTS, api_handler(list_alerts_api, MISSING))
    router.add_post(ONE_ALERT + "/ack", api_handler(acknowledge_api, MISSING))
    router.add_post(ONE_ALERT + "/silence", api_handler(silence_api, MISSING))
    router.add_post(ONE_ALERT + "/resolve", api_handler(resolve_api, MISSING))
    router.add_get("/api/admin/budgets", api_handler(budgets_api))


def alert_json(alert: AlertView, tz: ZoneInfo) -> Json:
    return {
        "id": str(alert.id),
        "group_id": str(alert.group_id),
        "rule": alert.rule,
        "severity": alert.severity.value,
        "subject": alert.subject,
        "component_id": alert.component_id,
        "metric_id": metric_of(alert.subject),
        "state": alert.state.value,
        "started_at": timestamp(alert.started_at, tz),
        "fired_at": optional_timestamp(alert.fired_at, tz),
        "resolved_at": optional_timestamp(alert.resolved_at, tz),
        "resolved_by": alert.resolved_by,
        "acknowledged_at": optional_timestamp(alert.acknowledged_at, tz),
        "acknowledged_by": alert.acknowledged_by,
        "silenced_until": optional_timestamp(alert.silenced_until, tz),
        "silenced_by": alert.silenced_by,
        "figures": alert.figures,
        "resolve_figures": alert.resolve_figures,
    }


def metric_of(subject: str) -> str | None:
    """The metric an alert is about (its subject is "metric:<id>"), or None."""
    return subject.removeprefix("metric:") if subject.startswith("metric:") else None


def query_state(query: Mapping[str, str]) -> AlertState | None:
    value = query.get("state")
    if value is None:
        return None
    if value not in STATES:
        raise IncidentError("state", f"expected one of {', '.join(STATES)}")
    return AlertState(value)


def query_number(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = query.get(name)
    if value is None:
        return default
    number = ascii_int(value, 9)
    if number is None or not low <= number <= high:
        raise IncidentError(name, f"expected a whole number from {low} to {high}")
    return number


async def list_alerts_api(request: web.Request) -> web.Response:
    state = query_state(request.query)
    limit = query_number(request.query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = query_number(request.query, "offset", 0, 0, MAX_OFFSET)
    found = await list_alerts(request.app[keys.DATABASE], state=state, limit=limit, offset=offset)
    tz = request.app[keys.SETTINGS].current.tz
    return web.json_response({"alerts": [alert_json(a, tz) for a in found]})


async def _answer(request: web.Request, alert_id: int) -> web.Response:
    alert = await get_alert(request.app[keys.DATABASE], alert_id)
    return web.json_response(alert_json(alert, request.app[keys.SETTINGS].current.tz))


async def acknowledge_api(request: web.Request) -> web.Response:
    alert_id = int(request.match_info["alert_id"])
    now = request.app[ADMIN].clock()
    await acknowledge(request.app[keys.DATABASE], alert_id, actor=actor_of(request), now=now)
    return await _answer(request, alert_id)


def silence_minutes(data: Mapping[str, object]) -> int:
    value = data.get("minutes")
    if value is None:
        raise IncidentError("minutes", "required")
    # bool is an int to Python, and `true` is not a number of minutes.
    if not isinstance(value, int) or isinstance(value, bool):
        raise IncidentError("minutes", "expected a whole number of minutes")
    if not 0 <= value <= MAX_SILENCE_MINUTES:
        raise IncidentError("minutes", f"expected 0 (lifts the silence) to {MAX_SILENCE_MINUTES}")
    return value


async def silence_api(request: web.Request) -> web.Response:
    alert_id = int(request.match_info["alert_id"])
    minutes = silence_minutes(await read.json_object(request, ("minutes",)))
    now = request.app[ADMIN].clock()
    await silence(
        request.app[keys.DATABASE], alert_id, minutes=minutes, actor=actor_of(request), now=now
    )
    return await _answer(request, alert_id)


async def resolve_api(request: web.Request) -> web.Response:
    """Resolving a resolved alert changes nothing and answers it as it is."""
    alert_id = int(request.match_info["alert_id"])
    now = request.app[ADMIN].clock()
    await resolve_by_hand(request.app[keys.DATABASE], alert_id, actor=actor_of(request), now=now)
    return await _answer(request, alert_id)


def budget_json(budget: Budget) -> Json:
    remaining = budget.remaining
    return {
        "component_id": budget.component_id,
        "name": budget.name,
        "objective_percent": round(budget.objective * 100, 3),
        "window_days": BUDGET_WINDOW_DAYS,
        "results": budget.results,
        "failures": budget.failures,
        "remaining_percent": None if remaining is None else round(remaining * 100, 2),
        "overspent": budget.overspent,
    }


async def budgets_api(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS].current
    now = request.app[ADMIN].clock()
    budgets = await load_budgets(request.app[keys.DATABASE], settings, now)
    return web.json_response(
        {
            "window_days": BUDGET_WINDOW_DAYS,
            "floor_percent": round(OVERSPENT_FLOOR * 100),
            "budgets": [budget_json(b) for b in budgets],
        }
    )
