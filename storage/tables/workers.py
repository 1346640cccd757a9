"""Probe workers: one row per running probe process of a region, kept alive by a lease.

A worker writes its row when it starts and renews `expires_at` (its heartbeat) every
few seconds. The live members of a region are the rows whose lease has not run out;
they divide the region's components between them (`statuspage.rules.rendezvous`).
A worker that dies simply stops renewing: nothing has to notice it for its share to
move. Rows stay a while after their lease ran out so operators can see who left
(`statuspage status`); heartbeats prune the old ones.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.tables.base import UTCDateTime


class ProbeWorker(SQLModel, table=True):
    __tablename__ = "probe_workers"
    __table_args__ = (Index(None, "region", "expires_at"),)

    id: str = Field(primary_key=True, max_length=100)  # host:pid:random, unique per start
    region: str = Field(max_length=100)
    host: str = Field(max_length=255)
    pid: int
    started_at: datetime = Field(sa_type=UTCDateTime)
    heartbeat_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)  # the lease: live until then
    share: int = 0  # components it probes, as of its latest heartbeat
    lateness_s: float = 0.0  # how late its probes started, at most, since the last heartbeat
