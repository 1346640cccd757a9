"""Feed tests use the API tests' app, database and factories."""

from __future__ import annotations

from tests.api.conftest import client, db, settings

__all__ = ["client", "db", "settings"]
