"""Fetching API responses and walking them, for the API, feed and export tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tests.api.factories import TIMESTAMP
from tests.app_client import Client

TIMESTAMP_KEYS = frozenset(
    {"created_at", "updated_at", "started_at", "monitoring_at", "resolved_at", "display_at",
     "scheduled_for", "scheduled_until"}
)  # fmt: skip


async def get_json(client: Client, path: str, status: int = 200) -> Any:
    response = await client.get(path)
    assert response.status == status, await response.text()
    assert response.headers["Content-Type"].startswith("application/json")
    return await response.json()


def items(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from items(value)
    elif isinstance(node, list):
        for value in node:
            yield from items(value)


def timestamps(body: Any) -> list[str]:
    return [v for k, v in items(body) if k in TIMESTAMP_KEYS and v is not None]


def is_timestamp(text: str) -> bool:
    return re.match(TIMESTAMP, text) is not None
