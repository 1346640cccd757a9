"""Writing alerts as the evaluator moves them, and operators' acknowledgements.

The evaluator hands over the new state of each alert that changed (`AlertStep`);
one transaction applies them all and says what happened to the groups
(`GroupEvent`): a group starts firing, its severity rises or drops, or its last
alert resolves. Incidents follow those events; the notifications a group's new
state calls for are queued in the same transaction by a planner
(`storage.notify.outbox`).

A group's *episode* is its trouble at one worst severity and above: it ends when
that severity drops (the critical alerts resolve while a warning holds the group
open), and a later rise starts a new one. The acknowledgement belongs to the
episode, so the drop ends it, and the new episode's start is the group's
`opened_at` (the "since" of its messages) and opens its own incident.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import add_audit_in, json_value
from storage.database import Database
from storage.errors import NotFound
from storage.incidents.writes import AUTOMATION
from storage.notify.outbox import Planner, plan_in
from storage.tables.alerts import Alert, AlertGroup, TokenFailure
from storage.tables.incidents import Incident
from storage.vocabulary import AlertSeverity, AlertState

MAX_ADDRESS = 64


@dataclass(frozen=True, slots=True)
class AlertStep:
    """The state an alert is in after one evaluation. `state` None: a pending alert
    whose condition ended before it fired; its row goes (nobody ever heard of it)."""

    rule: str
    subject: str
    severity: AlertSeverity
    component_id: str | None
    state: AlertState | None
    started_at: datetime
    fired_at: datetime | None = None
    clear_since: datetime | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    incident_id: int | None = None  # an alert about an incident (its response time)


class GroupChange(enum.StrEnum):
    FIRING = "firing"  # its first alert fired
    RAISED = "raised"  # a more severe alert fired while it was firing
    LOWERED = "lowered"  # its worst firing severity dropped; alerts are still open
    RESOLVED = "resolved"  # its last open alert resolved


@dataclass(frozen=True, slots=True)
class GroupEvent:
    group_id: int
    change: GroupChange
    subject: str
    component_id: str | None
    severity: AlertSeverity
    opened_at: datetime
    incident_id: int | None
    before: AlertSeverity | None = None  # its worst firing severity before the change


async def apply_steps(
    db: Database, steps: Sequence[AlertStep], *, now: datetime, planner: Planner | None = None
) -> list[GroupEvent]:
    """Apply the steps in one transaction and say what happened to the groups. With a
    `planner`, the notifications the groups' new state calls for are queued in the
    same transaction (`storage.notify.outbox`): they commit with the change or not at all."""
    if not steps:
        return []
    async with db.write(pages=False) as session:
        touched: dict[int, AlertSeverity | None] = {}  # group -> its firing severity before
        for each in steps:
            if (applied := await _apply_step(session, each, now)) is not None:
                touched.setdefault(*applied)
        await session.flush()
        events = [e for g, b in touched.items() if (e := await _group_after(session, g, b, now))]
        if planner is not None:
            await plan_in(session, list(touched), planner, now)
        return events


async def _open_alert(session: AsyncSession, rule: str, subject: str) -> Alert | None:
    query = select(Alert).where(
        Alert.rule == rule, Alert.subject == subject, col(Alert.resolved_at).is_(None)
    )
    return (await session.exec(query)).first()


async def _apply_step(
    session: AsyncSession, step: AlertStep, now: datetime
) -> tuple[int, AlertSeverity | None] | None:
    """Apply one step; returns (its group, the group's firing severity before), or
    None when it ends an alert that is no longer open (an operator resolved it)."""
    row = await _open_alert(session, step.rule, step.subject)
    if row is None:
        if step.state is None or step.state is AlertState.RESOLVED:
            return None
        group = await _open_group(session, step, now)
        assert group.id is not None
        row = Alert(
            group_id=group.id,
            rule=step.rule,
            severity=step.severity,
            subject=step.subject,
            component_id=step.component_id,
            state=step.state,
            started_at=step.started_at,
            figures=dict(step.figures),
            updated_at=now,
        )
    before = await _firing_severity(session, row.group_id)
    if step.state is None:
        await session.delete(row)
        return row.group_id, before
    _update(row, step, now)
    session.add(row)
    return row.group_id, before


def _update(row: Alert, step: AlertStep, now: datetime) -> None:
    if step.state is AlertState.FIRING and row.state is not AlertState.FIRING:
        row.figures = dict(step.figures)
    if step.state is AlertState.RESOLVED:
        row.resolved_at = now
        row.resolve_figures = dict(step.figures)
    row.state = step.state or row.state
    row.fired_at = step.fired_at
    row.clear_since = step.clear_since
    row.updated_at = now


async def _open_group(session: AsyncSession, step: AlertStep, now: datetime) -> AlertGroup:
    query = select(AlertGroup).where(
        AlertGroup.subject == step.subject, col(AlertGroup.resolved_at).is_(None)
    )
    group = (await session.exec(query)).first()
    if group is None:
        group = AlertGroup(
            subject=step.subject,
            component_id=step.component_id,
            severity=step.severity,
            opened_at=now,
            updated_at=now,
            incident_id=step.incident_id,
        )
        session.add(group)
        await session.flush()
    return group


async def _firing_severity(session: AsyncSession, group_id: int) -> AlertSeverity | None:
    rows = await session.exec(
        select(Alert.severity).where(
            Alert.group_id == group_id,
            Alert.state == AlertState.FIRING,
            col(Alert.resolved_at).is_(None),
        )
    )
    return max((AlertSeverity(s) for s in rows), key=lambda s: s.rank, default=None)


async def _group_after(
    session: AsyncSession, group_id: int, before: AlertSeverity | None, now: datetime
) -> GroupEvent | None:
    group = await session.get(AlertGroup, group_id)
    assert group is not None
    after = await _firing_severity(session, group_id)
    open_left = (
        await session.exec(
            select(Alert.id).where(Alert.group_id == group_id, col(Alert.resolved_at).is_(None))
        )
    ).first()
    if open_left is None:
        return await _close_group(session, group, before, now)
    if before is not None and (after is None or after.rank < before.rank):
        return _lowered(session, group, before, after, now)
    if after is None or (before is not None and after.rank <= before.rank):
        return None
    if await _after_a_drop(session, group, after):
        _new_episode(session, group, now)
    elif before is not None:
        # Whoever acknowledged the warning took on a warning; a critical alert must
        # reach the person on call (PagerDuty would otherwise get its trigger and at
        # once the old acknowledgement, and wake nobody).
        _end_acknowledgement(session, group, now, reason=f"a {after.value} alert fired")
    group.severity, group.updated_at = after, now
    session.add(group)
    return _event(group, GroupChange.FIRING if before is None else GroupChange.RAISED, before)


def _lowered(
    session: AsyncSession,
    group: AlertGroup,
    before: AlertSeverity,
    after: AlertSeverity | None,
    now: datetime,
) -> GroupEvent:
    """The episode at `before` is over: its acknowledgement goes with it."""
    _end_acknowledgement(session, group, now, reason=f"no {before.value} alert is firing")
    # With only pending alerts left the severity column keeps the last one that fired.
    group.severity, group.updated_at = after or group.severity, now
    session.add(group)
    return _event(group, GroupChange.LOWERED, before)


async def _after_a_drop(session: AsyncSession, group: AlertGroup, after: AlertSeverity) -> bool:
    """Whether an alert at `after` or worse already resolved in this episode: the group
    reaches a severity it had dropped from, so this is a new episode, not a rise."""
    at_least = [s for s in AlertSeverity if s.rank >= after.rank]
    resolved = await session.exec(
        select(Alert.id).where(
            Alert.group_id == group.id,
            col(Alert.severity).in_(at_least),
            col(Alert.fired_at).is_not(None),
            col(Alert.resolved_at) >= group.opened_at,
        )
    )
    return resolved.first() is not None


def _new_episode(session: AsyncSession, group: AlertGroup, now: datetime) -> None:
    """Start the group afresh: unacknowledged (an acknowledgement given since the drop
    was for the lesser alerts), opened now, and with no incident yet: the one the
    last episode opened keeps its own story, and its recovery proposal goes with it."""
    _end_acknowledgement(session, group, now, reason="a new episode began")
    group.opened_at, group.incident_id, group.proposed_update = now, None, None


def _end_acknowledgement(
    session: AsyncSession, group: AlertGroup, now: datetime, *, reason: str
) -> None:
    """Clear the group's acknowledgement, audited as the acknowledgement was."""
    if group.acknowledged_at is None:
        return
    add_audit_in(
        session,
        actor=AUTOMATION,
        action="alert_group.acknowledgement_ended",
        target=f"alert_group:{group.id}",
        at=now,
        before={
            "acknowledged_by": group.acknowledged_by,
            "acknowledged_at": json_value(group.acknowledged_at),
        },
        after={"subject": group.subject, "reason": reason},
    )
    group.acknowledged_at, group.acknowledged_by = None, None


async def _close_group(
    session: AsyncSession, group: AlertGroup, before: AlertSeverity | None, now: datetime
) -> GroupEvent | None:
    assert group.id is not None
    any_alert = (await session.exec(select(Alert.id).where(Alert.group_id == group.id))).first()
    if any_alert is None:  # only dropped pending alerts: the group never existed for anyone
        await session.delete(group)
        return None
    fired = (
        await session.exec(
            select(Alert.id).where(Alert.group_id == group.id, col(Alert.fired_at).is_not(None))
        )
    ).first()
    group.resolved_at, group.updated_at = now, now
    session.add(group)
    return _event(group, GroupChange.RESOLVED) if fired is not None else None


def _event(
    group: AlertGroup, change: GroupChange, before: AlertSeverity | None = None
) -> GroupEvent:
    assert group.id is not None
    return GroupEvent(
        group.id,
        change,
        group.subject,
        group.component_id,
        group.severity,
        group.opened_at,
        group.incident_id,
        before,
    )


async def link_incident(db: Database, group_id: int, incident_id: int) -> None:
    async with db.write(pages=False) as session:
        group = await session.get(AlertGroup, group_id)
        if group is None:
            raise NotFound(f"alert group {group_id}")
        group.incident_id = incident_id
        session.add(group)


async def propose_update(db: Database, group_id: int, text: str) -> None:
    async with db.write(pages=False) as session:
        group = await session.get(AlertGroup, group_id)
        if group is None:
            raise NotFound(f"alert group {group_id}")
        group.proposed_update = text
        session.add(group)


async def _alert_for_operator(session: AsyncSession, alert_id: int) -> Alert:
    row = await session.get(Alert, alert_id)
    if row is None:
        raise NotFound(f"alert {alert_id}")
    return row


async def acknowledge(db: Database, alert_id: int, *, actor: str, now: datetime) -> None:
    """Acknowledge an alert, its group (what is paged) and the group's incident:
    someone is on it. Acknowledging again changes nothing (and is not audited)."""
    async with db.write(pages=False) as session:
        row = await _alert_for_operator(session, alert_id)
        group = await session.get(AlertGroup, row.group_id)
        assert group is not None
        if row.acknowledged_at is None:
            _audit(session, row, "alert.acknowledge", actor=actor, now=now)
        for each in (row, group):
            if each.acknowledged_at is None:
                each.acknowledged_at, each.acknowledged_by = now, actor
                session.add(each)
        if group.incident_id is not None:
            await acknowledge_incident_in(session, group.incident_id, actor=actor, now=now)


def _audit(
    session: AsyncSession, row: Alert, action: str, *, actor: str, now: datetime, **more: object
) -> None:
    """An operator's action on an alert, in the same transaction as the action."""
    after = {"rule": row.rule, "subject": row.subject, "group_id": row.group_id, **more}
    add_audit_in(
        session,
        actor=actor,
        action=action,
        target=f"alert:{row.id}",
        at=now,
        after={k: json_value(v) for k, v in after.items()},
    )


async def acknowledge_incident_in(
    session: AsyncSession, incident_id: int, *, actor: str, now: datetime
) -> None:
    incident = await session.get(Incident, incident_id)
    if incident is not None and incident.acknowledged_at is None:
        incident.acknowledged_at, incident.acknowledged_by = now, actor
        session.add(incident)


async def silence(
    db: Database, alert_id: int, *, minutes: int, actor: str, now: datetime
) -> datetime:
    """Silence an alert for `minutes` (0 lifts a silence); returns when it ends."""
    async with db.write(pages=False) as session:
        row = await _alert_for_operator(session, alert_id)
        until = now + timedelta(minutes=minutes)
        row.silenced_until, row.silenced_by, row.updated_at = until, actor, now
        session.add(row)
        _audit(session, row, "alert.silence", actor=actor, now=now, minutes=minutes, until=until)
        return until


async def resolve_by_hand(db: Database, alert_id: int, *, actor: str, now: datetime) -> bool:
    """Resolve an open alert for an operator; False if it was already resolved. If its
    condition still holds, the rule opens a new alert on its next evaluation."""
    async with db.write(pages=False) as session:
        row = await _alert_for_operator(session, alert_id)
        if row.resolved_at is not None:
            return False
        row.state, row.resolved_at, row.resolved_by, row.updated_at = (
            AlertState.RESOLVED,
            now,
            actor,
            now,
        )
        session.add(row)
        _audit(session, row, "alert.resolve", actor=actor, now=now)
        await session.flush()
        left = (
            await session.exec(
                select(Alert.id).where(
                    Alert.group_id == row.group_id, col(Alert.resolved_at).is_(None)
                )
            )
        ).first()
        if left is None:
            group = await session.get(AlertGroup, row.group_id)
            assert group is not None
            group.resolved_at, group.updated_at = now, now
            session.add(group)
        return True


async def record_token_failure(db: Database, *, address: str, at: datetime) -> None:
    async with db.write(pages=False) as session:
        session.add(TokenFailure(at=at, address=address[:MAX_ADDRESS]))
