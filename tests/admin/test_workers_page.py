"""The probe workers page: live workers with region, share, lateness, heartbeat and the
metric sources each scrapes, then those departed within the hour; a line per region;
the sources no live worker holds; text from the roster inert."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from statuspage.config import Settings, load_settings
from statuspage.metric_specs import source_job_id
from statuspage.service.membership import Membership
from statuspage.service.scheduler import ProbeScheduler
from statuspage.service.settings_holder import SettingsHolder
from storage.database import Database
from storage.workers import Beat, heartbeat
from tests.admin.helpers import NOW, SITE, Clock, settings_for
from tests.app_client import Client

SOURCES = [f"src{i}" for i in range(40)]  # each of three workers holds some (all but surely)


@pytest.fixture
def settings(tmp_path: Path, migrated: Path) -> Settings:
    shutil.copyfile(migrated, tmp_path / "page.db")
    sources = "".join(
        f'[[metric_sources]]\nname = "{name}"\nkind = "scrape"\n'
        'url = "http://127.0.0.1:9/metrics"\n\n'
        for name in SOURCES
    )
    return settings_for(tmp_path, SITE + sources)


def member(db: Database, tmp_path: Path, region: str, clock: Clock) -> Membership:
    """A real worker's membership in `region`, on the page's database and clock; its
    scheduler is never started."""
    path = tmp_path / f"worker-{region}.toml"
    path.write_text(f'[probes]\nregion = "{region}"\nlease_s = 15\n', "utf-8")
    idle = ProbeScheduler(SimpleNamespace(worst_lateness_s=0.0), clock)  # type: ignore[arg-type]
    return Membership(db, idle, SettingsHolder(load_settings(path, {})), clock)


async def look(members: list[Membership]) -> None:
    for _ in range(2):  # a first look finds only the members that joined before it
        for each in members:
            await each.step()


async def sources_by_worker(admin: Client) -> dict[str, list[str]]:
    soup = BeautifulSoup(await (await admin.get("/admin/workers")).text(), "html.parser")
    shown: dict[str, list[str]] = {}
    for row in soup.select("table.workers tbody tr"):
        worker, cell = row.select_one('td[data-label="Worker"]'), row.select_one("td.sources")
        assert worker is not None
        assert cell is not None
        text = cell.get_text(strip=True)
        shown[worker.get_text(strip=True)] = [] if text == "none" else text.split(", ")
    return shown


def holder_of(name: str, members: list[Membership]) -> list[str]:
    return [m.worker_id for m in members if m.holds(source_job_id(name))]


def beat(worker_id: str, region: str, share: int, host: str = "probe-1") -> Beat:
    return Beat(worker_id, region, host, 4242, NOW - timedelta(hours=1), share, 0.0123)


async def test_live_workers_come_first_with_their_share_and_heartbeat(
    admin: Client, db: Database
) -> None:
    await heartbeat(db, beat("gone", "eu", 9), now=NOW - timedelta(minutes=5), lease_s=15)
    await heartbeat(db, beat("w1", "eu", 12), now=NOW - timedelta(seconds=3), lease_s=15)
    await heartbeat(db, beat("w2", "eu", 13), now=NOW - timedelta(seconds=1), lease_s=15)
    response = await admin.get("/admin/workers")
    assert response.status == 200
    soup = BeautifulSoup(await response.text(), "html.parser")
    rows = [r.get_text(" ", strip=True) for r in soup.select("table.workers tbody tr")]
    assert [r.split()[0] for r in rows] == ["w1", "w2", "gone"]
    assert rows[0].startswith("w1 eu probe-1 4242 live 12 12 3.0 s ago ")
    assert "departed 0" in rows[2]
    regions = soup.select_one("ul.regions")
    assert regions is not None
    assert regions.get_text(" ", strip=True) == ("Region eu : 2 live workers probing 25 components")


async def test_a_hostile_host_name_is_shown_inert(admin: Client, db: Database) -> None:
    await heartbeat(db, beat("w1", "eu", 1, host="<script>x</script>"), now=NOW, lease_s=15)
    text = await (await admin.get("/admin/workers")).text()
    assert "<script>x</script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text


async def test_with_no_workers_the_page_says_why(admin: Client) -> None:
    text = await (await admin.get("/admin/workers")).text()
    assert "No probe workers" in text


async def test_the_page_needs_a_signed_in_user(client: Client) -> None:
    response = await client.get("/admin/workers", allow_redirects=False)
    assert response.status in (302, 303)


async def test_each_metric_source_shows_under_the_worker_that_holds_it(
    admin: Client, db: Database, tmp_path: Path, clock: Clock
) -> None:
    members = [member(db, tmp_path, region, clock) for region in ("eu", "eu", "us")]
    await look(members)
    shown = await sources_by_worker(admin)
    for name in SOURCES:
        assert [w for w, names in shown.items() if name in names] == holder_of(name, members)
    assert all(shown.values())  # each of the three holds some: the test tells them apart


async def test_a_departed_workers_sources_move_to_the_one_that_now_holds_them(
    admin: Client, db: Database, tmp_path: Path, clock: Clock
) -> None:
    members = [member(db, tmp_path, region, clock) for region in ("eu", "eu", "us")]
    await look(members)
    gone, survivors = members[0], members[1:]
    its_sources = (await sources_by_worker(admin))[gone.worker_id]
    await gone.stop()
    await look(survivors)
    shown = await sources_by_worker(admin)
    assert gone.worker_id not in shown
    for name in its_sources:
        (now_held_by,) = holder_of(name, survivors)
        assert name in shown[now_held_by]


async def test_with_no_live_worker_the_page_says_no_one_holds_the_sources(
    admin: Client, db: Database
) -> None:
    await heartbeat(db, beat("gone", "eu", 9), now=NOW - timedelta(minutes=5), lease_s=15)
    soup = BeautifulSoup(await (await admin.get("/admin/workers")).text(), "html.parser")
    unheld = soup.select_one(".unheld-sources")
    assert unheld is not None
    assert unheld.get_text(strip=True) == (
        "Metric sources held by no live worker: " + ", ".join(SOURCES)
    )
    assert (await sources_by_worker(admin))["gone"] == []
