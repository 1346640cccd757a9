"""The notification outbox: one row per message to one channel.

A row is written in the same transaction as the change that causes it (an alert
group firing, rising, resolving; an acknowledgement; a reminder falling due), so a
message that was due is never lost and never written twice. Senders then claim due
rows (`state` pending, or a `sending` row whose lease ran out) and mark them sent or
failed. `payload` holds everything the channel needs to say, decided when the row
was written; secrets are never in it: the channel's url, key or password are read
from the configuration at sending time.

`channel` is the configured channel's name; messages about an alert group carry its
id. A message to a subscriber of the public page names the subscriber instead (its
`channel` is `subscriber-email` or `subscriber-webhook`): the address is read from
the subscriber's row when it is sent, so erasing a subscriber erases its messages
and leaves no copy of the address behind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index
from sqlmodel import Field, SQLModel

from storage.tables.base import BigId, EnumText, UTCDateTime, one_of
from storage.vocabulary import AlertSeverity, NotificationEvent, NotificationState

MAX_ERROR = 500


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(one_of("event", NotificationEvent), name="event"),
        CheckConstraint(one_of("state", NotificationState), name="state"),
        CheckConstraint(one_of("severity", AlertSeverity), name="severity"),
        # The same message is never queued twice for a channel, whoever writes it.
        Index("uq_notifications_channel_dedup_key", "channel", "dedup_key", unique=True),
        # What senders claim: due rows, oldest due first.
        Index(None, "state", "next_attempt_at"),
        # What a channel was told about a group, and the order it must hear it in.
        Index(None, "group_id", "channel"),
        Index(None, "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    channel: str = Field(max_length=100)
    event: NotificationEvent = Field(sa_type=EnumText(NotificationEvent, 16))
    group_id: int | None = Field(default=None, foreign_key="alert_groups.id", sa_type=BigId)
    subscriber_id: int | None = Field(
        default=None, foreign_key="subscribers.id", sa_type=BigId, ondelete="CASCADE", index=True
    )
    severity: AlertSeverity | None = Field(default=None, sa_type=EnumText(AlertSeverity, 16))
    dedup_key: str = Field(max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    state: NotificationState = Field(sa_type=EnumText(NotificationState, 16))
    attempts: int = 0
    # Pending: when it may be tried (again). Sending: when the claim's lease runs out.
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=MAX_ERROR)
    answer: str | None = Field(default=None, max_length=MAX_ERROR)  # the receiver's, when sent
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
