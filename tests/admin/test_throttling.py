"""Repeated failed sign-ins slow down, then get 429; the limit fades on its own."""

from __future__ import annotations

from datetime import datetime, timedelta

from statuspage.admin.ratelimit import BY_ADDRESS, BY_USER_NAME, InFlight, retry_after_s
from storage.audit import RecentFailures, record_sign_in_failure
from storage.database import Database
from tests.admin.helpers import NOW, PASSWORD, Clock, post_form, sign_in
from tests.app_client import Client


async def fail(client: Client, times: int, name: str = "alice") -> None:
    for _ in range(times):
        response = await sign_in(client, name, "wrong password")
        assert response.status == 400, response.status


async def test_five_failures_are_free_then_the_next_attempt_must_wait(
    client: Client, alice: str
) -> None:
    await fail(client, 5)
    response = await sign_in(client, alice, "wrong password")
    assert response.status == 429
    assert response.headers["Retry-After"] == "1"
    assert "Try again in 1 seconds" in await response.text()


async def test_the_wait_doubles_with_each_further_failure(
    client: Client, alice: str, clock: Clock
) -> None:
    await fail(client, 5)
    clock.advance(seconds=1)
    await fail(client, 1)
    assert (await sign_in(client, alice, "wrong")).headers["Retry-After"] == "2"
    clock.advance(seconds=2)
    await fail(client, 1)
    assert (await sign_in(client, alice, "wrong")).headers["Retry-After"] == "4"


async def test_while_waiting_even_the_right_password_is_not_checked(
    client: Client, alice: str
) -> None:
    await fail(client, 5)
    assert (await sign_in(client, alice, PASSWORD)).status == 429


async def test_a_refused_attempt_does_not_count_as_a_failure(
    client: Client, alice: str, clock: Clock
) -> None:
    await fail(client, 5)
    for _ in range(10):
        assert (await sign_in(client, alice, "wrong")).status == 429
    clock.advance(seconds=1)
    assert (await sign_in(client, alice, PASSWORD)).status == 303


async def test_the_limit_is_gone_fifteen_minutes_after_the_last_failure(
    client: Client, alice: str, clock: Clock
) -> None:
    for _ in range(8):  # a longer attack, waiting out each wait (1, 2, 4 s)
        clock.advance(seconds=10)
        await fail(client, 1)
    assert (await sign_in(client, alice, PASSWORD)).status == 429
    clock.advance(minutes=15)
    assert (await sign_in(client, alice, PASSWORD)).status == 303


def failures(count: int, every_s: float = 1.0) -> tuple[datetime, ...]:
    return tuple(NOW - timedelta(seconds=every_s * i) for i in range(count))


def test_the_wait_never_exceeds_five_minutes() -> None:
    many = failures(500, every_s=0.1)
    assert BY_ADDRESS.wait_s(many, NOW) == 300
    assert BY_USER_NAME.wait_s(many, NOW) == 300


def test_a_user_name_under_attack_from_many_addresses_is_throttled() -> None:
    recent = RecentFailures(by_address=(), by_user_name=failures(10))
    assert retry_after_s(recent, NOW, trusted_device=False) == 1


def test_a_browser_that_signed_in_before_is_not_held_back_by_the_user_name_limit() -> None:
    recent = RecentFailures(by_address=(), by_user_name=failures(30))
    assert retry_after_s(recent, NOW, trusted_device=True) == 0


def test_the_address_limit_holds_even_for_a_known_browser() -> None:
    recent = RecentFailures(by_address=failures(5), by_user_name=())
    assert retry_after_s(recent, NOW, trusted_device=True) == 1


def test_only_one_check_per_address_or_user_name_runs_at_a_time() -> None:
    in_flight = InFlight()
    with in_flight.claim("address:1", "user:alice") as first:
        assert first
        with in_flight.claim("address:2", "user:alice") as second:
            assert not second
    with in_flight.claim("address:2", "user:alice") as later:
        assert later


async def attack_user_name(db: Database, name: str, times: int, at: datetime = NOW) -> None:
    """Failures for `name` from addresses other than the test client's."""
    for number in range(times):
        address = f"203.0.113.{number}"
        await record_sign_in_failure(db, user_name=name, address=address, at=at)


async def test_a_browser_without_a_device_cookie_is_held_back_by_an_attack_on_the_name(
    client: Client, db: Database, alice: str
) -> None:
    await attack_user_name(db, alice, 20)
    assert (await sign_in(client, alice, PASSWORD)).status == 429


async def test_the_admins_own_browser_gets_in_while_the_name_is_under_attack(
    admin: Client, db: Database, alice: str
) -> None:
    await post_form(admin, "/admin/sign-out", {})
    await attack_user_name(db, alice, 20)
    assert (await sign_in(admin, alice, PASSWORD)).status == 303


async def test_the_device_cookie_still_vouches_for_the_browser_on_its_89th_day(
    admin: Client, db: Database, alice: str, clock: Clock
) -> None:
    await post_form(admin, "/admin/sign-out", {})
    clock.advance(days=89)
    await attack_user_name(db, alice, 20, at=clock())
    assert (await sign_in(admin, alice, PASSWORD)).status == 303


async def test_the_device_cookie_stops_vouching_90_days_by_the_app_s_clock(
    admin: Client, db: Database, alice: str, clock: Clock
) -> None:
    await post_form(admin, "/admin/sign-out", {})
    clock.advance(days=90, seconds=1)
    await attack_user_name(db, alice, 20, at=clock())
    assert (await sign_in(admin, alice, PASSWORD)).status == 429
