"""Fixtures shared by every test folder."""

from __future__ import annotations

# `db_url`, `db` and `postgres_db`: a fresh migrated database per test, on SQLite
# and, when STATUSPAGE_TEST_POSTGRES_URL is set, on PostgreSQL too.
pytest_plugins = ("tests.db_fixtures",)
