"""What a metric looks like on the admin dashboard and the public page: its latest
value against its target, and its chart. Assembled from loaded data; pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup

from statuspage.metric_specs import MetricConfig
from statuspage.presentation.metric_chart import (
    ChartLine,
    format_target,
    format_value,
    metric_chart,
)
from storage.database import Database
from storage.metrics.reads import Problem, StoredPoint, latest_problems, points_since

CHART_SPAN = timedelta(hours=6)
CHART_SLOTS = 120  # points drawn at most: a 6-hour chart of 15 s scrapes, averaged per 3 min


@dataclass(frozen=True, slots=True)
class MetricCard:
    id: str
    name: str
    group: str
    description: str | None
    value: str | None  # "12.3 ms"; None: no value yet
    at: datetime | None
    target: str | None  # "below 1,000 ms"
    verdict: str  # "meets" | "misses" | "no-data": a CSS class and the words beside it
    chart: Markup
    problem: str | None  # why the latest run gave no value, if it gave none


def metric_card(
    metric: MetricConfig,
    points: Sequence[StoredPoint],
    problem: Problem | None,
    now: datetime,
) -> MetricCard:
    latest = points[-1] if points else None
    target = metric.target_below if metric.target_below is not None else metric.target_above
    line = ChartLine(
        key=metric.id,
        title=f"{metric.name} over the last 6 hours",
        unit=metric.unit,
        points=averaged(points, now - CHART_SPAN, now, CHART_SLOTS),
        target=target,
        since=now - CHART_SPAN,
        until=now,
    )
    current = (
        problem if problem is not None and (latest is None or problem.at > latest.at) else None
    )
    return MetricCard(
        id=metric.id,
        name=metric.name,
        group=metric.group or "Metrics",
        description=metric.description,
        value=None if latest is None else format_value(latest.value, metric.unit, beside=target),
        at=None if latest is None else latest.at,
        target=target_text(metric),
        verdict=verdict(metric, None if latest is None else latest.value),
        chart=metric_chart(line),
        problem=None if current is None else current.message,
    )


def target_text(metric: MetricConfig) -> str | None:
    if metric.target_below is not None:
        return f"below {format_target(metric.target_below, metric.unit)}"
    if metric.target_above is not None:
        return f"above {format_target(metric.target_above, metric.unit)}"
    return None


def verdict(metric: MetricConfig, value: float | None) -> str:
    if value is None:
        return "no-data"
    if metric.target_below is not None and value >= metric.target_below:
        return "misses"
    if metric.target_above is not None and value <= metric.target_above:
        return "misses"
    return "meets"


def averaged(
    points: Sequence[StoredPoint], since: datetime, until: datetime, slots: int
) -> list[tuple[datetime, float]]:
    """The points' mean per equal slice of [since, until], at each slice's middle;
    slices without points are left out (the line joins across them)."""
    width = (until - since) / slots
    sums: dict[int, tuple[float, int]] = {}
    for point in points:
        if since <= point.at <= until:
            index = min(int((point.at - since) / width), slots - 1)
            total, count = sums.get(index, (0.0, 0))
            sums[index] = (total + point.value, count + 1)
    return [
        (since + width * (index + 0.5), total / count)
        for index, (total, count) in sorted(sums.items())
    ]


def grouped(cards: Sequence[MetricCard]) -> list[tuple[str, list[MetricCard]]]:
    """Cards by group, groups in the order they first appear."""
    groups: dict[str, list[MetricCard]] = {}
    for card in cards:
        groups.setdefault(card.group, []).append(card)
    return list(groups.items())


MAX_CHART_POINTS = 5000  # 6 hours at 5 s; more is averaged away anyway


async def load_metric_cards(
    db: Database, metrics: Sequence[MetricConfig], now: datetime
) -> list[MetricCard]:
    """Each metric's card: the admin dashboard passes every metric, the page the public ones."""
    problems = await latest_problems(db, [m.id for m in metrics])
    cards = []
    for metric in metrics:
        points = await points_since(db, metric.id, now - CHART_SPAN, MAX_CHART_POINTS)
        cards.append(metric_card(metric, points, problems.get(metric.id), now))
    return cards
