"""The front page: banner, open incidents and maintenance, components in their groups,
recent incidents; one calm row per component (front_rows.py).

`load_home` runs the page's queries (roll-ups and bounded "latest" reads only);
`home_page` assembles the context from them and is pure, so tests can feed it
hand-made data and a fixed `now`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from statuspage.config import ComponentConfig, Settings
from statuspage.presentation.days import DayCell, history_days, status_day_cells
from statuspage.presentation.display import (
    StatusBadge,
    TimeText,
    clean_text,
    status_badge,
    time_text,
    worst_status,
)
from statuspage.presentation.metric_cards import MetricCard
from statuspage.rules.indicator import Banner, maintenance_under_way, page_status, standing
from statuspage.web.component_rows import AboutFigures, about_figures, latest_since
from statuspage.web.context_incidents import IncidentCard, incident_card
from statuspage.web.context_site import SiteContext
from statuspage.web.front_rows import UPTIME_WINDOW, ComponentRow, RowData, component_row
from storage.database import Database
from storage.figures.windows import LatencyFigures, window_bounds
from storage.freshness import shown_components
from storage.incidents.reads import IncidentView, open_and_recent
from storage.queries.latest import LatestResult, latest_results
from storage.queries.series import latency_by_component
from storage.queries.summary import ComponentOverview, component_overviews
from storage.status import manual_status_spans
from storage.vocabulary import (
    FINISHED,
    HISTORY_DAYS,
    MAINTENANCE_UNDER_WAY,
    ComponentStatus,
    Granularity,
)

PAST_INCIDENT_DAYS = 14
PAST_INCIDENT_LIMIT = 10
PAST_INCIDENT_READ_LIMIT = 200  # finished ones are picked from these, newest first


@dataclass(frozen=True, slots=True)
class GroupBlock:
    """Components shown together: a configured group, or a run of ungrouped components."""

    id: str | None  # "group-<slug>"; None for ungrouped components (shown without a frame)
    name: str | None
    status: StatusBadge  # the worst status of its components
    components: tuple[ComponentRow, ...]
    open: bool  # unfolded when the page loads (group_starts_open)


@dataclass(frozen=True, slots=True)
class HomePage:
    """Context of `/` (templates/home.html)."""

    site: SiteContext
    title: str  # <title>
    banner: Banner  # the roll-up (Statuspage indicator and description)
    headline: str  # the banner's words; "No Data Yet" before anything has reported
    active_incidents: tuple[IncidentCard, ...]  # unresolved incidents, newest first
    maintenance_now: tuple[IncidentCard, ...]  # maintenance in progress or verifying
    maintenance_upcoming: tuple[IncidentCard, ...]  # scheduled maintenance, soonest first
    groups: tuple[GroupBlock, ...]  # in configured order
    past_incidents: tuple[IncidentCard, ...]  # finished in the last PAST_INCIDENT_DAYS days
    about: AboutFigures
    generated: TimeText  # when this page was rendered
    public_metrics: tuple[MetricCard, ...] = ()  # [[metrics]] marked public (docs/metrics.md)


@dataclass(frozen=True, slots=True)
class HomeData:
    """What the front page reads from storage."""

    statuses: dict[str, str | None]
    overviews: dict[str, ComponentOverview]
    latency_24h: dict[str, LatencyFigures]  # empty unless `front_page_latency` is on
    latest: dict[str, LatestResult]
    unresolved: list[IncidentView]
    maintenances: list[IncidentView]
    recent: list[IncidentView]  # started within the past-incident days, newest first
    manual_intervals: dict[str, list[tuple[str, datetime, datetime]]]  # manual components
    # The latest status in each one's history, where `statuses` says "no recent data".
    recorded: dict[str, str | None] = field(default_factory=dict)


async def load_home(db: Database, settings: Settings, now: datetime) -> HomeData:
    tz = settings.tz
    ids = [c.id for c in settings.components]
    probed = [c.id for c in settings.probed_components]
    since = now - timedelta(days=PAST_INCIDENT_DAYS)
    shown = await shown_components(db)
    incidents = await open_and_recent(db, since=since, limit=PAST_INCIDENT_READ_LIMIT)
    return HomeData(
        statuses={cid: state.shown for cid, state in shown.items()},
        recorded={cid: state.recorded for cid, state in shown.items()},
        overviews=await component_overviews(
            db, probed, now=now, tz=tz, days=HISTORY_DAYS, windows=(UPTIME_WINDOW,)
        ),
        latency_24h=await front_latency(db, settings, probed, now),
        latest=await latest_results(db, ids, since=latest_since(settings, now)),
        unresolved=incidents.unresolved,
        maintenances=incidents.maintenances,
        recent=incidents.recent,
        manual_intervals=await manual_intervals(db, settings, now),
    )


async def front_latency(
    db: Database, settings: Settings, probed: list[str], now: datetime
) -> dict[str, LatencyFigures]:
    """The 24 hours' latency, read only when the site shows it on the front page."""
    if not settings.file.site.front_page_latency:
        return {}
    start, end = window_bounds("24h", now, settings.tz)
    return await latency_by_component(
        db, probed, granularity=Granularity.HOUR, start=start, end=end
    )


async def manual_intervals(
    db: Database, settings: Settings, now: datetime
) -> dict[str, list[tuple[str, datetime, datetime]]]:
    """Status intervals over the bar's days of each manual component (few, and each
    reads only its own status changes: never raw results)."""
    first_day = history_days(now, settings.tz)[0]
    return {
        component.id: await manual_status_spans(db, component.id, first_day, now, settings.tz)
        for component in settings.components
        if component.check is None
    }


def home_page(data: HomeData, settings: Settings, site: SiteContext, now: datetime) -> HomePage:
    tz, names = settings.tz, {c.id: c.name for c in settings.components}
    banner = page_status(
        [_shown_and_recorded(data, c.id) for c in settings.components],
        [i.impact for i in data.unresolved],
        maintenance_in_progress=maintenance_under_way(m.status for m in data.maintenances),
    )
    cards = [incident_card(i, names, tz) for i in data.maintenances]
    return HomePage(
        site=site,
        title=site.name,
        banner=banner,
        headline=banner.description if banner.has_data else "No Data Yet",
        active_incidents=tuple(incident_card(i, names, tz) for i in data.unresolved),
        maintenance_now=tuple(c for c in cards if c.status in MAINTENANCE_UNDER_WAY),
        maintenance_upcoming=tuple(c for c in cards if c.status not in MAINTENANCE_UNDER_WAY),
        groups=component_groups(data, settings, now),
        past_incidents=tuple(incident_card(i, names, tz) for i in past_incidents(data.recent, now)),
        about=about_figures(settings),
        generated=time_text(now, tz),
    )


def _shown_and_recorded(data: HomeData, component_id: str) -> tuple[str | None, str | None]:
    return data.statuses.get(component_id), data.recorded.get(component_id)


def past_incidents(recent: Sequence[IncidentView], now: datetime) -> list[IncidentView]:
    since = now - timedelta(days=PAST_INCIDENT_DAYS)
    finished = [i for i in recent if i.status in FINISHED and i.started_at >= since]
    return finished[:PAST_INCIDENT_LIMIT]


# With more components than this, "auto" folds the groups whose components all work:
# 50 components unfolded are ten screens long, and "Past incidents" eight screens
# down (bench/page_height.py).
FOLD_ABOVE_COMPONENTS = 12


def component_groups(data: HomeData, settings: Settings, now: datetime) -> tuple[GroupBlock, ...]:
    """Groups in the order their first component is configured; each ungrouped
    component stands alone, in its place."""
    runs: dict[str, list[tuple[ComponentConfig, ComponentRow]]] = {}
    for component in settings.components:
        key = component.group_id or f"component:{component.id}"
        row = _row(component, data, settings, now)
        runs.setdefault(key, []).append((component, row))
    fold = settings.file.site.fold_groups
    many = len(settings.components) > FOLD_ABOVE_COMPONENTS
    blocks = []
    for run in runs.values():
        status = worst_status([standing(*_shown_and_recorded(data, c.id)) for c, _ in run])
        blocks.append(
            GroupBlock(
                id=run[0][0].group_id,
                name=None if run[0][0].group is None else clean_text(run[0][0].group),
                status=status_badge(status),
                components=tuple(row for _, row in run),
                open=group_starts_open(fold, status, many_components=many),
            )
        )
    return tuple(blocks)


def group_starts_open(fold: str, status: str | None, *, many_components: bool) -> bool:
    """A group needing attention (any status but operational, "no data" included) is
    always unfolded. One whose components all work is folded with `fold` =
    "always", and with "auto" when the page has many components; "never" folds
    nothing. A folded group still shows its status in its summary."""
    if status != ComponentStatus.OPERATIONAL or fold == "never":
        return True
    return fold == "auto" and not many_components


def _row(
    component: ComponentConfig, data: HomeData, settings: Settings, now: datetime
) -> ComponentRow:
    overview = data.overviews.get(component.id)
    status_days: tuple[DayCell, ...] = ()
    if not component.probed:
        intervals = data.manual_intervals.get(component.id, [])
        days = history_days(now, settings.tz)
        status_days = tuple(status_day_cells(intervals, days, settings.tz, {}))
    row_data = RowData(
        status=data.statuses.get(component.id),
        windows=overview.windows if overview else {},
        shown_days=overview.shown_days if overview else (),
        day_counts=overview.day_counts if overview else (),
        latest=data.latest.get(component.id),
        latency_24h=data.latency_24h.get(component.id),
        status_days=status_days,
    )
    return component_row(component, row_data, latency=settings.file.site.front_page_latency)
