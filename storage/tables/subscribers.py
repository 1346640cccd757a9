"""Subscribers of the public page, and the notices already sent out to them.

A subscriber is an email address or a webhook URL, and the components it follows
(`None`: the whole page). Nothing else about the person is kept: no name, no IP
address, no history beyond the outbox rows addressed to it (which go when it goes).
An email address counts only once confirmed (double opt-in); `confirmation_sent_at`
keeps a flood of sign-ups for one address from becoming a flood of mail.

`subscriber_notices` remembers the fan-outs that are not caused by a write of their
own (a maintenance reminder), so planning one twice sends nothing twice.

`site_secrets` holds keys made on first use and shared by every process, such as the
one that signs the links in subscribers' mail: a link must stay valid across
restarts and whichever process serves it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index
from sqlmodel import Field, SQLModel

from storage.tables.base import BigId, EnumText, UTCDateTime, one_of
from storage.vocabulary import SubscriberKind

MAX_ADDRESS = 2000  # a webhook URL; an email address is at most 254


class Subscriber(SQLModel, table=True):
    __tablename__ = "subscribers"
    __table_args__ = (
        CheckConstraint(one_of("kind", SubscriberKind), name="kind"),
        Index("uq_subscribers_kind_address", "kind", "address", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    kind: SubscriberKind = Field(sa_type=EnumText(SubscriberKind, 16))
    address: str = Field(max_length=MAX_ADDRESS)  # email addresses in lower case
    components: list[str] | None = Field(default=None, sa_type=JSON)  # None: everything
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmation_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SubscriberNotice(SQLModel, table=True):
    __tablename__ = "subscriber_notices"

    key: str = Field(primary_key=True, max_length=200)  # e.g. "upcoming:42"
    created_at: datetime = Field(sa_type=UTCDateTime)


class SiteSecret(SQLModel, table=True):
    __tablename__ = "site_secrets"

    name: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
