"""The audit log page: every admin action, newest first, fifty to a page."""

from __future__ import annotations

from bs4 import BeautifulSoup

from storage.audit import add_audit
from storage.database import Database
from tests.admin.helpers import NOW
from tests.app_client import Client


async def test_the_audit_log_is_paginated_newest_first(admin: Client, db: Database) -> None:
    for number in range(60):
        await add_audit(db, actor="bob", action=f"test.{number}", target=None, at=NOW)
    first = BeautifulSoup(await (await admin.get("/admin/audit")).text(), "html.parser")
    rows = first.select("table.audit tbody tr")
    assert len(rows) == 50
    assert "test.59" in rows[0].get_text()  # same time as the others, written last
    assert first.select_one('a[rel="next"]') is not None
    second = BeautifulSoup(await (await admin.get("/admin/audit?page=2")).text(), "html.parser")
    rest = second.select("table.audit tbody tr")
    assert len(rest) == 12  # 60 + alice's user.add and session.sign_in
    assert "user.add" in rest[-1].get_text()
    assert second.select_one('a[rel="next"]') is None


async def test_a_nonsense_page_number_shows_the_first_page(admin: Client) -> None:
    response = await admin.get("/admin/audit?page=-3")
    assert response.status == 200
    assert "Page 1 of 1" in await response.text()


async def test_an_entry_shows_only_the_fields_that_changed(admin: Client, db: Database) -> None:
    before: dict[str, object] = {
        "name": "Checkout",
        "status": "investigating",
        "components": {"api": "major_outage"},
    }
    after: dict[str, object] = {
        "name": "Checkout",
        "status": "identified",
        "components": {"api": "operational"},
    }
    await add_audit(db, actor="bob", action="incident.edit", target="incident:1", at=NOW,
                    before=before, after=after)  # fmt: skip
    soup = BeautifulSoup(await (await admin.get("/admin/audit")).text(), "html.parser")
    lines = [
        li.get_text(" ", strip=True) for li in soup.select("table.audit tr")[1].select(".diff li")
    ]
    assert lines == [
        "components.api : major_outage → changed to operational",
        "status : investigating → changed to identified",
    ]


async def test_hostile_text_in_an_entry_is_shown_inert(admin: Client, db: Database) -> None:
    await add_audit(db, actor="bob", action="incident.create", target=None, at=NOW,
                    after={"name": "<script>alert(1)</script>"})  # fmt: skip
    html = await (await admin.get("/admin/audit")).text()
    assert "<script>alert(1)</script>" not in html
    soup = BeautifulSoup(html, "html.parser")
    inserted = soup.select_one(".diff ins")
    assert inserted is not None
    assert inserted.get_text() == "<script>alert(1)</script>"


async def test_an_edited_message_shows_the_lines_that_moved(admin: Client, db: Database) -> None:
    before = {"body": "We are looking.\n\n- cards\n- wallets\n- transfers"}
    after = {"body": "We are looking.\n\n- cards\n- vouchers\n- transfers"}
    await add_audit(db, actor="bob", action="update.edit", target="update:1", at=NOW,
                    before=dict(before), after=dict(after))  # fmt: skip
    soup = BeautifulSoup(await (await admin.get("/admin/audit")).text(), "html.parser")
    lines = [li.get_text(strip=True) for li in soup.select(".textdiff li")]
    assert lines == ["- cards", "removed:- wallets", "added:- vouchers", "- transfers"]
