"""The status evaluator over a real database: results in, status history rows out."""

from __future__ import annotations

from datetime import timedelta

from statuspage.config import ComponentConfig
from statuspage.service.status_job import evaluate_statuses
from storage.database import Database
from storage.freshness import NO_RECENT_DATA, shown_statuses
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


async def test_a_component_whose_results_stop_reads_no_recent_data_then_recovers(
    db: Database,
) -> None:
    await write(db, [record(at) for at in every(T0, STEP, 2)])
    await evaluate_statuses(db, [API], threshold=2, now=T0 + 2 * STEP)
    # Three intervals plus the 5 s timeout after the newest result (T0 + STEP).
    quiet = T0 + STEP + timedelta(seconds=3 * 30 + 5)
    assert await evaluate_statuses(db, [API], threshold=2, now=quiet) == []
    changed = await evaluate_statuses(db, [API], threshold=2, now=quiet + timedelta(seconds=1))
    assert changed == [("api", NO_RECENT_DATA)]
    assert (await shown_statuses(db))["api"] == NO_RECENT_DATA
    assert await status_of(db) == ("operational", "probe")  # the history is not rewritten
    back = quiet + timedelta(seconds=10)
    await write(db, [record(back)])
    changed = await evaluate_statuses(db, [API], threshold=2, now=back + timedelta(seconds=1))
    assert changed == [("api", "results arriving again")]
    assert (await shown_statuses(db))["api"] == "operational"


async def test_a_configured_staleness_marks_sooner(db: Database) -> None:
    await write(db, [record(at) for at in every(T0, STEP, 2)])
    await evaluate_statuses(db, [API], threshold=2, now=T0 + 2 * STEP)
    later = T0 + STEP + timedelta(seconds=21)
    changed = await evaluate_statuses(db, [API], threshold=2, now=later, stale_after_s=20)
    assert changed == [("api", NO_RECENT_DATA)]


async def test_a_component_with_no_status_yet_is_not_marked(db: Database) -> None:
    later = T0 + timedelta(hours=1)
    assert await evaluate_statuses(db, [API], threshold=2, now=later) == []
    assert (await shown_statuses(db))["api"] is None


async def test_an_operators_status_is_shown_even_when_results_stop(db: Database) -> None:
    await write(db, [record(at) for at in every(T0, STEP, 2)])
    await evaluate_statuses(db, [API], threshold=2, now=T0 + 2 * STEP)
    await record_status_change(db, "api", "partial_outage", at=T0 + 2 * STEP, source="manual")
    await evaluate_statuses(db, [API], threshold=2, now=T0 + timedelta(hours=1))
    assert (await shown_statuses(db))["api"] == "partial_outage"


async def test_after_a_restart_the_probes_get_their_chance_before_silence_is_called(
    db: Database,
) -> None:
    """The service was down for an hour: its last results are an hour old when it
    starts again. It waits the usual limit from its start before calling a component
    silent (and alerting), instead of doing so at once for every one."""
    await write(db, [record(at) for at in every(T0, STEP, 2)])
    await evaluate_statuses(db, [API], threshold=2, now=T0 + 2 * STEP)
    started = T0 + timedelta(hours=1)
    limit = timedelta(seconds=3 * 30 + 5)

    async def evaluate(at: timedelta) -> list[tuple[str, str]]:
        return await evaluate_statuses(
            db, [API], threshold=2, now=started + at, watching_since=started
        )

    assert await evaluate(timedelta(0)) == []
    assert await evaluate(limit) == []
    assert await evaluate(limit + timedelta(seconds=1)) == [("api", NO_RECENT_DATA)]


async def test_a_component_silent_before_a_restart_stays_silent_after_it(db: Database) -> None:
    await write(db, [record(at) for at in every(T0, STEP, 2)])
    await evaluate_statuses(db, [API], threshold=2, now=T0 + 2 * STEP)
    silent = T0 + timedelta(minutes=10)
    assert await evaluate_statuses(db, [API], threshold=2, now=silent) == [("api", NO_RECENT_DATA)]
    started = T0 + timedelta(hours=1)  # no result since: the grace does not unmark it
    changed = await evaluate_statuses(db, [API], threshold=2, now=started, watching_since=started)
    assert changed == []
    assert (await shown_statuses(db))["api"] == NO_RECENT_DATA


async def test_results_waiting_in_this_processs_buffer_count_as_arrived(db: Database) -> None:
    """The database was locked: the newest results are in the writer's buffer, not yet
    committed. They will be written; the component is not silent."""
    await write(db, [record(at) for at in every(T0, STEP, 2)])
    await evaluate_statuses(db, [API], threshold=2, now=T0 + 2 * STEP)
    later = T0 + timedelta(minutes=10)
    buffered = {"api": later - timedelta(seconds=5)}
    changed = await evaluate_statuses(db, [API], threshold=2, now=later, buffered=buffered)
    assert changed == []
    assert (await shown_statuses(db))["api"] == "operational"
