"""API tokens: shown once, stored as a hash, listed by prefix, revocable."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from storage.accounts.tokens import (
    TokenError,
    create_token,
    find_token,
    list_tokens,
    revoke_token,
)
from storage.database import Database
from storage.tables.accounts import ApiToken
from tests.admin.helpers import NOW, Clock, post_form
from tests.app_client import Client

TOKEN = re.compile(r"sp_[A-Za-z0-9_-]{43}")


async def test_a_token_made_in_the_admin_area_is_shown_once(admin: Client, db: Database) -> None:
    response = await post_form(admin, "/admin/tokens", {"name": "deploy pipeline"})
    assert response.status == 201
    shown = TOKEN.findall(await response.text())
    assert len(shown) == 1
    later = await (await admin.get("/admin/tokens")).text()
    assert shown[0] not in later
    assert shown[0][:10] in later  # the prefix tells tokens apart


async def test_only_the_tokens_hash_is_stored(db: Database) -> None:
    _, token = await create_token(db, "ci", created_by="alice", now=NOW)
    async with db.read() as session:
        (row,) = (await session.exec(select(ApiToken))).all()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.token_hash, row.prefix)


async def test_a_revoked_token_no_longer_opens_the_write_api(admin: Client, db: Database) -> None:
    view, token = await create_token(db, "ci", created_by="alice", now=NOW)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await admin.post("/api/admin/incidents", json={}, headers=headers)).status == 400
    response = await post_form(admin, f"/admin/tokens/{view.id}/revoke", {})
    assert response.headers["Location"] == "/admin/tokens?done=revoked"
    assert (await admin.post("/api/admin/incidents", json={}, headers=headers)).status == 401


async def test_using_a_token_records_when_it_was_last_used(
    client: Client, db: Database, clock: Clock
) -> None:
    _, token = await create_token(db, "ci", created_by="alice", now=NOW)
    clock.advance(minutes=5)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/admin/incidents", headers=headers)).status == 200
    (listed,) = await list_tokens(db)
    assert listed.last_used_at == NOW + timedelta(minutes=5)


async def test_an_unknown_or_malformed_token_authenticates_nothing(db: Database) -> None:
    await create_token(db, "ci", created_by="alice", now=NOW)
    for guess in ("", "sp_", "sp_" + "A" * 43, "Bearer x", "x" * 5000):
        assert await find_token(db, guess) is None


async def test_a_name_shared_by_two_tokens_must_be_revoked_by_id(db: Database) -> None:
    await create_token(db, "ci", created_by="alice", now=NOW)
    await create_token(db, "ci", created_by="alice", now=NOW)
    with pytest.raises(TokenError, match="several active tokens"):
        await revoke_token(db, "ci", actor="alice", now=NOW)


@pytest.mark.parametrize("name", ["²", "٣", "12345678901234567890"])
async def test_a_name_that_only_looks_like_an_id_is_revoked_as_a_name(
    db: Database, name: str
) -> None:
    await create_token(db, name, created_by="alice", now=NOW)
    revoked = await revoke_token(db, name, actor="alice", now=NOW)
    assert revoked.name == name
