"""Writing the outbox: what each channel should hear about alert groups.

Storage knows the facts (a group, its firing alerts, whether its component is under
maintenance, and what each channel has been told about it so far, read back from
the outbox itself); a `Planner` from the notification layer decides which messages
those facts call for; the rows are added in the caller's transaction.

Two callers: `storage.alerts.writes.apply_steps`, in the transaction that moves the
alerts (so a group's change and its messages commit together or not at all), and
`reconcile`, the alert evaluator's periodic round, for what changes without an alert
moving: an acknowledgement, a silence ending, a reminder falling due, an alert
resolved by hand. Both run in the process holding the alerting lock, one at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.tables.alerts import Alert, AlertGroup
from storage.tables.monitoring import StatusChange
from storage.tables.notifications import Notification
from storage.vocabulary import (
    AlertSeverity,
    AlertState,
    NotificationEvent,
    NotificationState,
    StatusSource,
)

# Groups resolved this long ago are still looked at by `reconcile`: a channel told
# they fire hears that they resolved by hand, even after the evaluator was away.
RESOLVED_LOOKBACK = timedelta(days=1)
_PAGES = (NotificationEvent.FIRING, NotificationEvent.RAISED, NotificationEvent.REMINDER)


@dataclass(frozen=True, slots=True)
class FiringAlert:
    rule: str
    severity: AlertSeverity
    fired_at: datetime | None
    silenced_until: datetime | None
    figures: Mapping[str, Any]

    def silenced(self, now: datetime) -> bool:
        return self.silenced_until is not None and self.silenced_until > now


@dataclass(frozen=True, slots=True)
class GroupFacts:
    """An alert group as notifications see it, read in the transaction that plans."""

    id: int
    subject: str
    component_id: str | None
    severity: AlertSeverity
    opened_at: datetime
    resolved_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    incident_id: int | None
    firing: tuple[FiringAlert, ...]  # open alerts in the firing state, silenced or not
    under_maintenance: bool  # its component is in a maintenance window


@dataclass(frozen=True, slots=True)
class Told:
    """What one channel has been told about one group, from its outbox rows."""

    severity: AlertSeverity | None = None  # None: nothing open (never told, or resolved)
    acknowledged: bool = False  # told of the acknowledgement since it began firing
    paged_at: datetime | None = None  # the latest firing, raised or reminder message
    reminders: int = 0  # since it began firing
    messages: int = 0  # every message about the group so far


@dataclass(frozen=True, slots=True)
class NewMessage:
    channel: str
    event: NotificationEvent
    severity: AlertSeverity | None
    payload: dict[str, Any] = field(default_factory=dict)
    dedup_key: str = ""  # empty: one is made from the group and the message's place


class Planner(Protocol):
    """Decides the messages a group's facts call for, given what each channel was told."""

    def __call__(
        self, group: GroupFacts, told: Mapping[str, Told], now: datetime
    ) -> list[NewMessage]: ...


def fold(rows: Iterable[tuple[NotificationEvent, AlertSeverity | None, datetime]]) -> Told:
    """What a channel was told, from its messages about one group, oldest first."""
    told = Told()
    for event, severity, at in rows:
        count = told.messages + 1
        if event is NotificationEvent.RESOLVED:
            told = Told(messages=count)
        elif event is NotificationEvent.FIRING:
            told = Told(severity, False, at, 0, count)
        elif event in _PAGES:
            reminders = told.reminders + (event is NotificationEvent.REMINDER)
            told = Told(severity, told.acknowledged, at, reminders, count)
        elif event is NotificationEvent.ACKNOWLEDGED:
            told = Told(told.severity, True, told.paged_at, told.reminders, count)
        else:
            told = Told(told.severity, told.acknowledged, told.paged_at, told.reminders, count)
    return told


async def plan_in(
    session: AsyncSession, group_ids: Collection[int], planner: Planner, now: datetime
) -> list[Notification]:
    """Add the messages `planner` decides for these groups, in `session`'s transaction."""
    await session.flush()
    added = []
    for group_id, message in await _planned(session, group_ids, planner, now):
        session.add(row := _row(message, group_id, message.dedup_key, now))
        added.append(row)
    return added


async def _planned(
    session: AsyncSession, group_ids: Collection[int], planner: Planner, now: datetime
) -> list[tuple[int, NewMessage]]:
    facts = await _facts(session, group_ids)
    told = await _told(session, [g.id for g in facts])
    planned = []
    for group in facts:
        heard = told.get(group.id, {})
        for message in planner(group, heard, now):
            # The message's place in what its channel heard of the group: the same
            # message can never be queued twice, whoever plans it.
            place = heard.get(message.channel, Told()).messages + 1
            key = message.dedup_key or f"group:{group.id}:{place}"
            planned.append((group.id, replace(message, dedup_key=key)))
    return planned


async def reconcile(db: Database, planner: Planner, now: datetime) -> int:
    """Plan every open group and every group resolved lately; returns the rows added.
    Planned first without writing, so a round with nothing to say takes no write lock."""
    since = now - RESOLVED_LOOKBACK
    candidates = select(AlertGroup.id).where(
        or_(col(AlertGroup.resolved_at).is_(None), col(AlertGroup.resolved_at) >= since)
    )
    async with db.read() as session:
        ids = [i for i in await session.exec(candidates) if i is not None]
        due = {group_id for group_id, _ in await _planned(session, ids, planner, now)}
    if not due:
        return 0
    async with db.write(pages=False) as session:
        return len(await plan_in(session, due, planner, now))


async def enqueue(db: Database, messages: Sequence[NewMessage], now: datetime) -> list[int]:
    """Queue messages that are about no group (a test message, later subscribers')."""
    async with db.write(pages=False) as session:
        rows = [_row(m, None, m.dedup_key, now) for m in messages]
        session.add_all(rows)
        await session.flush()
        return [r.id for r in rows if r.id is not None]


def _row(message: NewMessage, group_id: int | None, key: str, now: datetime) -> Notification:
    return Notification(
        channel=message.channel,
        event=message.event,
        group_id=group_id,
        severity=message.severity,
        dedup_key=key,
        payload=message.payload,
        state=NotificationState.PENDING,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )


async def _facts(session: AsyncSession, group_ids: Collection[int]) -> list[GroupFacts]:
    if not group_ids:
        return []
    groups = list(
        await session.exec(
            select(AlertGroup)
            .where(col(AlertGroup.id).in_(list(group_ids)))
            .order_by(col(AlertGroup.id))
        )
    )
    alerts = await session.exec(
        select(Alert)
        .where(
            col(Alert.group_id).in_([g.id for g in groups]),
            Alert.state == AlertState.FIRING,
            col(Alert.resolved_at).is_(None),
        )
        .order_by(col(Alert.fired_at), col(Alert.id))
    )
    firing: dict[int, list[FiringAlert]] = {}
    for a in alerts:
        firing.setdefault(a.group_id, []).append(
            FiringAlert(a.rule, a.severity, a.fired_at, a.silenced_until, dict(a.figures or {}))
        )
    held = await _under_maintenance(session, {g.component_id for g in groups if g.component_id})
    return [
        _group_facts(g, tuple(firing.get(g.id or 0, ())), g.component_id in held) for g in groups
    ]


def _group_facts(group: AlertGroup, firing: tuple[FiringAlert, ...], held: bool) -> GroupFacts:
    assert group.id is not None
    return GroupFacts(
        id=group.id,
        subject=group.subject,
        component_id=group.component_id,
        severity=group.severity,
        opened_at=group.opened_at,
        resolved_at=group.resolved_at,
        acknowledged_at=group.acknowledged_at,
        acknowledged_by=group.acknowledged_by,
        incident_id=group.incident_id,
        firing=firing,
        under_maintenance=held,
    )


async def _under_maintenance(session: AsyncSession, component_ids: Collection[str]) -> set[str]:
    """Which of these components' latest status was set by a maintenance window (what
    the evaluator reads too, through `storage.status.statuses_in_force`)."""
    if not component_ids:
        return set()
    ranked = (
        select(
            StatusChange.component_id,
            StatusChange.source,
            func.row_number()
            .over(
                partition_by=StatusChange.component_id,
                order_by=(col(StatusChange.at).desc(), col(StatusChange.id).desc()),
            )
            .label("rank"),
        )
        .where(col(StatusChange.component_id).in_(list(component_ids)))
        .subquery()
    )
    rows = await session.exec(
        select(ranked.c.component_id, ranked.c.source).where(ranked.c.rank == 1)
    )
    return {c for c, source in rows if source == StatusSource.MAINTENANCE}


async def _told(session: AsyncSession, group_ids: Collection[int]) -> dict[int, dict[str, Told]]:
    """What each channel was told about each group: group -> channel -> Told."""
    if not group_ids:
        return {}
    columns: tuple[Any, ...] = (
        Notification.group_id,
        Notification.channel,
        Notification.event,
        Notification.severity,
        Notification.created_at,
    )
    rows = await session.exec(
        select(*columns)
        .where(col(Notification.group_id).in_(list(group_ids)))
        .order_by(col(Notification.id))
    )
    told: dict[int, dict[str, list[tuple[NotificationEvent, AlertSeverity | None, datetime]]]] = {}
    for group_id, channel, event, severity, at in rows:
        told.setdefault(group_id or 0, {}).setdefault(channel, []).append(
            (NotificationEvent(event), None if severity is None else AlertSeverity(severity), at)
        )
    return {g: {c: fold(r) for c, r in by.items()} for g, by in told.items()}
