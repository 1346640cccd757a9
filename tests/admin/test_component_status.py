"""Setting a component's status without an incident: the form, the write API, the audit."""

from __future__ import annotations

from bs4 import BeautifulSoup

from storage.database import Database
from storage.status import current_statuses
from tests.admin.helpers import add_test_token, post_form
from tests.app_client import Client


async def test_an_operator_sets_a_status_and_the_public_page_shows_it(
    admin: Client, db: Database
) -> None:
    form = {"status": "partial_outage", "reason": "Slow queue"}
    response = await post_form(admin, "/admin/components/api/status", form)
    assert response.status == 303
    assert response.headers["Location"].startswith("/admin/components?done=status")
    assert (await current_statuses(db))["api"] == "partial_outage"
    home = await (await admin.get("/")).text()
    assert "Partial Outage" in home


async def test_the_change_is_audited_with_what_it_was_and_why(admin: Client) -> None:
    await post_form(admin, "/admin/components/web/status", {"status": "major_outage"})
    soup = BeautifulSoup(await (await admin.get("/admin/audit")).text(), "html.parser")
    row = soup.select("table.audit tbody tr")[0]
    assert "component.status" in row.get_text()
    changes = [li.get_text(" ", strip=True) for li in row.select(".diff li")]
    assert "status : operational → changed to major_outage" in changes


async def test_setting_the_status_it_has_writes_nothing(admin: Client) -> None:
    for _ in range(2):
        await post_form(admin, "/admin/components/web/status", {"status": "major_outage"})
    audit = await (await admin.get("/admin/audit")).text()
    assert audit.count('<td data-label="What">component.status</td>') == 1


async def test_an_unknown_status_is_refused_next_to_its_component(admin: Client) -> None:
    response = await post_form(admin, "/admin/components/api/status", {"status": "on_fire"})
    assert response.status == 400
    soup = BeautifulSoup(await response.text(), "html.parser")
    error = soup.select_one("#component-api .field-error")
    assert error is not None
    assert error.get_text().startswith("Status: choose a status")
    assert soup.select_one("#component-web .field-error") is None


async def test_a_too_long_reason_is_refused_and_kept(admin: Client) -> None:
    reason = "<b>x</b>" * 30
    form = {"status": "major_outage", "reason": reason}
    response = await post_form(admin, "/admin/components/api/status", form)
    assert response.status == 400
    soup = BeautifulSoup(await response.text(), "html.parser")
    kept = soup.select_one("#reason-api")
    assert kept is not None
    assert kept.get("value") == reason


async def test_an_unknown_component_is_not_found(admin: Client) -> None:
    form = {"status": "major_outage"}
    response = await post_form(admin, "/admin/components/nope/status", form)
    assert response.status == 404


async def test_the_write_api_sets_a_status_and_answers_the_component(
    client: Client, db: Database
) -> None:
    token = await add_test_token(db)
    response = await client.patch(
        "/api/admin/components/api",
        json={"status": "degraded_performance", "reason": "Deploy"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["id"], body["status"]) == ("api", "degraded_performance")
    assert (await current_statuses(db))["api"] == "degraded_performance"


async def test_the_write_api_refuses_a_bad_status_naming_the_field(
    client: Client, db: Database
) -> None:
    token = await add_test_token(db)
    headers = {"Authorization": f"Bearer {token}"}
    bad = await client.patch("/api/admin/components/api", json={"status": 3}, headers=headers)
    assert bad.status == 400
    assert (await bad.json())["error"]["field"] == "status"
    missing = await client.patch(
        "/api/admin/components/nope", json={"status": "operational"}, headers=headers
    )
    assert missing.status == 404


async def test_a_status_set_by_hand_says_it_holds_until_set_back(admin: Client) -> None:
    await post_form(admin, "/admin/components/api/status", {"status": "major_outage"})
    soup = BeautifulSoup(await (await admin.get("/admin/components")).text(), "html.parser")
    api, web = soup.select_one("#component-api"), soup.select_one("#component-web")
    assert api is not None
    assert web is not None
    assert "it holds whatever the probes see" in api.get_text()
    assert "holds" not in web.get_text()
    await post_form(admin, "/admin/components/api/status", {"status": "operational"})
    soup = BeautifulSoup(await (await admin.get("/admin/components")).text(), "html.parser")
    api = soup.select_one("#component-api")
    assert api is not None
    assert "holds" not in api.get_text()
