"""A component as the front page and its own page show it: status, bar, figures, dependencies.

Assembly only: the caller loads the data (statuses, roll-up overviews, latency,
latest result) and passes `now`; nothing here reads a clock or the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup

from statuspage.config import ComponentConfig, Settings
from statuspage.presentation.days import (
    LEVEL_LABELS,
    MEASURING,
    REPORTED_STATUS,
    DayCell,
    day_cells,
    measuring_cell,
    reported_uptime_text,
)
from statuspage.presentation.display import (
    StatusBadge,
    TimeText,
    clean_text,
    format_ms,
    percent_text,
    status_badge,
    time_text,
)
from statuspage.web.performance import Performance, objective_text, performance
from statuspage.web.svg import day_bar
from storage.figures.windows import HISTORY_WINDOW, DayFigure, Figures, LatencyFigures
from storage.queries.latest import LatestResult
from storage.vocabulary import HISTORY_DAYS

WINDOW_LABELS = {
    "24h": "24 hours",
    "7d": "7 days",
    "30d": "30 days",
    HISTORY_WINDOW: f"{HISTORY_DAYS} days",
    "365d": "365 days",
}
# The windows under a component's bar on its page (a probed one's table has all five).
BLOCK_WINDOWS = ("24h", "30d", HISTORY_WINDOW)
# Words health endpoints use for their dependencies, by how the page shows them.
_DEPENDENCY_WORDS = {
    "ok": {"ok", "up", "healthy", "connected", "operational", "available", "pass", "passing",
           "online", "ready", "true", "success", "green", "running"},
    "degraded": {"degraded", "degraded_performance", "slow", "partial", "partial_outage",
                 "warn", "warning", "yellow", "unstable"},
    "down": {"down", "failing", "fail", "failed", "unhealthy", "disconnected", "error",
             "outage", "major_outage", "offline", "unavailable", "false", "red", "critical",
             "timeout"},
}  # fmt: skip
LATEST_LOOKBACK_CAP = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DependencyState:
    """One dependency as the component's health JSON reported it in its latest result."""

    name: str  # as reported, e.g. "stripe"
    state: str  # as reported, e.g. "operational"
    key: str  # ok | degraded | down | unknown: the icon and its words


@dataclass(frozen=True, slots=True)
class WindowFigure:
    window: str  # "24h", "7d", "30d", "90d" or "365d"
    label: str  # "24 hours", ...
    availability: str  # "99.95 %" or "no data"
    sla_compliance: str  # "98.20 %" or "no data"
    has_data: bool  # False: no result in the window counts towards availability
    measuring: bool = False  # no data yet, but results are waiting for the roll-up
    # A manual component's window: REPORTED_STATUS, and `availability` is the uptime of
    # its reported status (as its days and uptime.json show it); None: measured.
    source_note: str | None = None


@dataclass(frozen=True, slots=True)
class ComponentBlock:
    """One component: what the front page lists and the component page heads with."""

    id: str
    name: str
    url: str  # /components/<id>
    description: str | None
    status: StatusBadge  # current status; "No Data Yet" before the first status
    probed: bool  # False: a manual component, set by operators only (no bar, no SLA)
    sla: str | None  # e.g. "100 ms"; None for manual components
    target_url: str | None  # the probed URL without credentials or query; only if show_url
    bar: Markup | None  # the 90-day SVG bar (manual components: from their status history)
    days: tuple[DayCell, ...]  # the bar's cells, oldest first
    windows: tuple[WindowFigure, ...]  # availability and SLA compliance per window
    measuring: bool  # the newest result is not in the figures yet (see is_measuring)
    performance: Performance | None  # latency over the last 24 hours vs SLA and objectives
    dependencies: tuple[DependencyState, ...]
    last_checked: TimeText | None  # start of the latest probe; None: no recent result
    last_result: str | None  # up | degraded | down of that probe


@dataclass(frozen=True, slots=True)
class AboutFigures:
    """What "About these figures" states, so the words and the code cannot drift apart."""

    time_zone: str
    levels: tuple[tuple[str, str], ...]  # (level, threshold text), good first
    objectives: tuple[tuple[str, str], ...]  # the site's latency objectives: (metric, "< 1 s")
    own_objectives: bool  # some component sets objectives of its own


def about_figures(settings: Settings) -> AboutFigures:
    site = settings.file.site.objectives.merged(None)
    return AboutFigures(
        time_zone=settings.file.site.time_zone,
        levels=tuple(LEVEL_LABELS.items()),
        objectives=tuple((m, objective_text(ms)) for m, ms in site.items()),
        own_objectives=any(c.probed and dict(c.objectives) != site for c in settings.components),
    )


def dependency_key(state: str) -> str:
    word = state.strip().lower()
    for key, words in _DEPENDENCY_WORDS.items():
        if word in words:
            return key
    return "unknown"


def dependency_states(latest: LatestResult | None) -> tuple[DependencyState, ...]:
    if latest is None:
        return ()
    return tuple(
        DependencyState(clean_text(name), clean_text(state), dependency_key(state))
        for name, state in latest.dependencies.items()
    )


def public_target(component: ComponentConfig) -> str | None:
    """The probed URL, if the operator chose to show it: scheme, host and path only,
    since a query or user-info may hold a token expanded from the environment."""
    if component.check is None or not component.show_url:
        return None
    parts = urlsplit(component.check.url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return clean_text(f"{parts.scheme}://{netloc}{parts.path}")


def window_figures(
    windows: Mapping[str, Figures], names: Sequence[str], *, measuring: bool = False
) -> tuple[WindowFigure, ...]:
    """Figures per window; with `measuring`, a window without data says so instead."""
    found = []
    for name in (n for n in names if n in windows):
        figures = windows[name]
        waiting = measuring and not figures.has_data
        found.append(
            WindowFigure(
                window=name,
                label=WINDOW_LABELS[name],
                availability=MEASURING if waiting else percent_text(figures.availability_text()),
                sla_compliance=MEASURING
                if waiting
                else percent_text(figures.sla_compliance_text()),
                has_data=figures.has_data,
                measuring=waiting,
            )
        )
    return tuple(found)


def reported_window_figures(
    windows: Mapping[str, int | None], names: Sequence[str]
) -> tuple[WindowFigure, ...]:
    """A manual component's windows from the uptime of its reported status (parts per
    million, `presentation.days.status_windows`); "no data" where no status was known."""
    found = []
    for name in (n for n in names if n in windows):
        uptime = reported_uptime_text(windows[name])
        found.append(
            WindowFigure(
                window=name,
                label=WINDOW_LABELS[name],
                availability=percent_text(uptime or "no data"),
                sla_compliance="not measured",
                has_data=uptime is not None,
                source_note=REPORTED_STATUS,
            )
        )
    return tuple(found)


def is_measuring(component: ComponentConfig, data: ComponentData) -> bool:
    """The newest result is not in the figures yet, and they would contradict it.

    Pages read roll-ups, written every minute; the newest result is read raw. So
    right after start-up (or a pause of over a day) the 24 hours hold nothing
    while a result is there, and a success may be newer than a day of failures.
    Such figures say "measuring" until the roll-up has caught up.
    """
    latest = data.latest
    if not component.probed or latest is None:
        return False
    no_24h = not data.windows.get("24h", Figures()).has_data
    no_latency = data.latency_24h is None and latest.status != "down"
    return no_24h or no_latency


def latest_since(settings: Settings, now: datetime) -> datetime:
    """How far back the newest result of every component lies, at most: three probe
    intervals plus a timeout of the slowest component, capped at a day."""
    spans = [
        timedelta(seconds=3 * c.interval_s + c.check.timeout_s)
        for c in settings.components
        if c.check is not None
    ]
    return now - min(max(spans, default=timedelta(minutes=5)), LATEST_LOOKBACK_CAP)


@dataclass(frozen=True, slots=True)
class ComponentData:
    """What storage says about one component, as loaded for a page."""

    status: str | None
    windows: Mapping[str, Figures]
    days: Sequence[DayFigure]
    latency_24h: LatencyFigures | None
    latest: LatestResult | None
    incidents_by_day: Mapping[date, Sequence[str]]
    status_days: Sequence[DayCell] = ()  # manual components: days from the status history
    # Manual components: uptime in parts per million per window, from the status history.
    status_windows: Mapping[str, int | None] = field(default_factory=dict)


def component_block(
    component: ComponentConfig,
    data: ComponentData,
    *,
    tz: ZoneInfo,
    windows: Sequence[str] = BLOCK_WINDOWS,
) -> ComponentBlock:
    name = clean_text(component.name)
    measuring = is_measuring(component, data)
    cells = (
        tuple(day_cells(data.days, data.incidents_by_day))
        if component.probed
        else tuple(data.status_days)
    )
    if measuring and cells and cells[-1].level == "none":
        cells = (*cells[:-1], measuring_cell(cells[-1]))
    bar_label = f"{name}: availability per day over the last {len(cells)} days"
    latest = data.latest
    sla_ms = None if component.check is None else component.check.sla_ms
    return ComponentBlock(
        id=component.id,
        name=name,
        url=f"/components/{component.id}",
        description=clean_text(component.description) or None,
        status=status_badge(data.status),
        probed=component.probed,
        sla=None if sla_ms is None else format_ms(sla_ms),
        target_url=public_target(component),
        bar=day_bar(cells, label=bar_label) if cells else None,
        days=cells,
        windows=window_figures(data.windows, windows, measuring=measuring)
        if component.probed
        else reported_window_figures(data.status_windows, windows),
        measuring=measuring,
        performance=None
        if sla_ms is None
        else performance(data.latency_24h, sla_ms, dict(component.objectives)),
        dependencies=dependency_states(latest),
        last_checked=None if latest is None else time_text(latest.started_at, tz),
        last_result=None if latest is None else latest.status,
    )
