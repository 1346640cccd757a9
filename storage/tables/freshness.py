"""Whether each probed component's results still arrive: one row per component.

The status evaluator (one process at a time) writes a row when a component's newest
result grows older than its staleness limit (`stale_since` set) and when results
arrive again (`stale_since` cleared). The row stays, so `changed_at` only moves
forward and the pages' data stamp notices both edges in every process.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.tables.base import UTCDateTime


class ComponentFreshness(SQLModel, table=True):
    __tablename__ = "component_freshness"

    component_id: str = Field(primary_key=True, foreign_key="components.id", max_length=100)
    stale_since: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: fresh
    last_result_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    changed_at: datetime = Field(sa_type=UTCDateTime)
