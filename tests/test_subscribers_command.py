"""`statuspage subscribers export|erase ADDRESS` through the installed program, on a
real SQLite file: what is kept about an address, then nothing."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.database import Database
from storage.subscribers.writes import confirm, request_subscription
from storage.vocabulary import SubscriberKind
from tests.notify.subscriber_site import NO_LIMITS
from tests.test_commands import CONFIG, statuspage

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


async def subscribe(path: Path, *addresses: str) -> None:
    db = Database.from_url(f"sqlite:///{path}")
    try:
        for address in addresses:
            made = await request_subscription(
                db,
                SubscriberKind.EMAIL,
                address,
                ["api"],
                now=NOW,
                resend_after=timedelta(0),
                limits=NO_LIMITS,
            )
            await confirm(db, made.subscriber_id, address, ["api"], now=NOW)
    finally:
        await db.dispose()


def test_export_then_erase(tmp_path: Path) -> None:
    (tmp_path / "statuspage.toml").write_text(CONFIG, encoding="utf-8")
    assert statuspage(tmp_path, "db", "upgrade", "--config", "statuspage.toml").returncode == 0
    asyncio.run(subscribe(tmp_path / "statuspage.db", "ann@example.com", "bob@example.com"))

    exported = statuspage(
        tmp_path, "subscribers", "export", "Ann@Example.com", "--config", "statuspage.toml"
    )
    assert exported.returncode == 0, exported.stderr
    found = json.loads(exported.stdout)
    assert found["address"] == "ann@example.com"
    (subscription,) = found["subscriptions"]
    assert subscription["components"] == ["api"]
    assert subscription["confirmed_at"] == NOW.isoformat()
    assert [m["event"] for m in subscription["messages"]] == ["confirm"]

    erased = statuspage(
        tmp_path, "subscribers", "erase", "ann@example.com", "--config", "statuspage.toml"
    )
    assert erased.returncode == 0, erased.stderr
    assert erased.stdout.strip() == "erased 1 subscription and their messages"
    again = statuspage(
        tmp_path, "subscribers", "export", "ann@example.com", "--config", "statuspage.toml"
    )
    assert json.loads(again.stdout)["subscriptions"] == []
    other = statuspage(
        tmp_path, "subscribers", "export", "bob@example.com", "--config", "statuspage.toml"
    )
    assert len(json.loads(other.stdout)["subscriptions"]) == 1
