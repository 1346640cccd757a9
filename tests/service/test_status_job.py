"""The status evaluator over a real database: results in, status history rows out."""

from __future__ import annotations

from datetime import timedelta

from statuspage.config import ComponentConfig
from statuspage.service.status_job import evaluate_statuses
from storage.database import Database
from storage.status import record_status_change, statuses_in_force
from tests.probes.targets import make_check
from tests.storage.builders import T0, every, record, write

API = ComponentConfig(
    id="api",
    name="Api",
    group=None,
    group_id=None,
    position=1,
    description=None,
    check=make_check("http://127.0.0.1:9/health", timeout_s=5),
    interval_s=30,
    show_url=False,
)
STEP = timedelta(seconds=30)


async def status_of(db: Database) -> tuple[str, str] | None:
    held = (await statuses_in_force(db)).get("api")
    return None if held is None else (held.status, held.source)


async def test_the_first_results_give_a_component_its_first_status(db: Database) -> None:
    await write(db, [record(at) for at in every(T0, STEP, 2)])
    changed = await evaluate_statuses(db, [API], threshold=2, now=T0 + 2 * STEP)
    assert changed == [("api", "operational")]
    assert await status_of(db) == ("operational", "probe")


async def test_an_outage_opens_when_its_first_failure_happened(db: Database) -> None:
    await write(db, [record(T0), record(T0 + STEP, "down"), record(T0 + 2 * STEP, "down")])
    await evaluate_statuses(db, [API], threshold=2, now=T0 + 3 * STEP)
    held = (await statuses_in_force(db))["api"]
    assert held.status == "major_outage"
    assert held.at == T0 + STEP


async def test_one_failure_between_successes_changes_nothing(db: Database) -> None:
    await write(db, [record(T0), record(T0 + STEP)])
    await evaluate_statuses(db, [API], threshold=2, now=T0 + 2 * STEP)
    await write(db, [record(T0 + 2 * STEP, "down"), record(T0 + 3 * STEP)])
    changed = await evaluate_statuses(db, [API], threshold=2, now=T0 + 4 * STEP)
    assert changed == []
    assert await status_of(db) == ("operational", "probe")


async def test_probes_do_not_override_an_operator(db: Database) -> None:
    await record_status_change(db, "api", "partial_outage", at=T0, source="manual")
    await write(db, [record(at) for at in every(T0, STEP, 3)])
    assert await evaluate_statuses(db, [API], threshold=2, now=T0 + 3 * STEP) == []
    assert await status_of(db) == ("partial_outage", "manual")


async def test_one_region_down_of_two_is_a_partial_outage(db: Database) -> None:
    eu = [record(at, "down", region="eu") for at in every(T0, STEP, 2)]
    us = [record(at, region="us") for at in every(T0, STEP, 2)]
    await write(db, eu + us)
    await evaluate_statuses(db, [API], threshold=2, now=T0 + 2 * STEP)
    assert await status_of(db) == ("partial_outage", "probe")
