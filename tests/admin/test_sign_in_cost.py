"""Signing in costs the same whether or not the user name exists, so its timing reveals
no names: every attempt that is not throttled runs exactly one argon2 check, with the
parameters every stored hash has, and throttling treats unknown names like known ones.

The code path is compared, not wall-clock times: the password module's hasher is the
seam, and it records each check.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from argon2 import Parameters, PasswordHasher, extract_parameters

from statuspage.admin.passwords import Passwords
from statuspage.admin.state import ADMIN
from storage.accounts.users import add_user, find_credentials
from storage.audit import record_sign_in_failure
from storage.database import Database
from tests.admin.helpers import NOW, PASSWORD, Clock, sign_in
from tests.app_client import Client


class CountingHasher(PasswordHasher):
    """argon2id as cheap as it gets, recording the parameters of each hash it checks."""

    def __init__(self, time_cost: int = 1, memory_cost: int = 8) -> None:
        super().__init__(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
        self.checked: list[Parameters] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.checked.append(extract_parameters(hash if isinstance(hash, str) else hash.decode()))
        return super().verify(hash, password)


def counted(client: Client, hasher: CountingHasher | None = None) -> CountingHasher:
    """Make the app check passwords with a counting hasher, and return it."""
    hasher = hasher or CountingHasher()
    client.app[ADMIN].passwords = Passwords(hasher)
    return hasher


async def add_alice(db: Database, hasher: PasswordHasher) -> Parameters:
    hashed = hasher.hash(PASSWORD)
    await add_user(db, "alice", hashed, now=NOW, actor="test")
    return extract_parameters(hashed)


async def checks_for(
    client: Client, hasher: CountingHasher, name: str, password: str
) -> list[Parameters]:
    hasher.checked.clear()
    await sign_in(client, name, password)
    client.session.cookie_jar.clear()
    return list(hasher.checked)


async def test_an_unknown_name_a_wrong_password_and_the_right_one_each_cost_one_like_check(
    client: Client, db: Database
) -> None:
    hasher = counted(client)
    stored = await add_alice(db, hasher)
    unknown = await checks_for(client, hasher, "mallory", PASSWORD)
    wrong = await checks_for(client, hasher, "alice", "not the password")
    right = await checks_for(client, hasher, "alice", PASSWORD)
    assert unknown == wrong == right == [stored]


async def test_an_empty_user_name_costs_the_same_check(client: Client, db: Database) -> None:
    hasher = counted(client)
    stored = await add_alice(db, hasher)
    assert await checks_for(client, hasher, "", PASSWORD) == [stored]


async def attempts(
    client: Client, hasher: CountingHasher, clock: Clock, name: str
) -> list[tuple[int, str | None, int]]:
    """Ten wrong passwords for `name` from one address, each throttled one followed by
    the wait it asks for: the status, the wait and the checks run of each."""
    seen = []
    for _ in range(10):
        hasher.checked.clear()
        response = await sign_in(client, name, "not the password")
        wait = response.headers.get("Retry-After")
        seen.append((response.status, wait, len(hasher.checked)))
        clock.advance(seconds=int(wait or 0))
    return seen


async def attacked_from_many_addresses(
    client: Client, hasher: CountingHasher, db: Database, name: str
) -> tuple[int, str | None, int]:
    """Eleven failures for `name` from other addresses, then an attempt from this one."""
    for n in range(11):
        at = client.app[ADMIN].clock() - timedelta(seconds=n)
        await record_sign_in_failure(db, user_name=name, address=f"10.0.0.{n}", at=at)
    hasher.checked.clear()
    response = await sign_in(client, name, PASSWORD)
    return response.status, response.headers.get("Retry-After"), len(hasher.checked)


async def test_an_unknown_name_is_throttled_exactly_like_a_known_one(
    client: Client, db: Database, clock: Clock
) -> None:
    hasher = counted(client)
    await add_alice(db, hasher)
    known = await attempts(client, hasher, clock, "alice")
    clock.advance(minutes=16)  # every failure so far has stopped counting
    unknown = await attempts(client, hasher, clock, "mallory")
    assert unknown == known
    assert {(429, "1", 0), (429, "2", 0)} <= set(known)  # a throttled attempt checks nothing
    clock.advance(minutes=16)
    by_name = [await attacked_from_many_addresses(client, hasher, db, n) for n in ("alice", "bob")]
    assert by_name[0] == by_name[1] == (429, "2", 0)


async def test_a_hash_with_other_parameters_is_replaced_at_the_next_sign_in(
    client: Client, db: Database
) -> None:
    current = counted(client, CountingHasher(time_cost=2, memory_cost=16))
    await add_alice(db, CountingHasher(time_cost=1, memory_cost=8))  # older parameters
    assert (await sign_in(client, "alice", "not the password")).status == 400
    assert (await sign_in(client, "alice", PASSWORD)).status == 303
    credentials = await find_credentials(db, "alice")
    assert credentials is not None
    assert extract_parameters(credentials.password_hash) == extract_parameters(current.hash("x"))
    assert (await client.get("/admin", allow_redirects=False)).status == 200
