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
from storage.notify.outbox import Told, fold
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


# A critical episode, acknowledged, ending while a warning holds the group open, then
# the critical alerts coming back: storage clears the acknowledgement when they end
# and starts a new episode (`since`) when they return.
EPISODE_1, EPISODE_2 = AT - timedelta(minutes=30), AT
OUTAGE_1 = Now(CRITICAL, CRITICAL, acknowledged=False, since=EPISODE_1)
ACKNOWLEDGED_1 = Now(CRITICAL, CRITICAL, acknowledged=True, since=EPISODE_1)
OUTAGE_2 = Now(CRITICAL, CRITICAL, acknowledged=False, since=EPISODE_2)


def play(*states: Now) -> list[list[tuple[NotificationEvent, AlertSeverity]]]:
    """Each state's messages to one channel, folded into what it heard as they go."""
    history: list[tuple[NotificationEvent, AlertSeverity | None, datetime]] = []
    said = []
    for state in states:
        at = state.since or AT
        these = []
        while (decided := next_message(heard_from(fold(history)), state, at, **ACKS)) is not None:
            these.append(decided)
            history.append((*decided, at))
        said.append(these)
    return said


ACKS = {"hears_acknowledgements": True}


def heard_from(told: Told) -> Heard:
    return Heard(told.severity, told.acknowledged, None, told.paged_at)


def test_slack_hearing_the_warning_too_is_paged_again_when_the_critical_returns() -> None:
    warning_left = Now(WARNING, WARNING, acknowledged=False, since=EPISODE_1)
    said = play(OUTAGE_1, ACKNOWLEDGED_1, warning_left, OUTAGE_2)
    assert said == [
        [(NotificationEvent.FIRING, CRITICAL)],
        [(NotificationEvent.ACKNOWLEDGED, CRITICAL)],
        [],
        [(NotificationEvent.FIRING, CRITICAL)],
    ]


def test_pagerduty_resolved_when_the_critical_ended_is_triggered_not_acknowledged() -> None:
    nothing_routed = Now(None, None, acknowledged=False, since=EPISODE_1)
    said = play(OUTAGE_1, ACKNOWLEDGED_1, nothing_routed, OUTAGE_2)
    assert said[2:] == [
        [(NotificationEvent.RESOLVED, CRITICAL)],
        [(NotificationEvent.FIRING, CRITICAL)],
    ]


def test_a_channel_paged_in_this_episode_is_not_paged_again() -> None:
    heard = Heard(CRITICAL, False, None, paged_at=EPISODE_2)
    assert decide(heard, OUTAGE_2) is None


def test_a_channel_paged_at_an_earlier_episode_hears_firing_afresh() -> None:
    heard = Heard(CRITICAL, True, None, paged_at=EPISODE_2 - timedelta(microseconds=1))
    assert decide(heard, OUTAGE_2) == (NotificationEvent.FIRING, CRITICAL)


def test_an_earlier_episode_heard_and_everything_silenced_says_nothing() -> None:
    heard = Heard(CRITICAL, False, None, paged_at=EPISODE_1)
    silenced = Now(None, CRITICAL, acknowledged=False, since=EPISODE_2)
    assert decide(heard, silenced) is None


def test_without_an_episode_start_or_a_page_the_heard_severity_stands() -> None:
    assert decide(Heard(CRITICAL, False, None, paged_at=EPISODE_1), firing(CRITICAL)) is None
    assert decide(Heard(CRITICAL, False, None), OUTAGE_2) is None
