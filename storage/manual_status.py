"""An operator sets a component's status without an incident (Statuspage allows it).

The change is a row of the status history like any other (source "manual"), so it
holds against the probes until a person sets the component back to operational;
its audit entry commits in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from storage.audit import add_audit_in
from storage.database import Database
from storage.errors import NotFound
from storage.status import record_status_change_in, status_at_in
from storage.tables.monitoring import Component
from storage.vocabulary import ComponentStatus, StatusSource

MAX_REASON = 200  # the status history's reason column
AUDIT_ACTION = "component.status"


async def set_component_status(
    db: Database,
    component_id: str,
    status: str,
    *,
    now: datetime,
    actor: str,
    reason: str | None = None,
) -> bool:
    """Set `component_id` to `status` from `now`; False (nothing written, nothing
    audited) when it had that status already. Raises ValueError for an unknown status,
    NotFound for an unknown or archived component."""
    new = ComponentStatus(status)
    async with db.write() as session:
        live = select(Component.probed).where(
            Component.id == component_id, col(Component.archived_at).is_(None)
        )
        probed = (await session.exec(live)).first()
        if probed is None:
            raise NotFound(f"unknown component {component_id!r}")
        # As `current_statuses` reads it: a manual component nobody has set is operational.
        before = await status_at_in(session, component_id, now) or (
            None if probed else ComponentStatus.OPERATIONAL.value
        )
        cut = reason[:MAX_REASON] if reason else None
        changed = await record_status_change_in(
            session, component_id, new, at=now, source=StatusSource.MANUAL, reason=cut
        )
        if changed:
            add_audit_in(
                session,
                actor=actor,
                action=AUDIT_ACTION,
                target=f"component:{component_id}",
                at=now,
                before={"status": before},
                after=_after(new, cut),
            )
    return changed


def _after(status: ComponentStatus, reason: str | None) -> dict[str, object]:
    after: dict[str, object] = {"status": status.value}
    if reason:
        after["reason"] = reason
    return after
