"""The write API's metrics: the application's own figures, read and pushed.

    GET  /api/admin/metrics                         200, {"metrics": [...]} with latest values
    GET  /api/admin/metrics/{id}/data[?since=&limit=]   200, {"metric_id", "points": [...]}
    POST /api/admin/metrics/{id}/data               200, {"metric_id", "stored": N}
         body {"points": [{"at": "2026-12-05T10:00:00Z", "value": 12.5}, ...]}

Only `push` metrics take points. A batch is idempotent by time: a point at a time
already stored replaces it, so a client retries a batch whole without counting twice.
A batch is refused whole (400 naming the field, nothing stored) if any point is
wrong: a value that is not a finite number, a time missing, unreadable, given twice,
older than the raw retention (its hour's roll-up could no longer be rebuilt) or more
than five minutes ahead of our clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.admin import api_input as read
from statuspage.admin.api import api_handler
from statuspage.admin.api_alerts import query_number
from statuspage.admin.forms import parse_local_time
from statuspage.admin.state import ADMIN
from statuspage.api.v2 import Json, optional_timestamp, timestamp
from statuspage.metric_specs import MetricConfig
from storage.errors import NotFound
from storage.incidents.rules import IncidentError
from storage.metrics.reads import Problem, StoredPoint, latest_points, latest_problems, points_since
from storage.metrics.writes import Point, write_points

METRICS = "/api/admin/metrics"
DATA = METRICS + r"/{metric_id:[a-z0-9][a-z0-9-]{0,62}}/data"
MISSING = "no such metric"
MAX_BATCH = 1000
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
DEFAULT_SINCE = timedelta(hours=24)
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ; a point from the future does not


def setup_metric_api(router: web.UrlDispatcher) -> None:
    router.add_get(METRICS, api_handler(list_metrics_api, MISSING))
    router.add_get(DATA, api_handler(metric_data_api, MISSING))
    router.add_post(DATA, api_handler(push_api, MISSING))


def metric_json(
    metric: MetricConfig, latest: StoredPoint | None, problem: Problem | None, tz: ZoneInfo
) -> Json:
    return {
        "id": metric.id,
        "name": metric.name,
        "kind": metric.kind,
        "source": metric.source,
        "unit": metric.unit,
        "public": metric.public,
        "group": metric.group,
        "target_below": metric.target_below,
        "target_above": metric.target_above,
        "value": None if latest is None else latest.value,
        "at": None if latest is None else timestamp(latest.at, tz),
        "problem": None if problem is None else problem_json(problem, tz),
    }


def problem_json(problem: Problem, tz: ZoneInfo) -> Json:
    return {"at": timestamp(problem.at, tz), "side": problem.side.value, "message": problem.message}


async def list_metrics_api(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS].current
    metrics = settings.metrics.metrics
    ids = [m.id for m in metrics]
    db = request.app[keys.DATABASE]
    latest, problems = await latest_points(db, ids), await latest_problems(db, ids)
    body = [
        metric_json(
            m, latest.get(m.id), _current(problems.get(m.id), latest.get(m.id)), settings.tz
        )
        for m in metrics
    ]
    return web.json_response({"metrics": body})


def _current(problem: Problem | None, latest: StoredPoint | None) -> Problem | None:
    """A problem older than the latest value is over: not shown as the metric's state."""
    if problem is None or (latest is not None and latest.at >= problem.at):
        return None
    return problem


def _metric(request: web.Request) -> MetricConfig:
    metric = request.app[keys.SETTINGS].current.metrics.metric(request.match_info["metric_id"])
    if metric is None:
        raise NotFound(request.match_info["metric_id"])
    return metric


async def metric_data_api(request: web.Request) -> web.Response:
    metric = _metric(request)
    tz = request.app[keys.SETTINGS].current.tz
    since = query_since(request.query.get("since", ""), tz)
    if since is None:
        since = request.app[ADMIN].clock() - DEFAULT_SINCE
    limit = query_number(request.query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    found = await points_since(request.app[keys.DATABASE], metric.id, since, limit)
    points = [{"at": timestamp(p.at, tz), "value": p.value} for p in found]
    return web.json_response(
        {
            "metric_id": metric.id,
            "unit": metric.unit,
            "since": optional_timestamp(since, tz),
            "points": points,
        }
    )


def query_since(text: str, tz: ZoneInfo) -> datetime | None:
    """`?since=` as UTC, in the site's zone without an offset; None if absent or blank."""
    try:
        return parse_local_time(text, tz, "since")
    except IncidentError as refused:
        if "expected a date and time" not in refused.message:
            raise  # a time that exists nowhere, or out of range: already said plainly
    hint = " (write a + in a query as %2B: sent as it is, it reads as a space)"
    # An unencoded "+01:00" arrives as " 01:00"; the form's example is no help then.
    raise IncidentError(
        "since",
        "expected an ISO 8601 time like 2026-03-02T10:00:00Z"
        + (hint if " " in text.strip() else ""),
    )


async def push_api(request: web.Request) -> web.Response:
    metric = _metric(request)
    if metric.kind != "push":
        raise IncidentError(
            "metric", f"{metric.id} is a {metric.kind} metric: only push metrics take points"
        )
    settings = request.app[keys.SETTINGS].current
    data = await read.json_object(request, ("points",))
    now = request.app[ADMIN].clock()
    oldest = now - timedelta(days=settings.file.storage.raw_retention_days)
    points = pushed_points(metric.id, data, settings.tz, oldest, now + FUTURE_SLACK)
    stored = await write_points(request.app[keys.DATABASE], points, pages=metric.public)
    return web.json_response({"metric_id": metric.id, "stored": stored})


def pushed_points(
    metric_id: str, data: Mapping[str, object], tz: ZoneInfo, oldest: datetime, newest: datetime
) -> list[Point]:
    raw = data.get("points")
    if not isinstance(raw, list) or not raw:
        raise IncidentError("points", 'expected a non-empty list of {"at", "value"} objects')
    if len(raw) > MAX_BATCH:
        raise IncidentError("points", f"at most {MAX_BATCH} points in one batch")
    points: list[Point] = []
    seen: set[datetime] = set()
    for index, item in enumerate(raw):
        point = _one_point(metric_id, item, f"points[{index}]", tz, oldest, newest)
        if point.at in seen:
            raise IncidentError(f"points[{index}].at", "this time is given twice in the batch")
        seen.add(point.at)
        points.append(point)
    return points


def _one_point(
    metric_id: str, item: object, where: str, tz: ZoneInfo, oldest: datetime, newest: datetime
) -> Point:
    if not isinstance(item, dict) or set(item) - {"at", "value"}:
        raise IncidentError(where, 'expected an object with "at" and "value" only')
    value = item.get("value")
    # bool is an int to Python, and `true` is not a measurement.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise IncidentError(f"{where}.value", "expected a finite number")
    at_text = item.get("at")
    if not isinstance(at_text, str):
        raise IncidentError(f"{where}.at", "required: an ISO 8601 time")
    at = parse_local_time(at_text.replace("Z", "+00:00"), tz, f"{where}.at")
    if at is None:
        raise IncidentError(f"{where}.at", "required: an ISO 8601 time")
    if not oldest <= at <= newest:
        raise IncidentError(
            f"{where}.at", "outside what is kept: from the raw retention ago to five minutes ahead"
        )
    return Point(metric_id, at, float(value))
