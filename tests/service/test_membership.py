"""Membership over a real database with a clock the test moves: members divide the
region, a silent member's share moves when its lease runs out, a member that cannot
renew stops probing first, a clean stop hands over at once, and a reload re-divides.
Metric sources belong to no region: one member of all regions scrapes each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from statuspage.config import Settings, load_settings
from statuspage.service.membership import Membership
from statuspage.service.schedule import OVERDUE_SPREAD_S, due_at_or_after
from statuspage.service.scheduler import ProbeScheduler
from statuspage.service.settings_holder import SettingsHolder
from storage.components import sync_components
from storage.database import Database
from tests.storage.builders import T0, component, record, write

LEASE_S = 15


@dataclass
class Clock:
    now: datetime = field(default=T0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def settings(tmp_path: Path, components: int = 60, region: str = "eu") -> Settings:
    blocks = "".join(
        f'[[components]]\nid = "c{i}"\nname = "C{i}"\nurl = "http://127.0.0.1:9/{i}"\n'
        "sla_ms = 500\n"
        for i in range(components)
    )
    path = tmp_path / f"statuspage-{region}.toml"
    path.write_text(f'[probes]\nlease_s = {LEASE_S}\nregion = "{region}"\n\n{blocks}', "utf-8")
    return load_settings(path, {})


SCHEDULERS: dict[str, ProbeScheduler] = {}  # worker id -> its scheduler


def member(db: Database, holder: SettingsHolder, clock: Clock) -> Membership:
    # The scheduler is never started: what it would run is what `jobs` holds.
    idle_runner = SimpleNamespace(worst_lateness_s=0.0)
    scheduler = ProbeScheduler(idle_runner, clock)  # type: ignore[arg-type]
    membership = Membership(db, scheduler, holder, clock)
    SCHEDULERS[membership.worker_id] = scheduler
    return membership


def jobs(membership: Membership) -> set[str]:
    return set(SCHEDULERS[membership.worker_id].jobs)


async def two(db: Database, tmp_path: Path, clock: Clock) -> tuple[Membership, Membership]:
    holder = SettingsHolder(settings(tmp_path))
    first, second = member(db, holder, clock), member(db, holder, clock)
    for _ in range(2):  # the first look finds only the members that joined before it
        await first.step()
        await second.step()
    return first, second


async def test_two_members_divide_the_region(db: Database, tmp_path: Path) -> None:
    first, second = await two(db, tmp_path, Clock())
    assert jobs(first)
    assert jobs(second)
    assert not jobs(first) & jobs(second)
    assert len(jobs(first) | jobs(second)) == 60


async def test_a_silent_members_share_moves_when_its_lease_runs_out(
    db: Database, tmp_path: Path
) -> None:
    clock = Clock()
    first, _second = await two(db, tmp_path, clock)
    clock.advance(LEASE_S - 1)
    await first.step()  # renews; the second is silent from here on
    assert len(jobs(first)) < 60
    clock.advance(1.5)  # the second's lease ran out
    await first.step()
    assert len(jobs(first)) == 60


async def test_a_member_that_cannot_renew_stops_probing_before_its_lease_ends(
    db: Database, tmp_path: Path
) -> None:
    clock = Clock()
    first, _ = await two(db, tmp_path, clock)
    clock.advance(LEASE_S * 2 / 3 - 0.1)
    assert first.may_probe() is True
    clock.advance(0.2)
    assert first.may_probe() is False


async def test_a_member_never_probes_before_its_first_heartbeat(
    db: Database, tmp_path: Path
) -> None:
    newcomer = member(db, SettingsHolder(settings(tmp_path)), Clock())
    assert newcomer.may_probe() is False
    await newcomer.step()
    assert newcomer.may_probe() is True
    assert len(jobs(newcomer)) == 60


async def test_a_clean_stop_hands_the_share_over_at_the_next_look(
    db: Database, tmp_path: Path
) -> None:
    clock = Clock()
    first, second = await two(db, tmp_path, clock)
    await second.stop()
    clock.advance(1)
    await first.step()
    assert len(jobs(first)) == 60


async def test_a_reload_divides_the_new_components(db: Database, tmp_path: Path) -> None:
    clock = Clock()
    first, second = await two(db, tmp_path, clock)
    fewer = settings(tmp_path, components=10)
    first._settings.replace(fewer)  # both share one holder, as one process would not;
    await first.step()  # each process reloads its own, and re-divides the same way
    await second.step()
    assert jobs(first) | jobs(second) == {f"c{i}" for i in range(10)}
    assert not jobs(first) & jobs(second)


SOURCES = [f"metric-source:s{i}" for i in range(60)]


def scrapes(membership: Membership) -> set[str]:
    """The sources whose runs this member's scheduler lets through."""
    gate = SCHEDULERS[membership.worker_id].may_run_periodic
    return {job_id for job_id in SOURCES if gate(job_id)}


async def three_in_two_regions(
    db: Database, tmp_path: Path, clock: Clock
) -> tuple[Membership, Membership, Membership]:
    eu = SettingsHolder(settings(tmp_path, region="eu"))
    us = SettingsHolder(settings(tmp_path, region="us"))
    members = member(db, eu, clock), member(db, eu, clock), member(db, us, clock)
    for _ in range(2):
        for each in members:
            await each.step()
    return members


def owners(members: tuple[Membership, ...]) -> dict[str, list[str]]:
    return {job_id: [m.worker_id for m in members if job_id in scrapes(m)] for job_id in SOURCES}


async def test_each_metric_source_is_scraped_by_one_member_of_all_regions(
    db: Database, tmp_path: Path
) -> None:
    members = await three_in_two_regions(db, tmp_path, Clock())
    assert all(len(held) == 1 for held in owners(members).values())
    assert all(scrapes(m) for m in members)


async def test_a_silent_members_sources_move_and_no_other_source_does(
    db: Database, tmp_path: Path
) -> None:
    clock = Clock()
    members = await three_in_two_regions(db, tmp_path, clock)
    before = owners(members)
    silent, survivors = members[2], members[:2]
    clock.advance(LEASE_S - 1)
    for each in survivors:
        await each.step()  # renew; the third is silent from here on
    clock.advance(1.5)  # its lease ran out
    for each in survivors:
        await each.step()
    after = owners(survivors)
    assert all(len(held) == 1 for held in after.values())
    moved = {job_id for job_id in SOURCES if after[job_id] != before[job_id]}
    assert moved == {job_id for job_id in SOURCES if before[job_id] == [silent.worker_id]}


async def test_a_member_whose_lease_may_have_run_out_scrapes_nothing(
    db: Database, tmp_path: Path
) -> None:
    clock = Clock()
    first, _ = await two(db, tmp_path, clock)
    assert scrapes(first)
    clock.advance(LEASE_S * 2 / 3 + 0.1)
    assert scrapes(first) == set()


async def test_a_newcomer_takes_its_sources_and_the_others_let_go_at_their_next_look(
    db: Database, tmp_path: Path
) -> None:
    clock = Clock()
    first, second = await two(db, tmp_path, clock)
    newcomer = member(db, first._settings, clock)
    await newcomer.step()
    taken = scrapes(newcomer)
    assert taken
    clock.advance(1)
    await first.step()
    await second.step()
    assert not (scrapes(first) | scrapes(second)) & taken
    assert all(len(held) == 1 for held in owners((first, second, newcomer)).values())


async def test_a_taken_component_carries_on_an_interval_after_its_last_result(
    db: Database, tmp_path: Path
) -> None:
    """The dead member probed its components last at +10 s (due times on its grid); the
    survivor runs them one interval after that, not at once (a probe twice in an
    interval) and not anywhere in the interval after noticing (a gap of up to the
    lease plus an interval)."""
    clock = Clock()
    first, second = await two(db, tmp_path, clock)
    orphans = sorted(jobs(second))
    last = T0 + timedelta(seconds=10)
    await sync_components(db, [component(c) for c in orphans], T0)
    await write(db, [record(last, component_id=c, region="eu") for c in orphans])
    clock.advance(LEASE_S - 1)
    await first.step()
    clock.advance(1.5)  # the second's lease ran out: the first takes its share now
    await first.step()
    planned = SCHEDULERS[first.worker_id].jobs
    first_runs = {c: due_at_or_after(clock.now, planned[c].offset_s, 30.0) for c in orphans}
    assert first_runs == dict.fromkeys(orphans, last + timedelta(seconds=30))


async def test_taken_components_already_overdue_run_at_once(db: Database, tmp_path: Path) -> None:
    clock = Clock()
    first, second = await two(db, tmp_path, clock)
    orphans = sorted(jobs(second))
    await sync_components(db, [component(c) for c in orphans], T0)
    await write(db, [record(T0, component_id=c, region="eu") for c in orphans])
    clock.advance(LEASE_S - 1)
    await first.step()
    clock.advance(20)  # the second is long gone, and its components overdue
    await first.step()
    planned = SCHEDULERS[first.worker_id].jobs
    delays = [
        (due_at_or_after(clock.now, planned[c].offset_s, 30.0) - clock.now).total_seconds()
        for c in orphans
    ]
    assert max(delays) < OVERDUE_SPREAD_S


async def test_a_result_in_another_region_says_nothing_about_this_ones_grid(
    db: Database, tmp_path: Path
) -> None:
    clock = Clock()
    first, second = await two(db, tmp_path, clock)
    orphans = sorted(jobs(second))
    await sync_components(db, [component(c) for c in orphans], T0)
    elsewhere = T0 + timedelta(seconds=10)
    await write(db, [record(elsewhere, component_id=c, region="us") for c in orphans])
    clock.advance(LEASE_S + 0.5)
    await first.step()
    planned = SCHEDULERS[first.worker_id].jobs
    first_runs = {due_at_or_after(clock.now, planned[c].offset_s, 30.0) for c in orphans}
    # Spread afresh, as components with no result: resumed, all would share one time.
    assert len(first_runs) == len(orphans)
