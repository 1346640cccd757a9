"""The probe workers page: live workers with region, share, lateness and heartbeat,
then those departed within the hour; a line per region; text from the roster inert."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup

from storage.database import Database
from storage.workers import Beat, heartbeat
from tests.admin.helpers import NOW
from tests.app_client import Client


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
    assert rows[0] == "w1 eu probe-1 4242 live 12 12 3.0 s ago"
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
