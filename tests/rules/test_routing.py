"""Routing, as a specification: which channels hear which severities, and the one
message a channel needs next about a group, from what it heard and what fires now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from statuspage.rules.routing import (
    Heard,
    Now,
    Route,
    channels_for,
    default_routes,
    next_message,
    response_severity,
    worst_routed,
)
from storage.vocabulary import AlertSeverity, NotificationEvent

CRITICAL, WARNING, INFO = AlertSeverity.CRITICAL, AlertSeverity.WARNING, AlertSeverity.INFO
AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
CHANNELS = [("pd", "pagerduty"), ("ops", "slack"), ("hook", "webhook"), ("mail", "email")]


def never_told() -> Heard:
    return Heard(None, acknowledged=False, reminder_due=None)


def told(severity: AlertSeverity, *, acked: bool = False, due: datetime | None = None) -> Heard:
    return Heard(severity, acked, due)


def firing(active: AlertSeverity | None, present: AlertSeverity | None = None) -> Now:
    return Now(active, present if present is not None else active, acknowledged=False)


def decide(
    heard: Heard, now: Now, *, acks: bool = True
) -> tuple[NotificationEvent, AlertSeverity] | None:
    return next_message(heard, now, AT, hears_acknowledgements=acks)


def test_by_default_critical_reaches_slack_and_pagerduty() -> None:
    assert channels_for(default_routes(CHANNELS), CRITICAL, "api") == {"pd", "ops"}


def test_by_default_warning_reaches_slack_only() -> None:
    assert channels_for(default_routes(CHANNELS), WARNING, "api") == {"ops"}


def test_by_default_info_reaches_no_channel() -> None:
    assert channels_for(default_routes(CHANNELS), INFO, "api") == frozenset()


def test_a_route_for_some_components_leaves_the_others_out() -> None:
    routes = [Route(frozenset({CRITICAL}), ("pd",), frozenset({"payments"}))]
    assert channels_for(routes, CRITICAL, "payments") == {"pd"}
    assert channels_for(routes, CRITICAL, "api") == frozenset()
    assert channels_for(routes, CRITICAL, None) == frozenset()


def test_the_worst_routed_severity_ignores_severities_the_channel_does_not_hear() -> None:
    routes = default_routes(CHANNELS)
    assert worst_routed(routes, "pd", [INFO, WARNING, CRITICAL], "api") is CRITICAL
    assert worst_routed(routes, "pd", [INFO, WARNING], "api") is None
    assert worst_routed(routes, "ops", [INFO, WARNING], "api") is WARNING


def test_a_channel_never_told_hears_firing_at_the_active_severity() -> None:
    assert decide(never_told(), firing(WARNING)) == (NotificationEvent.FIRING, WARNING)


def test_a_channel_hears_nothing_while_nothing_routed_to_it_fires() -> None:
    assert decide(never_told(), firing(None)) is None


def test_a_silenced_alert_starts_nothing() -> None:
    assert decide(never_told(), firing(None, present=CRITICAL)) is None


def test_a_more_severe_alert_raises() -> None:
    assert decide(told(WARNING), firing(CRITICAL)) == (NotificationEvent.RAISED, CRITICAL)


def test_a_lower_severity_says_nothing() -> None:
    assert decide(told(CRITICAL), firing(WARNING)) is None


def test_a_channel_hears_resolved_when_nothing_routed_to_it_fires_any_more() -> None:
    assert decide(told(CRITICAL), firing(None)) == (NotificationEvent.RESOLVED, CRITICAL)


def test_a_silence_does_not_resolve() -> None:
    assert decide(told(CRITICAL), firing(None, present=CRITICAL)) is None


def test_an_acknowledgement_is_told_once_to_channels_that_hear_them() -> None:
    now = Now(CRITICAL, CRITICAL, acknowledged=True)
    assert decide(told(CRITICAL), now) == (NotificationEvent.ACKNOWLEDGED, CRITICAL)
    assert decide(told(CRITICAL, acked=True), now) is None
    assert decide(told(CRITICAL), now, acks=False) is None


def test_a_reminder_is_due_at_its_time_and_not_before() -> None:
    assert decide(told(CRITICAL, due=AT + timedelta(seconds=1)), firing(CRITICAL)) is None
    assert decide(told(CRITICAL, due=AT), firing(CRITICAL)) == (
        NotificationEvent.REMINDER,
        CRITICAL,
    )


def test_an_acknowledged_group_is_not_reminded() -> None:
    now = Now(CRITICAL, CRITICAL, acknowledged=True)
    assert decide(told(CRITICAL, acked=True, due=AT), now) is None


def test_a_silenced_group_is_not_reminded() -> None:
    assert decide(told(CRITICAL, due=AT), firing(None, present=CRITICAL)) is None


def test_resolving_comes_before_an_acknowledgement() -> None:
    now = Now(None, None, acknowledged=True)
    assert decide(told(CRITICAL), now) == (NotificationEvent.RESOLVED, CRITICAL)


def test_reminders_follow_the_component_severity_for_critical_and_a_ticket_for_warning() -> None:
    assert response_severity(CRITICAL, "P0") == "P0"
    assert response_severity(CRITICAL, None) == "P1"
    assert response_severity(WARNING, "P0") == "P3"
    assert response_severity(INFO, "P0") is None


def test_the_worst_routed_severity_is_by_rank_not_by_name() -> None:
    routes = default_routes(CHANNELS)
    assert worst_routed(routes, "ops", [WARNING, CRITICAL, INFO], "api") is CRITICAL


def test_the_worst_routed_severity_follows_a_route_for_some_components() -> None:
    routes = [Route(frozenset({CRITICAL}), ("pd",), frozenset({"payments"}))]
    assert worst_routed(routes, "pd", [CRITICAL], "payments") is CRITICAL
    assert worst_routed(routes, "pd", [CRITICAL], "api") is None
