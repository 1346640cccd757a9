"""Incident templates: a name, the incident's title and message, and the components it
affects with their statuses, so a common incident is opened in a few taps.

A template is only a starting point: using one fills the new-incident form, which the
operator reviews before anything is published; nothing links an incident to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from storage.tables.base import UTCDateTime

MAX_TEMPLATE_NAME = 100


class IncidentTemplate(SQLModel, table=True):
    __tablename__ = "incident_templates"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=MAX_TEMPLATE_NAME, unique=True)  # what the list shows
    title: str = Field(max_length=300)  # the incident's title
    body: str  # Markdown source of the first update, exactly as written
    components: dict[str, str] = Field(default_factory=dict, sa_type=JSON)  # id -> status
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
