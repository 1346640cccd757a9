"""The outbox on a real database (SQLite, and PostgreSQL when configured): messages
commit with the alert change that causes them, each is queued once, claims are
leases, and a channel hears a group's messages in order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.alerts.writes import AlertStep, apply_steps
from storage.database import Database
from storage.notify.delivery import claim, finish
from storage.notify.outbox import GroupFacts, NewMessage, Told, enqueue, fold, reconcile
from storage.notify.reads import list_notifications
from storage.vocabulary import AlertSeverity, AlertState, NotificationEvent, NotificationState
from tests.storage.builders import T0

LEASE = timedelta(minutes=2)
FIRING, RESOLVED = NotificationEvent.FIRING, NotificationEvent.RESOLVED


def step(state: AlertState, rule: str = "error-rate-critical") -> AlertStep:
    return AlertStep(
        rule=rule,
        subject="component:api",
        severity=AlertSeverity.CRITICAL,
        component_id="api",
        state=state,
        started_at=T0,
        fired_at=T0,
    )


class Planner:
    """Tells channel "ops" what fires, and "resolved" once nothing does."""

    def __init__(self) -> None:
        self.seen: list[GroupFacts] = []

    def __call__(
        self, group: GroupFacts, told: Mapping[str, Told], now: datetime
    ) -> list[NewMessage]:
        self.seen.append(group)
        heard = told.get("ops", Told())
        if group.firing and heard.severity is None:
            return [NewMessage("ops", FIRING, AlertSeverity.CRITICAL, {"title": "down"})]
        if not group.firing and heard.severity is not None:
            return [NewMessage("ops", RESOLVED, AlertSeverity.CRITICAL, {"title": "up"})]
        return []


def broken(group: GroupFacts, told: Mapping[str, Told], now: datetime) -> list[NewMessage]:
    raise RuntimeError("the planner failed")


async def events(db: Database) -> list[str]:
    page = await list_notifications(db)
    return [e.event.value for e in reversed(page.entries)]


async def test_a_group_firing_queues_its_message_with_it(db: Database) -> None:
    await apply_steps(db, [step(AlertState.FIRING)], now=T0, planner=Planner())
    assert await events(db) == ["firing"]


async def test_the_alert_change_and_its_messages_commit_together_or_not_at_all(
    db: Database,
) -> None:
    with pytest.raises(RuntimeError):
        await apply_steps(db, [step(AlertState.FIRING)], now=T0, planner=broken)
    from storage.alerts.reads import list_alerts

    assert await list_alerts(db) == []
    assert await events(db) == []


async def test_planning_again_queues_nothing_new(db: Database) -> None:
    planner = Planner()
    await apply_steps(db, [step(AlertState.FIRING)], now=T0, planner=planner)
    assert await reconcile(db, planner, T0 + timedelta(seconds=5)) == 0
    assert await events(db) == ["firing"]


async def test_a_resolved_group_is_told_resolved_and_then_nothing(db: Database) -> None:
    planner = Planner()
    await apply_steps(db, [step(AlertState.FIRING)], now=T0, planner=planner)
    await apply_steps(
        db, [step(AlertState.RESOLVED)], now=T0 + timedelta(minutes=5), planner=planner
    )
    await reconcile(db, planner, T0 + timedelta(minutes=6))
    assert await events(db) == ["firing", "resolved"]


async def test_the_same_message_cannot_be_queued_twice(db: Database) -> None:
    message = NewMessage("ops", NotificationEvent.TEST, None, {}, dedup_key="test:1")
    await enqueue(db, [message], T0)
    with pytest.raises(IntegrityError):
        await enqueue(db, [message], T0)


async def test_a_claimed_message_is_not_claimed_again_while_its_lease_runs(db: Database) -> None:
    await enqueue(db, [NewMessage("ops", NotificationEvent.TEST, None, {}, "t:1")], T0)
    (first,) = await claim(db, now=T0, lease=LEASE, limit=10)
    assert await claim(db, now=T0 + LEASE - timedelta(seconds=1), lease=LEASE, limit=10) == []
    (again,) = await claim(db, now=T0 + LEASE, lease=LEASE, limit=10)
    assert (again.id, again.attempt) == (first.id, 2)


async def test_an_outcome_after_the_lease_was_taken_over_is_ignored(db: Database) -> None:
    await enqueue(db, [NewMessage("ops", NotificationEvent.TEST, None, {}, "t:1")], T0)
    (slow,) = await claim(db, now=T0, lease=LEASE, limit=10)
    (taken,) = await claim(db, now=T0 + LEASE, lease=LEASE, limit=10)
    late = await finish(db, slow, now=T0 + LEASE, state=NotificationState.FAILED, error="late")
    assert late is False
    assert await finish(db, taken, now=T0 + LEASE, state=NotificationState.SENT, answer="ok")
    (entry,) = (await list_notifications(db)).entries
    assert (entry.state, entry.last_error, entry.answer) == (NotificationState.SENT, None, "ok")


async def test_a_channel_hears_a_groups_messages_in_order(db: Database) -> None:
    planner = Planner()
    await apply_steps(db, [step(AlertState.FIRING)], now=T0, planner=planner)
    await apply_steps(db, [step(AlertState.RESOLVED)], now=T0, planner=planner)
    (firing,) = await claim(db, now=T0, lease=LEASE, limit=10)
    assert firing.event is FIRING
    retry_at = T0 + timedelta(minutes=1)
    await finish(
        db, firing, now=T0, state=NotificationState.PENDING, error="500", retry_at=retry_at
    )
    assert await claim(db, now=T0 + timedelta(seconds=30), lease=LEASE, limit=10) == []
    (again,) = await claim(db, now=retry_at, lease=LEASE, limit=10)
    assert again.event is FIRING
    await finish(db, again, now=retry_at, state=NotificationState.SENT)
    (resolved,) = await claim(db, now=retry_at, lease=LEASE, limit=10)
    assert resolved.event is RESOLVED


async def test_a_failed_message_no_longer_holds_the_ones_after_it(db: Database) -> None:
    planner = Planner()
    await apply_steps(db, [step(AlertState.FIRING)], now=T0, planner=planner)
    await apply_steps(db, [step(AlertState.RESOLVED)], now=T0, planner=planner)
    (firing,) = await claim(db, now=T0, lease=LEASE, limit=10)
    await finish(db, firing, now=T0, state=NotificationState.FAILED, error="HTTP 404")
    (resolved,) = await claim(db, now=T0, lease=LEASE, limit=10)
    assert resolved.event is RESOLVED


def test_what_a_channel_was_told_is_folded_from_its_messages() -> None:
    critical, warning = AlertSeverity.CRITICAL, AlertSeverity.WARNING
    later = T0 + timedelta(minutes=30)
    told = fold(
        [
            (FIRING, warning, T0),
            (NotificationEvent.RAISED, critical, T0),
            (NotificationEvent.ACKNOWLEDGED, critical, T0),
            (NotificationEvent.REMINDER, critical, later),
        ]
    )
    assert told == Told(critical, acknowledged=True, paged_at=later, reminders=1, messages=4)
    assert fold([(FIRING, critical, T0), (RESOLVED, critical, later)]) == Told(messages=2)
