"""A reload reschedules the metric sources as it does the components: an added source
is scraped, a removed one's job is gone, an interval change restarts its job on the new
grid, an unchanged source keeps its very job, and a new static shard is respected. The
service runs as `create_app` builds it (probes role), against a real target on
127.0.0.1, and the reload is the one SIGHUP runs (`reload_config`)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import pytest
from aiohttp import web
from apscheduler.job import Job
from pytest_aiohttp import AiohttpClient, AiohttpServer

from probes.clock import system_clock
from statuspage import keys
from statuspage.app import create_app
from statuspage.config import load_settings
from statuspage.metric_specs import source_job_id
from statuspage.service.reload import reload_config
from statuspage.service.roles import Roles
from statuspage.service.schedule import ANCHOR
from statuspage.service.scheduler import ProbeScheduler
from statuspage.shard import Shard
from storage.metrics.reads import latest_points
from storage.migrate import upgrade_database
from tests.waiting import eventually

HITS = web.AppKey("hits", Counter[str])
DAY_S = 86400


def exposition_target() -> web.Application:
    """/metrics?source=NAME&value=V: a gauge of V, counting each source's scrapes."""
    hits: Counter[str] = Counter()

    async def metrics(request: web.Request) -> web.Response:
        hits[request.query["source"]] += 1
        value = request.query.get("value", "5")
        return web.Response(text=f"# TYPE active_sessions gauge\nactive_sessions {value}\n")

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app[HITS] = hits
    return app


@dataclass
class ShiftedClock:
    """The service's clock: the wall clock (APScheduler fires on it) moved by `shift`."""

    shift: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return system_clock() + self.shift


@dataclass
class Service:
    app: web.Application
    target: web.Application
    path: Path
    base_url: str

    @property
    def scheduler(self) -> ProbeScheduler:
        return self.app[keys.SCHEDULER]

    def job(self, source: str) -> Job | None:
        found: Job | None = self.scheduler._scheduler.get_job(source_job_id(source))
        return found

    def hits(self, source: str) -> int:
        return self.target[HITS][source]

    async def reload(self, *sources: tuple[str, float], extra: str = "") -> None:
        self.path.write_text(config(self.base_url, *sources, extra=extra), encoding="utf-8")
        assert await reload_config(self.app, self.path)

    async def has_point(self, source: str, value: float = 5.0) -> bool:
        db = self.app[keys.DATABASE]
        found = (await latest_points(db, [f"{source}-sessions"])).get(f"{source}-sessions")
        return found is not None and found.value == value


def config(base_url: str, *sources: tuple[str, float], extra: str = "") -> str:
    """Each (name, interval_s) source with one gauge metric `<name>-sessions`."""
    text = '[storage]\nurl = "sqlite:///page.db"\n' + extra
    separator = "&" if "?" in base_url else "?"
    for name, interval_s in sources:
        text += (
            f'\n[[metric_sources]]\nname = "{name}"\nkind = "scrape"\n'
            f'url = "{base_url}{separator}source={name}"\ninterval_s = {interval_s}\n'
            f'\n[[metrics]]\nid = "{name}-sessions"\nname = "{name}"\nsource = "{name}"\n'
            'kind = "gauge"\nselector = "active_sessions"\n'
        )
    return text


class Start(Protocol):
    async def __call__(
        self, *sources: tuple[str, float], clock: ShiftedClock | None = None, extra: str = ""
    ) -> Service: ...


@pytest.fixture
async def start(
    tmp_path: Path, aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> Start:
    await upgrade_database(f"sqlite:///{tmp_path / 'page.db'}")
    target = await aiohttp_server(exposition_target())
    base_url = str(target.make_url("/metrics"))

    async def started(
        *sources: tuple[str, float], clock: ShiftedClock | None = None, extra: str = ""
    ) -> Service:
        path = tmp_path / "statuspage.toml"
        path.write_text(config(base_url, *sources, extra=extra), encoding="utf-8")
        app = create_app(
            load_settings(path, {}),
            Roles(probes=True, jobs=False, web=False),
            clock=clock or ShiftedClock(),
        )
        client = await aiohttp_client(app)
        return Service(client.app, target.app, path, base_url)

    return started


def offset_on_grid(job: Job, interval_s: float) -> float:
    return float((job.next_run_time - ANCHOR).total_seconds() % interval_s)


async def test_a_reload_that_adds_sources_starts_them_spread_on_their_grid(start: Start) -> None:
    service = await start(("a", 1))
    await eventually(lambda: service.has_point("a"), "the first source scraped")
    await service.reload(("a", 1), ("b", 2), ("c", 2))
    b, c = service.job("b"), service.job("c")
    assert b is not None
    assert c is not None
    assert {offset_on_grid(b, 2), offset_on_grid(c, 2)} == {0.0, 1.0}
    await eventually(lambda: service.has_point("b"), "the added source b scraped")
    await eventually(lambda: service.has_point("c"), "the added source c scraped")


async def test_a_reload_that_removes_a_source_stops_its_job(
    start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    service = await start(("a", 1), ("b", 1))
    await eventually(lambda: service.hits("a") >= 1 and service.hits("b") >= 1, "both scraped")
    with caplog.at_level(logging.INFO, logger="statuspage.reload"):
        await service.reload(("a", 1))
    assert service.job("b") is None
    (logged,) = [r.__dict__ for r in caplog.records if r.msg == "metric sources reloaded"]
    changes = {"added": [], "replaced": [], "removed": [source_job_id("b")], "unchanged": 1}
    assert logged["fields"] == changes
    assert set(service.scheduler.periodic_jobs) == {source_job_id("a")}
    b_scrapes, a_scrapes = service.hits("b"), service.hits("a")
    # b was due half a second after each of a's runs: two more of a's pass one of b's.
    await eventually(lambda: service.hits("a") >= a_scrapes + 2, "two more scrapes of a")
    assert service.hits("b") == b_scrapes


async def test_a_reload_that_changes_a_sources_interval_restarts_it_on_the_new_grid(
    start: Start,
) -> None:
    service = await start(("a", DAY_S))
    before = service.job("a")
    await service.reload(("a", 1))
    after = service.job("a")
    assert after is not None
    assert after is not before
    assert after.trigger.interval == timedelta(seconds=1)
    await eventually(lambda: service.has_point("a"), "a scrape on the new interval")


async def test_a_reload_keeps_an_unchanged_sources_job_and_its_next_run(start: Start) -> None:
    # The service's clock stands just past a grid time, a day ahead of the wall clock
    # APScheduler fires on, so the daily source never runs during the test.
    wall = system_clock()
    clock = ShiftedClock(ANCHOR + timedelta(days=(wall - ANCHOR).days + 1, seconds=1) - wall)
    service = await start(("a", DAY_S), clock=clock)
    before = service.job("a")
    assert before is not None
    next_run = before.next_run_time
    clock.shift += timedelta(days=1)  # a job added now would start a day later
    await service.reload(("a", DAY_S), ("b", DAY_S))
    after = service.job("a")
    assert after is not None
    assert after.next_run_time == next_run
    assert after is before
    assert service.job("b") is not None


async def test_an_unchanged_source_reads_its_new_url_without_a_new_job(start: Start) -> None:
    service = await start(("a", 1))
    await eventually(lambda: service.has_point("a", 5.0), "the first value")
    before = service.job("a")
    service.base_url += "?value=7"  # the same target, answering 7 to the new URL
    await service.reload(("a", 1))
    assert service.job("a") is before
    await eventually(lambda: service.has_point("a", 7.0), "a value from the new URL")


async def test_a_reload_into_a_static_shard_stops_the_sources_it_does_not_hold(
    start: Start,
) -> None:
    # 'a' and 'd' hash to different shards of two (statuspage.shard, CRC-32).
    held = next(k for k in (1, 2) if Shard(k, 2).holds(source_job_id("a")))
    assert not Shard(held, 2).holds(source_job_id("d"))
    service = await start(("a", 1), ("d", 1))
    await eventually(lambda: service.hits("a") >= 1 and service.hits("d") >= 1, "both scraped")
    a_job = service.job("a")
    await service.reload(("a", 1), ("d", 1), extra=f'\n[probes]\nshard = "{held}/2"\n')
    assert (service.job("a"), service.job("d")) == (a_job, None)
    await service.reload(("a", 1), ("d", 1))  # back to one shard: d is scraped again
    d_scrapes = service.hits("d")
    await eventually(lambda: service.hits("d") > d_scrapes, "d scraped after the reload")
