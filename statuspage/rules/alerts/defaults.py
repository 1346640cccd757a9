"""The production configuration's alert rules: what a site with no `[[alerts]]` gets.

Thresholds are "fires when the value is above". Each rule's statistical guard:
`min_samples` results in the window before it is judged at all, and
`min_offending` (at least 2) results that on their own break the threshold, so one
failed probe never fires anything, at any probe interval. Hysteresis: a firing alert
clears only at `clear_at`, below the threshold, and after `resolve_for_s`.
docs/alerting.md explains each choice.
"""

from __future__ import annotations

from typing import Any

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0

DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    # Error rate over a sliding window: critical > 5 % / 2 min, warning > 2 % / 5 min,
    # info > 1 % / 10 min. Clears at half the threshold, held for the window again.
    {
        "name": "error-rate-critical",
        "kind": "error_rate",
        "severity": "critical",
        "above": 5.0,
        "clear_at": 2.5,
        "window_s": 2 * MINUTE,
        "resolve_for_s": 2 * MINUTE,
        "min_samples": 2,
    },
    {
        "name": "error-rate-warning",
        "kind": "error_rate",
        "severity": "warning",
        "above": 2.0,
        "clear_at": 1.0,
        "window_s": 5 * MINUTE,
        "resolve_for_s": 5 * MINUTE,
        "min_samples": 2,
    },
    {
        "name": "error-rate-info",
        "kind": "error_rate",
        "severity": "info",
        "above": 1.0,
        "clear_at": 0.5,
        "window_s": 10 * MINUTE,
        "resolve_for_s": 10 * MINUTE,
        "min_samples": 2,
    },
    # Latency objectives of the page, per component (None: the component's objective).
    {
        "name": "latency-p95",
        "kind": "latency_p95",
        "severity": "critical",
        "above": None,
        "window_s": 5 * MINUTE,
        "resolve_for_s": 5 * MINUTE,
        "min_samples": 5,
    },
    {
        "name": "latency-p99",
        "kind": "latency_p99",
        "severity": "warning",
        "above": None,
        "window_s": 10 * MINUTE,
        "resolve_for_s": 10 * MINUTE,
        "min_samples": 10,
    },
    {
        "name": "latency-average",
        "kind": "latency_average",
        "severity": "info",
        "above": None,
        "window_s": 10 * MINUTE,
        "resolve_for_s": 10 * MINUTE,
        "min_samples": 5,
    },
    # The share of successful probes slower than the component's own SLA.
    {
        "name": "sla-share",
        "kind": "sla_share",
        "severity": "warning",
        "above": 10.0,
        "clear_at": 5.0,
        "window_s": 10 * MINUTE,
        "resolve_for_s": 10 * MINUTE,
        "min_samples": 5,
    },
    # The probes hold the component in a major outage: at once.
    {
        "name": "outage",
        "kind": "outage",
        "severity": "critical",
        "above": 0.5,
        "clear_at": 0.5,
        "window_s": 10 * MINUTE,
        "min_samples": 1,
    },
    # Error budget burn (the SRE workbook's multi-window alerts for a 30-day objective):
    # 14.4x over 1 h and 5 min spends 2 % of the budget in an hour, and pages;
    # 1x over 3 days and 6 h spends it exactly on schedule, and opens a ticket.
    {
        "name": "budget-fast-burn",
        "kind": "burn_rate",
        "severity": "critical",
        "above": 14.4,
        "clear_at": 7.2,
        "resolve_for_s": 5 * MINUTE,
        "long_window_s": HOUR,
        "short_window_s": 5 * MINUTE,
        "min_samples": 10,
    },
    {
        "name": "budget-slow-burn",
        "kind": "burn_rate",
        "severity": "warning",
        "above": 1.0,
        "clear_at": 0.5,
        "resolve_for_s": 30 * MINUTE,
        "long_window_s": 3 * DAY,
        "short_window_s": 6 * HOUR,
        "min_samples": 30,
    },
    # Sign-in security: 20 failed sign-ins in 5 min overall; 10 from one address;
    # 20 bad API tokens in 5 min.
    {
        "name": "failed-sign-ins",
        "kind": "failed_sign_ins",
        "severity": "warning",
        "above": 19.0,
        "window_s": 5 * MINUTE,
        "min_samples": 1,
    },
    {
        "name": "failed-sign-ins-per-address",
        "kind": "failed_sign_ins_per_address",
        "severity": "info",
        "above": 9.0,
        "window_s": 5 * MINUTE,
        "min_samples": 1,
    },
    {
        "name": "bad-tokens",
        "kind": "bad_tokens",
        "severity": "warning",
        "above": 19.0,
        "window_s": 5 * MINUTE,
        "min_samples": 1,
    },
    # The prober itself failed to measure (no file descriptors, memory, a stalled loop).
    {
        "name": "prober-unmeasured",
        "kind": "prober_unmeasured",
        "severity": "warning",
        "above": 1.0,
        "clear_at": 0.0,
        "window_s": 5 * MINUTE,
        "resolve_for_s": 5 * MINUTE,
        "min_samples": 1,
    },
    # A component's results stopped arriving: nobody probes it, or its results are lost.
    {
        "name": "no-recent-data",
        "kind": "no_recent_data",
        "severity": "warning",
        "above": 0.0,
        "min_samples": 1,
    },
    # An incident waited past its severity's response time for a human.
    {
        "name": "response-target-missed",
        "kind": "response_target_missed",
        "severity": "critical",
        "above": 0.0,
        "min_samples": 1,
    },
)
DEFAULT_NAMES = frozenset(rule["name"] for rule in DEFAULT_RULES)
LATENCY_CLEAR_FACTOR = 0.9  # a latency alert clears 10 % below its objective
COMPONENT_OBJECTIVE = 0.99  # availability objective: the error-rate target < 1 %
CRITICAL_OBJECTIVE = 0.999  # components marked critical: < 0.1 %
