"""A component as the front page lists it: name, status, 90-day bar, one uptime figure.

The front page answers "is it working?" at a glance, so a row holds no more;
latency, objectives and dependencies are on the component's own page
(component_rows.py), unless the site opts into one line of latency
(`[site] front_page_latency`). Assembly only: no clock, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from statuspage.config import ComponentConfig
from statuspage.presentation.days import MEASURING, DayCell, day_levels
from statuspage.presentation.display import StatusBadge, clean_text, format_ms, percent_text
from statuspage.presentation.display import status_badge as badge
from statuspage.web.day_links import BarDay, day_links
from statuspage.web.performance import performance
from storage.figures.windows import HISTORY_WINDOW, Figures, LatencyFigures
from storage.queries.latest import LatestResult

UPTIME_WINDOW = HISTORY_WINDOW  # the one figure beside the bar, over the bar's own days
NO_DATA = "no data"


@dataclass(frozen=True, slots=True)
class LatencySummary:
    """The opt-in line under a row: p95 over the last 24 hours against the SLA."""

    p95: str  # e.g. "120 ms"
    sla: str  # e.g. "200 ms"
    within_sla: bool


@dataclass(frozen=True, slots=True)
class ComponentRow:
    """One component on the front page."""

    id: str
    name: str
    url: str  # /components/<id>: its figures, charts and calendar
    status: StatusBadge  # "No Data Yet" before the first status
    probed: bool  # False: set by operators; its bar comes from its status history
    bar: Markup | None  # day links (day_links.py); None when there are no days
    bar_dates: Sequence[date]  # the bar's days, oldest first
    bar_levels: Sequence[str]  # and their colour levels
    uptime: str | None  # availability over the 90 days, "measuring" or "no data"; None: manual
    latency: LatencySummary | None  # only with `front_page_latency`, for probed components

    @property
    def days(self) -> tuple[BarDay, ...]:
        """The bar's days with their levels, oldest first. Kept as two sequences and
        paired only when asked: the template needs only their number."""
        return tuple(map(BarDay, self.bar_dates, self.bar_levels))


@dataclass(frozen=True, slots=True)
class RowData:
    """What storage says about one component, as the front page reads it."""

    status: str | None
    windows: Mapping[str, Figures]
    shown_days: Sequence[date]  # probed components: the bar's days, oldest first
    day_counts: Sequence[Sequence[int] | None]  # ... and their counts (ComponentOverview)
    latest: LatestResult | None
    latency_24h: LatencyFigures | None = None  # loaded only with `front_page_latency`
    status_days: Sequence[DayCell] = ()  # manual components: days from the status history


def component_row(component: ComponentConfig, data: RowData, *, latency: bool) -> ComponentRow:
    name = clean_text(component.name)
    url = f"/components/{component.id}"
    dates, levels = bar_days(component, data)
    label = f"{name}, last {len(dates)} days"
    return ComponentRow(
        id=component.id,
        name=name,
        url=url,
        status=badge(data.status),
        probed=component.probed,
        bar=day_links(url, dates, levels, label=label) if dates else None,
        bar_dates=dates,
        bar_levels=levels,
        uptime=uptime_text(component, data),
        latency=latency_summary(component, data) if latency else None,
    )


def bar_days(component: ComponentConfig, data: RowData) -> tuple[Sequence[date], list[str]]:
    """The bar's days, oldest first, and the level of each."""
    if component.probed:
        return data.shown_days, day_levels(data.day_counts)
    return [c.day for c in data.status_days], [c.level for c in data.status_days]


def uptime_text(component: ComponentConfig, data: RowData) -> str | None:
    """The 90 days' availability; "measuring" while a new component's first results
    wait for the roll-up (the status beside it already reflects them). The roll-up
    writes a day with its hours, so results with nothing counted in the 90 days are
    results still waiting for it."""
    if not component.probed:
        return None
    figures = data.windows.get(UPTIME_WINDOW, Figures())
    if figures.has_data:
        return percent_text(figures.availability_text())
    return MEASURING if data.latest is not None else NO_DATA


def latency_summary(component: ComponentConfig, data: RowData) -> LatencySummary | None:
    if component.check is None:
        return None
    judged = performance(data.latency_24h, component.check.sla_ms, {})
    p95 = next((c for c in judged.checks if c.metric == "p95"), None) if judged else None
    if p95 is None:
        return None
    return LatencySummary(p95.value, format_ms(component.check.sla_ms), p95.within_sla)
