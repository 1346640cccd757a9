"""Collecting metric sources on the probes' scheduler, within the probes' limits.

One run per source: scrape its exposition (or query Prometheus once per PromQL metric),
work out each metric's value and store points and problems. The previous scrape of
each source is kept in memory, for the rates; after a restart the first scrape only
sets the baseline. A failure on our side is recorded as `local` and never as a value
or as the application's fault; nothing is stored from an exposition that is refused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from probes.clock import Clock
from probes.errors import NOT_MEASURED
from probes.metrics.exposition import ExpositionError, parse_exposition
from probes.metrics.fetch import Endpoint, FetchFailure, fetch_exposition, query_prometheus
from probes.metrics.operations import MetricProblem, Scrape
from probes.sessions import ProbeSessions
from statuspage.metric_specs import MetricConfig, MetricSourceConfig, MetricsSettings
from statuspage.service.loop_monitor import LoopMonitor
from statuspage.service.metric_values import value_of
from statuspage.service.runner import ProbeLimits
from storage.database import Database
from storage.metrics.buffer import PendingPoint, PointWriter
from storage.metrics.writes import NewProblem, Point
from storage.vocabulary import MetricProblemSide

log = logging.getLogger("statuspage.metrics")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run found: points to store, and (metric, side, reason) problems."""

    points: tuple[Point, ...] = ()
    problems: tuple[tuple[str, MetricProblemSide, str], ...] = ()


@dataclass
class MetricCollector:
    db: Database
    points: PointWriter  # started by the caller; kept through a database outage
    sessions: ProbeSessions
    limits: Callable[[], ProbeLimits]  # the runner's, read per run: a reload may retune them
    settings: Callable[[], MetricsSettings]
    clock: Clock
    # The probes' monitor: a failed scrape its own stalled event loop could explain is
    # ours (`local`), as a failed probe is unknown rather than down.
    monitor: LoopMonitor | None = None
    _previous: dict[str, Scrape] = field(default_factory=dict)

    async def collect(self, source_name: str) -> Outcome:
        """One run of the source, stored; returned for the caller's (and tests') eyes."""
        settings = self.settings()
        source = next((s for s in settings.sources if s.name == source_name), None)
        if source is None:
            return Outcome()
        metrics = settings.of_source(source_name)
        if source.kind == "scrape":
            outcome = await self._scrape(source, metrics)
        else:
            outcome = await self._query(source, metrics)
        await self._store(outcome, metrics)
        return outcome

    async def _scrape(self, source: MetricSourceConfig, metrics: Sequence[MetricConfig]) -> Outcome:
        at = self.clock()
        began = asyncio.get_running_loop().time()
        try:
            async with self.limits().slot(source.url):
                text = await fetch_exposition(self.sessions.fresh, _endpoint(source))
            current = Scrape(at.timestamp(), parse_exposition(text))
        except FetchFailure as failure:
            return _everyone(metrics, *self._whose(failure, began))
        except ExpositionError as exc:
            return _everyone(metrics, MetricProblemSide.TARGET, str(exc))
        previous = self._previous.get(source.name)
        self._previous[source.name] = current
        points, problems = [], []
        for metric in metrics:
            try:
                value = value_of(metric, previous, current)
            except MetricProblem as exc:
                problems.append((metric.id, MetricProblemSide.TARGET, str(exc)))
                continue
            if value is not None:
                points.append(Point(metric.id, at, value))
        return Outcome(tuple(points), tuple(problems))

    async def _query(self, source: MetricSourceConfig, metrics: Sequence[MetricConfig]) -> Outcome:
        points, problems = [], []
        for metric in metrics:
            assert metric.query is not None  # metric_specs requires it
            at = self.clock()
            began = asyncio.get_running_loop().time()
            try:
                async with self.limits().slot(source.url):
                    value = await query_prometheus(
                        self.sessions.fresh, _endpoint(source), metric.query
                    )
            except FetchFailure as failure:
                problems.append((metric.id, *self._whose(failure, began)))
                continue
            if value is None:
                problems.append(
                    (metric.id, MetricProblemSide.TARGET, "the query returned no series")
                )
            else:
                points.append(Point(metric.id, at, value * metric.scale))
        return Outcome(tuple(points), tuple(problems))

    def _whose(self, failure: FetchFailure, began: float) -> tuple[MetricProblemSide, str]:
        if failure.local:
            return MetricProblemSide.LOCAL, failure.reason
        if self.monitor is not None:
            held_s = self.monitor.stalled_during(began, asyncio.get_running_loop().time())
            if held_s >= self.monitor.stall_s:
                stood = f"the prober's event loop stood still for {held_s * 1000:.0f} ms"
                return MetricProblemSide.LOCAL, f"{NOT_MEASURED}: {stood}"
        return MetricProblemSide.TARGET, failure.reason

    async def _store(self, outcome: Outcome, metrics: Sequence[MetricConfig]) -> None:
        public = {m.id for m in metrics if m.public}
        for point in outcome.points:
            self.points.submit(PendingPoint(point, point.metric_id in public))
        by_reason: dict[tuple[MetricProblemSide, str], list[str]] = {}
        for metric_id, side, reason in outcome.problems:
            by_reason.setdefault((side, reason), []).append(metric_id)
        at = self.clock()
        for (side, reason), metric_ids in by_reason.items():  # one write per reason
            self.points.submit(NewProblem(tuple(metric_ids), at, side, reason))
        try:
            # Written before the run ends while the database answers; otherwise they
            # stay buffered and the writer's own loop writes them when it is back.
            await self.points.flush()
        except Exception as exc:
            log.warning(
                "metric points and problems kept until the database answers",
                extra={"fields": {"pending": self.points.pending, "error": str(exc)}},
            )
        for metric_id, side, reason in outcome.problems:
            log.warning(
                "metric without a value",
                extra={"fields": {"metric": metric_id, "side": side.value, "reason": reason}},
            )


def _everyone(metrics: Sequence[MetricConfig], side: MetricProblemSide, reason: str) -> Outcome:
    return Outcome(problems=tuple((m.id, side, reason) for m in metrics))


def _endpoint(source: MetricSourceConfig) -> Endpoint:
    return Endpoint(source.url, source.timeout_s, source.max_body_bytes, source.bearer_token)
