"""The evaluator's memory and one evaluation step, with no I/O: results go in as they
are committed, `evaluate(now)` says which alerts changed.

It keeps each probed component's recent results (`SampleWindow`, the longest raw
window), the status in force, counts for windows longer than that (from roll-ups),
the site's recent security events, and the open alert of every rule and subject.
Components under maintenance are neither fed nor judged: their alerts hold still
until the window ends.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from statuspage.alerting.ruleset import RuleSet
from statuspage.rules.alerts.component_rules import COMPONENT_KINDS, ComponentData
from statuspage.rules.alerts.lifecycle import Change, Step, Tracked, step
from statuspage.rules.alerts.metric_rules import MetricPoints
from statuspage.rules.alerts.metric_rules import measure as measure_metric
from statuspage.rules.alerts.model import Reading, Rule
from statuspage.rules.alerts.quiet import Quiet
from statuspage.rules.alerts.samples import Counts, SampleWindow
from statuspage.rules.alerts.site_rules import SITE, SITE_KINDS, SiteData
from storage.alerts.reads import AlertView
from storage.alerts.writes import AlertStep
from storage.results.announce import Announced
from storage.vocabulary import AlertSeverity, AlertState, StatusSource

# Subjects name what an alert is about; alerts about one subject share a group.
_SITE_PREFIX = {
    "failed_sign_ins_per_address": "address:",
    "prober_unmeasured": "prober:",
    "response_target_missed": "incident:",
    "no_recent_data": "silent:",
}
_GONE = Reading(0.0, 0, {"reason": "no longer in the window"})
# Components judged between two chances for the service's event loop to start probes:
# a slice of a sweep (every rule) takes a few milliseconds.
SLICE = 250


def component_subject(component_id: str) -> str:
    return f"component:{component_id}"


def metric_subject(metric_id: str) -> str:
    return f"metric:{metric_id}"


def site_subject(kind: str, key: str) -> str:
    return "site" if key == SITE else _SITE_PREFIX.get(kind, "site:") + key


class Scope(enum.Enum):
    ARRIVED = "arrived"  # components with a failure just committed
    ROUND = "round"  # fed since the last round, with open alerts, and the site
    SWEEP = "sweep"  # everything


@dataclass(slots=True)
class _Open:
    tracked: Tracked
    rule: str
    component_id: str | None
    severity: AlertSeverity


@dataclass(slots=True)
class EvaluatorState:
    windows: dict[str, SampleWindow] = field(default_factory=dict)
    seen: dict[str, set[tuple[str, float]]] = field(default_factory=dict)
    statuses: dict[str, tuple[str, str]] = field(default_factory=dict)  # status, source
    long_counts: dict[str, dict[float, Counts]] = field(default_factory=dict)
    site: SiteData = field(default_factory=SiteData)
    open: dict[tuple[str, str], _Open] = field(default_factory=dict)  # (rule, subject)
    touched: set[str] = field(default_factory=set)  # fed since the last round
    urgent: set[str] = field(default_factory=set)  # a failure arrived since last judged
    metrics: dict[str, MetricPoints] = field(default_factory=dict)  # recent points, by id


class Evaluator:
    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.state = EvaluatorState()
        self._live = _live_keys(ruleset)
        self._quiet = _quiet_rules(ruleset)

    def retune(self, ruleset: RuleSet) -> None:
        """New rules (a reload): windows are kept, and alerts of removed rules resolve
        at the next evaluation."""
        self.ruleset = ruleset
        self._live = _live_keys(ruleset)
        self._quiet = _quiet_rules(ruleset)
        keep = ruleset.keep_s
        for component_id, window in self.state.windows.items():
            window.keep_s = keep
            quiet = self._quiet.get(component_id)
            window.watch(math.inf if quiet is None else quiet.fastest_ms)

    def _new_window(self, component_id: str) -> SampleWindow:
        """A component's window, remembering successes its quiet check looks for."""
        return SampleWindow(self.ruleset.keep_s, self._quiet[component_id].fastest_ms)

    # Feeding -------------------------------------------------------------------

    def add(self, results: Iterable[Announced]) -> int:
        """Take committed results; a result seen before (a retried batch, or the same
        row read back after a takeover) is skipped. Returns how many were new."""
        added = 0
        state = self.state
        rules, statuses, windows = self.ruleset.by_component, state.statuses, state.windows
        seen_by_component, touched, urgent = state.seen, state.touched, state.urgent
        for r in results:
            component_id = r.component_id
            if component_id not in rules:
                continue
            status = statuses.get(component_id)
            if status is not None and status[1] == StatusSource.MAINTENANCE:
                continue  # `_in_maintenance`, inline: this runs for every result
            seen = seen_by_component.get(component_id)
            if seen is None:
                seen = seen_by_component[component_id] = set()
            key = (r.region, r.at)
            if key in seen:
                continue
            seen.add(key)
            window = windows.get(component_id)
            if window is None:
                window = windows[component_id] = self._new_window(component_id)
            window.append(r.at, r.failed, r.latency_ms, r.over_sla)
            touched.add(component_id)
            if r.failed:
                urgent.add(component_id)
            added += 1
        return added

    def set_statuses(self, statuses: Mapping[str, tuple[str, str]]) -> None:
        for component_id, status in statuses.items():
            if self.state.statuses.get(component_id) != status:
                self.state.statuses[component_id] = status
                self.state.touched.add(component_id)

    def set_long_counts(self, counts: Mapping[str, dict[float, Counts]]) -> None:
        self.state.long_counts = dict(counts)

    def set_site(self, site: SiteData) -> None:
        self.state.site = site

    def set_metrics(self, metrics: Mapping[str, MetricPoints]) -> None:
        self.state.metrics = dict(metrics)

    def restore(self, alerts: Iterable[AlertView]) -> None:
        """Open alerts from the database, after a restart or a takeover: a firing
        alert stays firing (no second page), a pending one keeps its start."""
        for alert in alerts:
            tracked = Tracked(
                alert.state,
                started_at=_epoch(alert.started_at),
                fired_at=None if alert.fired_at is None else _epoch(alert.fired_at),
                clear_since=None if alert.clear_since is None else _epoch(alert.clear_since),
            )
            self.state.open[(alert.rule, alert.subject)] = _Open(
                tracked, alert.rule, alert.component_id, alert.severity
            )

    def reset_open(self, alerts: Iterable[AlertView]) -> None:
        """Open alerts as the database has them now (the truth: an operator may have
        resolved one, or a write may have failed)."""
        self.state.open = {}
        self.restore(alerts)

    def _in_maintenance(self, component_id: str) -> bool:
        status = self.state.statuses.get(component_id)
        return status is not None and status[1] == StatusSource.MAINTENANCE

    # Evaluating ----------------------------------------------------------------

    def evaluate(self, now: float, scope: Scope = Scope.ARRIVED) -> list[AlertStep]:
        """Judge the components `scope` names and return the alerts whose state changed.

        A failure is what makes an alert fire fast, so components with a new failure
        are judged as it arrives (ARRIVED). Successes can only lower error rates or
        move a latency window, which the periodic ROUND judges a few seconds later
        (each component fed since, or with an open alert, and the site rules) at a
        fraction of the cost of judging every result. A SWEEP, now and then, judges
        every component, for windows that slide on with no new results at all.
        """
        steps: list[AlertStep] = []
        for part in self.evaluating(now, scope):
            steps += part
        return steps

    def evaluating(
        self, now: float, scope: Scope = Scope.ARRIVED, *, slice_size: int | None = None
    ) -> Iterator[list[AlertStep]]:
        """`evaluate`, one slice of at most `slice_size` components at a time, then the
        site's and metrics' rules: the same steps in the same order. Between slices
        the caller may let other work run (the service lets the event loop start
        probes: a sweep of thousands of components is long), provided nothing else
        changes this evaluator meanwhile."""
        state = self.state
        if scope is Scope.ARRIVED:
            targets = state.urgent
        elif scope is Scope.ROUND:
            targets = state.touched | state.urgent | self._with_open_alerts()
        else:
            targets = set(self.ruleset.by_component)
        targets &= self.ruleset.by_component.keys()
        state.urgent = set()
        if scope is not Scope.ARRIVED:
            state.touched = set()
            for window in state.windows.values():
                window.forget_before(now)
        with_alerts = self._with_open_alerts()
        ordered, size = sorted(targets), slice_size or SLICE
        for first in range(0, len(ordered), size):
            steps: list[AlertStep] = []
            for component_id in ordered[first : first + size]:
                if not self._in_maintenance(component_id):
                    only_latency = scope is Scope.ROUND and component_id not in with_alerts
                    steps += self._component(component_id, now, only_latency=only_latency)
            yield steps
        if scope is not Scope.ARRIVED:
            yield self._site(now) + self._metrics(now) + self._orphans(now)
            self._prune_seen(now)

    def _with_open_alerts(self) -> set[str]:
        return {held.component_id for held in self.state.open.values() if held.component_id}

    def _component(
        self, component_id: str, now: float, *, only_latency: bool = False
    ) -> list[AlertStep]:
        """Judge one component's rules. `only_latency`: a round's component with no
        open alert; if it has had no failure for the whole raw window either, rules
        that count failures cannot breach (a failure is judged as it arrives, and
        long windows in the sweep), so only the latency kinds are measured: half
        the rules; and none at all while no sample in their windows offends on its
        own (`Quiet`), the common case of a healthy component."""
        window = self.state.windows.get(component_id) or SampleWindow(self.ruleset.keep_s)
        rules = self.ruleset.by_component[component_id]
        keep_s = self.ruleset.keep_s
        if only_latency and (
            window.surely_none(now, keep_s, failed=True) or not window.counts(now, keep_s).failures
        ):
            quiet = self._quiet[component_id]
            if quiet.holds(window, now):
                return []  # no alert open, and no rule can breach: nothing can move
            rules = quiet.rules
        status, source = self.state.statuses.get(component_id, (None, None))
        data = ComponentData(window, status, source, self.state.long_counts.get(component_id, {}))
        subject = component_subject(component_id)
        steps = []
        for rule in rules:
            reading = COMPONENT_KINDS.measure(rule, data, now)
            if (moved := self._step(rule, subject, component_id, reading, now)) is not None:
                steps.append(moved)
        return steps

    def _site(self, now: float) -> list[AlertStep]:
        steps = []
        for rule in self.ruleset.site:
            readings = {
                site_subject(rule.kind, key): reading
                for key, reading in SITE_KINDS.measure(rule, self.state.site, now).items()
            }
            for (name, subject), _ in list(self.state.open.items()):
                if name == rule.name and subject not in readings:
                    readings[subject] = _GONE  # nothing in the window: it clears
            for subject, reading in readings.items():
                about = _component_of(rule.kind, subject)
                if (moved := self._step(rule, subject, about, reading, now)) is not None:
                    steps.append(_about_incident(moved) if rule.kind in _ABOUT_INCIDENTS else moved)
        return steps

    def _metrics(self, now: float) -> list[AlertStep]:
        """Judge every metric's rules on its recent points (each round: a metric's
        points arrive from the database, not announced like probe results)."""
        steps = []
        for metric_id, rules in sorted(self.ruleset.by_metric.items()):
            data = self.state.metrics.get(metric_id, MetricPoints())
            for rule in rules:
                reading = measure_metric(rule, data, now)
                moved = self._step(rule, metric_subject(metric_id), None, reading, now)
                if moved is not None:
                    steps.append(moved)
        return steps

    def _orphans(self, now: float) -> list[AlertStep]:
        """Open alerts whose rule no longer applies (removed from config, or the
        component left it) resolve: nothing would ever clear them otherwise."""
        site_rules, component_rules = self._live
        steps = []
        for (name, subject), held in list(self.state.open.items()):
            if name in site_rules or (name, subject) in component_rules:
                continue
            if subject.startswith("component:") and self._in_maintenance(subject[10:]):
                continue
            del self.state.open[(name, subject)]
            ended = AlertState.RESOLVED if held.tracked.state is AlertState.FIRING else None
            tracked = replace(held.tracked, clear_since=now)
            figures = {"reason": "rule removed"}
            steps.append(_alert_step(name, subject, held, ended, tracked, figures))
        return steps

    def _step(
        self, rule: Rule, subject: str, component_id: str | None, reading: Reading, now: float
    ) -> AlertStep | None:
        key = (rule.name, subject)
        held = self.state.open.get(key)
        before = held.tracked if held is not None else None
        moved: Step = step(rule, before, reading, now)
        if moved.change is None and moved.tracked == before:
            return None
        if moved.tracked is None:
            self.state.open.pop(key, None)
        else:
            self.state.open[key] = _Open(moved.tracked, rule.name, component_id, rule.severity)
        tracked = moved.tracked or before
        assert tracked is not None
        state: AlertState | None = tracked.state
        if moved.change is Change.RESOLVED:
            state = AlertState.RESOLVED
        elif moved.change is Change.DROPPED:
            state = None
        held = _Open(tracked, rule.name, component_id, rule.severity)
        return _alert_step(rule.name, subject, held, state, tracked, reading.figures)

    def _prune_seen(self, now: float) -> None:
        """Forget the keys of results long gone from the window. A set has no order,
        so pruning reads it whole: only once it holds twice what the window does,
        which makes the cost per result constant instead of a window's worth a round."""
        horizon = now - self.ruleset.keep_s - 60.0
        windows = self.state.windows
        for component_id, seen in self.state.seen.items():
            window = windows.get(component_id)  # set with `seen` in `add`; never assume
            if len(seen) > 64 + 2 * (len(window) if window is not None else 0):
                self.state.seen[component_id] = {k for k in seen if k[1] >= horizon}


def _alert_step(
    name: str,
    subject: str,
    held: _Open,
    state: AlertState | None,
    tracked: Tracked,
    figures: Mapping[str, object],
) -> AlertStep:
    """What storage is told: the alert's new state and times, and its figures."""
    return AlertStep(
        rule=name,
        subject=subject,
        severity=held.severity,
        component_id=held.component_id,
        state=state,
        started_at=_datetime(tracked.started_at),
        fired_at=None if tracked.fired_at is None else _datetime(tracked.fired_at),
        clear_since=None if tracked.clear_since is None else _datetime(tracked.clear_since),
        figures=dict(figures),
    )


def _live_keys(ruleset: RuleSet) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The site rules' names, and (rule, subject) of every component rule in force:
    an open alert matching neither belongs to a rule that is gone."""
    components = frozenset(
        (rule.name, component_subject(component_id))
        for component_id, rules in ruleset.by_component.items()
        for rule in rules
    ) | frozenset(
        (rule.name, metric_subject(metric_id))
        for metric_id, rules in ruleset.by_metric.items()
        for rule in rules
    )
    return frozenset(r.name for r in ruleset.site), components


def _quiet_rules(ruleset: RuleSet) -> dict[str, Quiet]:
    keep_s = ruleset.keep_s
    return {c: Quiet.of(rules, keep_s) for c, rules in ruleset.by_component.items()}


_ABOUT_INCIDENTS = {"response_target_missed"}
_ABOUT_COMPONENTS = {"no_recent_data"}  # site rules whose subject is one component


def _component_of(kind: str, subject: str) -> str | None:
    """The component a site rule's alert is about, so routes by component reach it."""
    if kind not in _ABOUT_COMPONENTS:
        return None
    return subject.removeprefix(_SITE_PREFIX[kind])


def _about_incident(moved: AlertStep) -> AlertStep:
    """Its group links the incident, so acknowledging the alert acknowledges it."""
    return replace(moved, incident_id=int(moved.subject.removeprefix("incident:")))


def _epoch(at: datetime) -> float:
    return at.timestamp()


def _datetime(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)
