"""What the periodic round refreshes besides results: the site's security events and
the prober's failures, incidents waiting for a human with their response targets,
and counts over windows longer than the raw history (from hourly roll-ups)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from statuspage.alerting.ruleset import RuleSet
from statuspage.config import Settings
from statuspage.rules.alerts.metric_rules import RAW_S, MetricPoints
from statuspage.rules.alerts.model import Rule
from statuspage.rules.alerts.samples import Counts
from statuspage.rules.alerts.site_rules import SiteData
from statuspage.rules.response_times import update_due_at
from storage.alerts.inputs import hourly_counts_since, incidents_awaiting_response, unmeasured_since
from storage.alerts.reads import sign_in_failures_since, token_failures_since
from storage.database import Database
from storage.freshness import stale_components
from storage.metrics.reads import hourly_buckets, points_since

SITE_HISTORY = timedelta(hours=1)  # longer than any site rule's window by default


async def site_data(db: Database, settings: Settings, now: datetime) -> SiteData:
    since = now - max(SITE_HISTORY, _longest_site_window(settings))
    sign_ins = await sign_in_failures_since(db, since)
    tokens = await token_failures_since(db, since)
    unmeasured = await unmeasured_since(db, since)
    stale = await stale_components(db)
    awaiting = {}
    for incident in await incidents_awaiting_response(db):
        due = update_due_at(
            incident.severity, incident.started_at, settings.tz, settings.business_calendar
        )
        if due is not None:
            awaiting[str(incident.id)] = due.timestamp()
    return SiteData(
        sign_in_failures=[(at.timestamp(), address) for at, address in sign_ins],
        token_failures=[at.timestamp() for at in tokens],
        unmeasured={r: [at.timestamp() for at in times] for r, times in unmeasured.items()},
        awaiting_response=awaiting,
        stale={
            cid: state.stale_since.timestamp()
            for cid, state in stale.items()
            if state.stale_since is not None
        },
        last_results={
            cid: state.last_result_at.timestamp()
            for cid, state in stale.items()
            if state.last_result_at is not None
        },
    )


def _longest_site_window(settings: Settings) -> timedelta:
    windows = [a.window_s or 0.0 for a in settings.file.alerts]
    return timedelta(seconds=max(windows, default=0.0))


async def long_counts(
    db: Database, ruleset: RuleSet, spans: Collection[float], now: datetime
) -> dict[str, dict[float, Counts]]:
    """Results and failures per component over each long span, from hourly roll-ups."""
    counts: dict[str, dict[float, Counts]] = {c: {} for c in ruleset.by_component}
    for span in spans:
        since = (now - timedelta(seconds=span)).replace(minute=0, second=0, microsecond=0)
        for component_id, hour in (
            await hourly_counts_since(db, since, list(ruleset.by_component))
        ).items():
            counts.setdefault(component_id, {})[span] = Counts(hour.results, hour.failures)
    return counts


MAX_METRIC_POINTS = 10_000  # per metric and round: a 10-minute window at 1 s is 600


async def metric_points(db: Database, ruleset: RuleSet, now: datetime) -> dict[str, MetricPoints]:
    """Each judged metric's points over its longest window up to RAW_S, and the means of
    longer windows (burn rates' hours and days) from its hourly roll-ups."""
    found = {}
    for metric_id, rules in ruleset.by_metric.items():
        spans = {s for r in rules for s in _spans(r)}
        if not spans:
            continue
        raw = max((s for s in spans if s <= RAW_S), default=0.0)
        points = await points_since(db, metric_id, now - timedelta(seconds=raw), MAX_METRIC_POINTS)
        long = {}
        for span in (s for s in spans if s > RAW_S):
            hours = await hourly_buckets(db, metric_id, _hour_of(now - timedelta(seconds=span)))
            count = sum(h.count for h in hours)
            if count:
                long[span] = (sum(h.average * h.count for h in hours) / count, count)
        found[metric_id] = MetricPoints(tuple((p.at.timestamp(), p.value) for p in points), long)
    return found


def _spans(rule: Rule) -> list[float]:
    return [rule.window_s, rule.options.get("long_s", 0.0), rule.options.get("short_s", 0.0)]


def _hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)
