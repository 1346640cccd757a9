"""A write-API request refused for its token is stored (for the `bad-tokens` rule) with
the client's address as sign-in throttling reads it, and the refusal stays a 401
whatever happens to the record."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlmodel import col, select

from statuspage.admin.state import ADMIN
from storage.accounts.tokens import create_token, revoke_token
from storage.alerts.reads import token_failures_since
from storage.database import Database
from storage.tables.alerts import TokenFailure
from tests.admin.helpers import NOW, Clock, add_test_token
from tests.admin.test_client_address import trust_loopback
from tests.app_client import Client

LONG_AGO = NOW - timedelta(days=1)


async def refused(client: Client, headers: dict[str, str] | None = None) -> None:
    response = await client.get("/api/admin/alerts", headers=headers or {})
    assert response.status == 401


async def addresses(db: Database) -> list[str]:
    async with db.read() as session:
        return list(await session.exec(select(TokenFailure.address).order_by(col(TokenFailure.id))))


async def test_a_request_without_a_token_is_recorded_at_the_clocks_time(
    client: Client, db: Database, clock: Clock
) -> None:
    clock.advance(minutes=7)
    await refused(client)
    assert await token_failures_since(db, LONG_AGO) == [NOW + timedelta(minutes=7)]


async def test_an_unknown_token_is_recorded_with_the_client_address(
    client: Client, db: Database
) -> None:
    await refused(client, {"Authorization": "Bearer sp_nobody"})
    assert await addresses(db) == ["127.0.0.1"]


async def test_a_revoked_token_is_recorded(client: Client, db: Database) -> None:
    view, token = await create_token(db, "old", created_by="test", now=NOW)
    await revoke_token(db, str(view.id), actor="test", now=NOW)
    await refused(client, {"Authorization": f"Bearer {token}"})
    assert len(await token_failures_since(db, LONG_AGO)) == 1


async def test_a_good_token_is_not_recorded(client: Client, db: Database) -> None:
    token = await add_test_token(db)
    response = await client.get("/api/admin/alerts", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    assert await token_failures_since(db, LONG_AGO) == []


async def test_an_untrusted_peer_cannot_choose_the_recorded_address(
    client: Client, db: Database
) -> None:
    await refused(client, {"X-Forwarded-For": "203.0.113.7"})
    assert await addresses(db) == ["127.0.0.1"]


async def test_behind_a_trusted_proxy_the_forwarded_client_is_recorded(
    client: Client, db: Database
) -> None:
    trust_loopback(client)
    await refused(client, {"X-Forwarded-For": "203.0.113.7"})
    assert await addresses(db) == ["203.0.113.7"]


async def test_a_failure_to_record_still_answers_401(client: Client, db: Database) -> None:
    async with db.write(pages=False) as session:
        await session.exec(text("DROP TABLE token_failures"))  # type: ignore[call-overload]
    response = await client.get("/api/admin/alerts", headers={"Authorization": "Bearer sp_x"})
    assert response.status == 401
    assert (await response.json())["error"]["status"] == 401


async def test_past_the_cap_a_minutes_refusals_are_counted_not_stored(
    client: Client, db: Database
) -> None:
    client.app[ADMIN].token_failures.per_minute = 2
    for _ in range(3):
        await refused(client)
    assert len(await token_failures_since(db, LONG_AGO)) == 2
    metrics = await (await client.get("/metrics")).text()
    families = {f.name: f for f in text_string_to_metric_families(metrics)}
    (sample,) = [
        s for s in families["statuspage_api_token_failures"].samples if s.name.endswith("_total")
    ]
    assert sample.value == 3.0
