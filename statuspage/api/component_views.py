"""One component, beyond Statuspage: its measured uptime as JSON, and its badges."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.api.badges import (
    Badge,
    latency_badge,
    render_badge,
    reported_uptime_badge,
    status_badge,
    uptime_badge,
)
from statuspage.api.data import load_snapshot
from statuspage.api.uptime import UPTIME_WINDOWS, ReportedUptime, uptime_v2
from statuspage.api.v2 import page_v2
from statuspage.api.views import json_text
from statuspage.config import ComponentConfig
from statuspage.http.errors import PageError, configured
from statuspage.http.serving import JSON, SVG, Document, serve
from statuspage.presentation.days import history_days, status_days, status_windows
from storage.database import Database
from storage.figures.windows import Figures
from storage.freshness import shown_statuses
from storage.queries.summary import component_summary
from storage.status import manual_status_spans
from storage.vocabulary import HISTORY_DAYS

BADGE_TYPES = ("status", "uptime", "latency")
DEFAULT_WINDOW = {"status": "", "uptime": "30d", "latency": "24h"}
# Badges are fetched through image proxies (GitHub's camo) that honour max-age.
BADGE_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"


async def uptime(request: web.Request) -> web.StreamResponse:
    app, component_id = request.app, request.match_info["component_id"]
    configured(app[keys.SETTINGS].current, component_id)

    async def build() -> Document:
        settings, now = app[keys.SETTINGS].current, app[keys.WEB].clock()
        config = configured(settings, component_id)  # again: a reload may have removed it
        db = app[keys.DATABASE]
        snapshot = await load_snapshot(db, settings, now=now)
        summary = await component_summary(db, component_id, now=now, tz=settings.tz)
        sla_ms = None if config.check is None else config.check.sla_ms
        body = {
            "page": page_v2(snapshot.page),
            "component": snapshot.components_by_id[component_id],
            **uptime_v2(summary, sla_ms, await _reported_uptime(db, config, now, settings.tz)),
        }
        return Document(json_text(body), JSON)

    return await serve(request, request.path, build)


async def _reported_uptime(
    db: Database, config: ComponentConfig, now: datetime, tz: ZoneInfo
) -> ReportedUptime | None:
    """A manual component's days (as its bar shows them) and windows, from its status
    history; None for a probed one. The 90 days reach back to the longest window."""
    if config.probed:
        return None
    days = history_days(now, tz)
    spans = await manual_status_spans(db, config.id, days[0], now, tz)
    return ReportedUptime(
        days=status_days(spans, days, tz), windows=status_windows(spans, UPTIME_WINDOWS, now, tz)
    )


async def _reported_window(
    db: Database, config: ComponentConfig, window: str, now: datetime, tz: ZoneInfo
) -> int | None:
    """A manual component's uptime in one window, as its uptime.json says it."""
    spans = await manual_status_spans(db, config.id, history_days(now, tz)[0], now, tz)
    return status_windows(spans, (window,), now, tz)[window]


def badge_query(request: web.Request) -> tuple[str, str]:
    """(type, window) from the query, or a 400 naming the parameter."""
    kind = request.query.get("type", "status")
    if kind not in BADGE_TYPES:
        raise PageError(400, f"type: expected one of {', '.join(BADGE_TYPES)}")
    window = request.query.get("window", DEFAULT_WINDOW[kind])
    if kind != "status" and window not in UPTIME_WINDOWS:
        raise PageError(400, f"window: expected one of {', '.join(UPTIME_WINDOWS)}")
    return kind, window


async def badge(request: web.Request) -> web.StreamResponse:
    app, component_id = request.app, request.match_info["component_id"]
    configured(app[keys.SETTINGS].current, component_id)
    kind, window = badge_query(request)

    async def build() -> Document:
        settings = app[keys.SETTINGS].current
        config = configured(settings, component_id)
        text = render_badge(await _badge(app, config, kind, window))
        return Document(text, SVG, cache_control=BADGE_CACHE_CONTROL)

    key = f"{request.path}?type={kind}&window={window}"
    return await serve(request, key, build)


async def _badge(app: web.Application, config: ComponentConfig, kind: str, window: str) -> Badge:
    db, settings = app[keys.DATABASE], app[keys.SETTINGS].current
    if kind == "status":
        return status_badge(config.name, (await shown_statuses(db)).get(config.id))
    now = app[keys.WEB].clock()
    if kind == "uptime" and not config.probed:
        up_ppm = await _reported_window(db, config, window, now, settings.tz)
        return reported_uptime_badge(config.name, window, up_ppm)
    summary = await component_summary(db, config.id, now=now, tz=settings.tz, days=HISTORY_DAYS)
    if kind == "uptime":
        return uptime_badge(config.name, window, summary.windows.get(window, Figures()))
    sla_ms = None if config.check is None else config.check.sla_ms
    return latency_badge(config.name, window, summary.latency.get(window), sla_ms)
