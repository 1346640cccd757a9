"""The tables, one module per concern. Importing this package registers every table
in `SQLModel.metadata` (migrations and the schema test compare against it)."""

from storage.tables import (
    accounts,
    alerts,
    freshness,
    incidents,
    metrics,
    monitoring,
    notifications,
    subscribers,
    templates,
    workers,
)

__all__ = [
    "accounts",
    "alerts",
    "freshness",
    "incidents",
    "metrics",
    "monitoring",
    "notifications",
    "subscribers",
    "templates",
    "workers",
]
