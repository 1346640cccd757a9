"""`/components/<id>`: one component's figures, latency charts, phases, calendar, incidents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup

from statuspage.config import ComponentConfig, Settings
from statuspage.presentation.days import (
    CalendarMonth,
    calendar_months,
    history_days,
    incidents_by_day,
    status_day_cells,
    status_windows,
)
from statuspage.presentation.display import (
    TimeText,
    clean_text,
    date_text,
    format_ms,
    time_text,
)
from statuspage.web.component_rows import (
    BLOCK_WINDOWS,
    WINDOW_LABELS,
    AboutFigures,
    ComponentBlock,
    ComponentData,
    about_figures,
    component_block,
    latest_since,
    window_figures,
)
from statuspage.web.context_incidents import IncidentCard, incident_card
from statuspage.web.context_site import SiteContext
from statuspage.web.performance import Performance, performance
from statuspage.web.svg import ChartFrame, day_ticks, hour_ticks, latency_chart, phase_bar
from storage.database import Database
from storage.figures.timebuckets import DAY, HOUR, hour_start
from storage.figures.windows import HISTORY_WINDOW, window_bounds
from storage.freshness import shown_statuses
from storage.incidents.reads import IncidentFilter, IncidentView, list_incidents
from storage.queries.latest import PHASE_SAMPLE, LatestResult, PhaseAverages, latest_results
from storage.queries.latest import phase_averages as load_phase_averages
from storage.queries.series import SeriesPoint, latency_series
from storage.queries.summary import ComponentSummary, component_summary
from storage.status import manual_status_spans
from storage.vocabulary import HISTORY_DAYS, Granularity

INCIDENT_LIMIT = 20  # the component's newest incidents listed on its page
DAY_INCIDENT_LIMIT = 500
PHASE_LOOKBACK_CAP = timedelta(days=1)
WINDOWS = ("24h", "7d", "30d", HISTORY_WINDOW, "365d")


@dataclass(frozen=True, slots=True)
class WindowRow:
    label: str  # "24 hours", ...
    availability: str
    sla_compliance: str
    performance: Performance | None  # latency in the window vs SLA and objectives; None: no data
    measuring: bool  # what is missing here is waiting for the roll-up (see is_measuring)


@dataclass(frozen=True, slots=True)
class ChartRow:
    period: str  # bucket start in the site zone, e.g. "26 Nov 14:00" or "26 Nov 2026"
    p50: str  # "123 ms" or "no data"
    p95: str
    count: int  # successful probes in the bucket


@dataclass(frozen=True, slots=True)
class ChartBlock:
    title: str  # e.g. "Last 24 hours (hourly)"
    svg: Markup  # the chart (svg.latency_chart)
    rows: tuple[ChartRow, ...]  # the same data as a table, for screen readers and copying


@dataclass(frozen=True, slots=True)
class PhaseRow:
    key: str  # dns | connect | tls | server | download | total: the swatch colour
    name: str  # e.g. "DNS lookup"
    value: str  # average, e.g. "12.3 ms"
    meaning: str  # what the phase measures


@dataclass(frozen=True, slots=True)
class PhaseBreakdown:
    count: int  # successful results averaged (the newest, at most PHASE_SAMPLE)
    limit: int  # PHASE_SAMPLE: the most that are averaged
    span: str  # how far back they may lie, e.g. "2.5 hours"
    rows: tuple[PhaseRow, ...]  # the phases, then "Whole request": the phases add up to it
    bar: Markup  # stacked bar of the phases


@dataclass(frozen=True, slots=True)
class ComponentPage:
    """Context of `/components/<id>` (templates/component.html)."""

    site: SiteContext
    title: str
    component: ComponentBlock  # status, SLA, 90-day bar, dependencies (as on the front page)
    windows: tuple[WindowRow, ...]  # 24 hours to 365 days
    charts: tuple[ChartBlock, ...]  # 24 h hourly, 7 d hourly, 30 d daily
    phases: PhaseBreakdown | None  # None: manual component or no recent successful result
    calendar: tuple[CalendarMonth, ...]  # the 90 days as month grids
    incidents: tuple[IncidentCard, ...]  # newest INCIDENT_LIMIT touching the component
    about: AboutFigures
    generated: TimeText


@dataclass(frozen=True, slots=True)
class ComponentPageData:
    status: str | None
    summary: ComponentSummary
    series: dict[str, list[SeriesPoint]]  # "24h", "7d", "30d"
    latest: LatestResult | None
    phases: PhaseAverages | None
    incidents: list[IncidentView]  # newest first, within the calendar's days or open
    # A manual component's status intervals over the calendar's days (its days come
    # from them, as on the front page); empty for a probed component.
    manual_intervals: tuple[tuple[str, datetime, datetime], ...] = ()


def chart_spans(now: datetime, tz: ZoneInfo) -> dict[str, tuple[Granularity, datetime, datetime]]:
    current_hour = hour_start(now, tz)
    return {
        "24h": (Granularity.HOUR, *window_bounds("24h", now, tz)),
        "7d": (Granularity.HOUR, current_hour - 167 * HOUR, current_hour + HOUR),
        "30d": (Granularity.DAY, *window_bounds("30d", now, tz)),
    }


async def load_component(
    db: Database, settings: Settings, component: ComponentConfig, now: datetime
) -> ComponentPageData:
    tz, cid = settings.tz, component.id
    series = {
        name: await latency_series(db, cid, granularity=g, start=start, end=end)
        for name, (g, start, end) in chart_spans(now, tz).items()
    }
    latest = await latest_results(db, [cid], since=latest_since(settings, now))
    since = now - timedelta(days=HISTORY_DAYS + 1)
    return ComponentPageData(
        status=(await shown_statuses(db)).get(cid),
        summary=await component_summary(db, cid, now=now, tz=tz, days=HISTORY_DAYS),
        series=series if component.probed else {},
        latest=latest.get(cid),
        phases=await load_phase_averages(db, cid, since=now - phase_lookback(component))
        if component.probed
        else None,
        incidents=await list_incidents(
            db, IncidentFilter(component_id=cid, started_from=since, limit=DAY_INCIDENT_LIMIT)
        ),
        manual_intervals=()
        if component.probed
        else tuple(await manual_status_spans(db, cid, history_days(now, tz)[0], now, tz)),
    )


def phase_lookback(component: ComponentConfig) -> timedelta:
    """About PHASE_SAMPLE intervals back (1.5x for skipped rounds), at most a day: the
    time bound that keeps the "newest 200" query on the recent end of the index."""
    return min(timedelta(seconds=component.interval_s * PHASE_SAMPLE * 1.5), PHASE_LOOKBACK_CAP)


def component_page(
    data: ComponentPageData,
    settings: Settings,
    component: ComponentConfig,
    site: SiteContext,
    now: datetime,
) -> ComponentPage:
    tz = settings.tz
    days = history_days(now, tz)
    by_day = incidents_by_day(data.incidents, component.id, first_day=days[0], now=now, tz=tz)
    block = component_block(
        component,
        ComponentData(
            status=data.status,
            windows=data.summary.windows,
            days=data.summary.days,
            latency_24h=data.summary.latency.get("24h"),
            latest=data.latest,
            incidents_by_day=by_day,
            status_days=()
            if component.probed
            else tuple(status_day_cells(data.manual_intervals, days, tz, by_day)),
            status_windows={}
            if component.probed
            else status_windows(data.manual_intervals, BLOCK_WINDOWS, now, tz),
        ),
        tz=tz,
    )
    names = {c.id: c.name for c in settings.components}
    return ComponentPage(
        site=site,
        title=f"{block.name} · {site.name}",
        component=block,
        windows=window_rows(data.summary, component, measuring=block.measuring),
        charts=charts(data.series, component, now, tz),
        phases=phase_breakdown(data.phases, phase_lookback(component)),
        calendar=tuple(calendar_months(block.days)),
        incidents=tuple(incident_card(i, names, tz) for i in data.incidents[:INCIDENT_LIMIT]),
        about=about_figures(settings),
        generated=time_text(now, tz),
    )


def window_rows(
    summary: ComponentSummary, component: ComponentConfig, *, measuring: bool
) -> tuple[WindowRow, ...]:
    if component.check is None:
        return ()
    sla_ms, objectives = component.check.sla_ms, dict(component.objectives)
    figures = {f.window: f for f in window_figures(summary.windows, WINDOWS, measuring=measuring)}
    rows = []
    for name in WINDOWS:
        latency = performance(summary.latency.get(name), sla_ms, objectives)
        rows.append(
            WindowRow(
                label=WINDOW_LABELS[name],
                availability=figures[name].availability,
                sla_compliance=figures[name].sla_compliance,
                performance=latency,
                measuring=measuring and (figures[name].measuring or latency is None),
            )
        )
    return tuple(rows)


_CHART_TITLES = {
    "24h": "Last 24 hours, hourly",
    "7d": "Last 7 days, hourly",
    "30d": "Last 30 days, daily",
}


def charts(
    series: dict[str, list[SeriesPoint]], component: ComponentConfig, now: datetime, tz: ZoneInfo
) -> tuple[ChartBlock, ...]:
    if component.check is None:
        return ()
    blocks = []
    for name, (granularity, start, end) in chart_spans(now, tz).items():
        hourly = granularity == Granularity.HOUR
        name_of_span = _CHART_TITLES[name].lower()
        frame = ChartFrame(
            title=f"{clean_text(component.name)}: p50 and p95 latency, {name_of_span}",
            start=start,
            end=end,
            step=HOUR if hourly else DAY,
            ticks=_ticks(name, start, end, tz),
            x_title=f"Time ({tz.key})",
            sla_ms=component.check.sla_ms,
            id_prefix=f"chart-{name}",
        )
        points = series.get(name, [])
        rows = tuple(_chart_row(p, tz, hourly=hourly) for p in points)
        blocks.append(ChartBlock(_CHART_TITLES[name], latency_chart(points, frame), rows))
    return tuple(blocks)


def _ticks(
    name: str, start: datetime, end: datetime, tz: ZoneInfo
) -> tuple[tuple[datetime, str], ...]:
    if name == "24h":
        return hour_ticks(start, end, tz, every_hours=6)
    return day_ticks(start, end, tz, weekday=None if name == "7d" else 0)


def _chart_row(point: SeriesPoint, tz: ZoneInfo, *, hourly: bool) -> ChartRow:
    local = point.bucket_start.astimezone(tz)
    period = f"{date_text(local)} {local:%H}:00" if hourly else date_text(local)
    return ChartRow(
        period=period,
        p50="no data" if point.p50_ms is None else format_ms(point.p50_ms),
        p95="no data" if point.p95_ms is None else format_ms(point.p95_ms),
        count=point.count,
    )


_PHASES = (
    ("dns", "DNS lookup", "resolving the host name (none for a cached or IP address)"),
    ("connect", "TCP connect", "opening the connection"),
    ("tls", "TLS handshake", "agreeing encryption (none for plain HTTP)"),
    ("server", "Server", "from the request sent to the first byte of the answer"),
    ("download", "Download", "reading the rest of the answer"),
)


def phase_breakdown(
    phases: PhaseAverages | None, lookback: timedelta = PHASE_LOOKBACK_CAP
) -> PhaseBreakdown | None:
    if phases is None or phases.count == 0 or phases.total_ms is None:
        return None
    values = phase_values(phases)
    rows = [
        PhaseRow(key, label, format_ms(values[key]), meaning)
        for key, label, meaning in _PHASES
        if key in values
    ]
    rows.append(
        PhaseRow("total", "Whole request", format_ms(phases.total_ms), "start to last byte")
    )
    segments = [(label, values[key], f"phase-{key}") for key, label, _ in _PHASES if key in values]
    title = "Average request phases: " + ", ".join(f"{r.name} {r.value}" for r in rows)
    bar = phase_bar(segments, title=title)
    return PhaseBreakdown(phases.count, PHASE_SAMPLE, span_text(lookback), tuple(rows), bar)


def span_text(span: timedelta) -> str:
    """ "25 minutes", "2.5 hours", "24 hours"."""
    minutes = span.total_seconds() / 60
    if minutes < 90:
        return f"{minutes:.0f} minutes"
    return f"{minutes / 60:.1f}".removesuffix(".0") + " hours"


def phase_values(phases: PhaseAverages) -> dict[str, float]:
    """Averages per phase; server time is first byte minus the phases before it
    (the probe's first-byte time includes DNS, connect and TLS)."""
    values = {"dns": phases.dns_ms, "connect": phases.connect_ms, "tls": phases.tls_ms}
    known = {k: v for k, v in values.items() if v is not None}
    if phases.ttfb_ms is not None:
        known["server"] = max(phases.ttfb_ms - sum(known.values()), 0.0)
        if phases.total_ms is not None:
            known["download"] = max(phases.total_ms - phases.ttfb_ms, 0.0)
    return known
