"""The admin alerts page: open groups worst first with their alerts and incident, the
operator's acknowledge, silence and resolve (CSRF-checked forms), recovered groups'
proposed resolving updates, and resolved alerts a page at a time."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from statuspage.notify.message import Site
from storage.alerts.reads import get_alert, get_group
from storage.alerts.writes import propose_update
from storage.audit import list_audit
from storage.database import Database
from storage.incidents.reads import get_incident
from storage.vocabulary import AlertSeverity
from tests.admin.alert_builders import draft_incident_for, fire, resolve
from tests.admin.helpers import NOW, Clock, csrf_token, post_form, same_site
from tests.app_client import Client

PROPOSAL = "API has recovered and is working normally. The problem lasted 12 min."


async def page(admin: Client, path: str = "/admin/alerts") -> BeautifulSoup:
    response = await admin.get(path)
    assert response.status == 200, await response.text()
    return BeautifulSoup(await response.text(), "html.parser")


def texts(soup: Tag, selector: str) -> list[str]:
    return [" ".join(e.get_text(" ").split()) for e in soup.select(selector)]


async def test_the_page_is_in_the_admin_navigation(admin: Client) -> None:
    soup = await page(admin, "/admin")
    assert "/admin/alerts" in [a["href"] for a in soup.select("nav a")]


async def test_open_groups_come_worst_first_with_their_alerts(admin: Client, db: Database) -> None:
    await fire(db, "error-rate-info", subject="component:web", severity=AlertSeverity.INFO)
    await fire(db, "outage")
    await fire(db, "error-rate-critical")
    soup = await page(admin)
    titles = texts(soup, "#open-heading ~ article h3")
    assert titles[0].startswith("Critical API")
    assert titles[1].startswith("Info Website")
    first = soup.select("#open-heading ~ article")[0]
    assert texts(first, ".rule") == ["outage", "error-rate-critical"]
    assert "error rate: 12.5 %" in texts(first, ".figures li")


async def test_a_group_links_its_draft_incident(admin: Client, db: Database) -> None:
    alert = await fire(db)
    incident_id = await draft_incident_for(db, alert.group_id)
    soup = await page(admin)
    link = soup.select_one(f'a[href="/admin/incidents/{incident_id}"]')
    assert link is not None
    assert "draft" in texts(soup, ".group .facts dd .tag")


async def test_acknowledge_through_the_form_acknowledges_group_and_incident(
    admin: Client, db: Database, clock: Clock
) -> None:
    alert = await fire(db)
    incident_id = await draft_incident_for(db, alert.group_id)
    clock.advance(minutes=4)
    response = await post_form(admin, f"/admin/alerts/{alert.id}/ack", {})
    assert response.status == 303
    assert response.headers["Location"] == "/admin/alerts?done=acknowledged"
    assert (await get_group(db, alert.group_id)).acknowledged_by == "alice"
    incident = await get_incident(db, incident_id, include_drafts=True)
    assert incident is not None
    assert incident.acknowledged_at == clock.now
    assert (await list_audit(db)).entries[0].actor == "alice"


async def test_acknowledged_alerts_show_who_instead_of_the_button(
    admin: Client, db: Database
) -> None:
    alert = await fire(db)
    await post_form(admin, f"/admin/alerts/{alert.id}/ack", {})
    soup = await page(admin, "/admin/alerts?done=acknowledged")
    assert soup.select(f'form[action="/admin/alerts/{alert.id}/ack"]') == []
    assert any(t.startswith("alice, 2 Mar 2026, 12:00") for t in texts(soup, ".facts dd"))


async def test_silence_through_the_form_for_a_chosen_time(
    admin: Client, db: Database, clock: Clock
) -> None:
    alert = await fire(db)
    response = await post_form(admin, f"/admin/alerts/{alert.id}/silence", {"minutes": "240"})
    assert response.headers["Location"] == "/admin/alerts?done=silenced"
    stored = await get_alert(db, alert.id)
    assert stored.silenced_until == clock.now + timedelta(hours=4)
    soup = await page(admin)
    assert soup.select(f'form[action="/admin/alerts/{alert.id}/silence"] input[value="0"]')


async def test_the_silence_form_offers_four_durations(admin: Client, db: Database) -> None:
    alert = await fire(db)
    soup = await page(admin)
    options = soup.select(f"#silence-{alert.id} option")
    assert [o["value"] for o in options] == ["30", "60", "240", "1440"]


async def test_a_silence_not_on_offer_is_refused(admin: Client, db: Database) -> None:
    alert = await fire(db)
    response = await post_form(admin, f"/admin/alerts/{alert.id}/silence", {"minutes": "99999"})
    assert response.status == 400
    assert (await get_alert(db, alert.id)).silenced_until is None


async def test_resolve_through_the_form(admin: Client, db: Database) -> None:
    alert = await fire(db)
    response = await post_form(admin, f"/admin/alerts/{alert.id}/resolve", {})
    assert response.headers["Location"] == "/admin/alerts?done=alert-resolved"
    assert (await get_alert(db, alert.id)).resolved_by == "alice"
    soup = await page(admin)
    assert texts(soup, "#open-heading ~ p") == ["No open alerts."]
    assert "resolved by alice" in " ".join(texts(soup, ".resolved li"))


@pytest.mark.parametrize("action", ["ack", "silence", "resolve"])
async def test_an_action_without_the_csrf_token_is_refused(
    admin: Client, db: Database, action: str
) -> None:
    alert = await fire(db)
    response = await admin.post(
        f"/admin/alerts/{alert.id}/{action}",
        data={"minutes": "30"},
        headers=same_site(admin),
        allow_redirects=False,
    )
    assert response.status == 403
    stored = await get_alert(db, alert.id)
    assert (stored.acknowledged_at, stored.silenced_until, stored.resolved_at) == (None,) * 3


async def test_an_action_from_another_site_is_refused(admin: Client, db: Database) -> None:
    alert = await fire(db)
    token = await csrf_token(admin)
    response = await admin.post(
        f"/admin/alerts/{alert.id}/ack",
        data={"csrf_token": token},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert response.status == 403
    assert (await get_alert(db, alert.id)).acknowledged_at is None


async def test_an_action_on_an_unknown_alert_is_404(admin: Client) -> None:
    response = await post_form(admin, "/admin/alerts/404/ack", {})
    assert response.status == 404


async def test_the_page_needs_a_session(client: Client) -> None:
    response = await client.get("/admin/alerts", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/admin/sign-in?next=")


async def test_a_recovered_groups_proposed_update_leads_to_a_filled_in_form(
    admin: Client, db: Database
) -> None:
    alert = await fire(db)
    incident_id = await draft_incident_for(db, alert.group_id)
    await resolve(db, at=NOW + timedelta(minutes=12))
    await propose_update(db, alert.group_id, PROPOSAL)
    soup = await page(admin)
    assert PROPOSAL in texts(soup, "#recovered-heading ~ article .proposed-text")
    link = soup.select_one("#recovered-heading ~ article .proposal a.button")
    assert link is not None
    assert (
        link["href"] == f"/admin/incidents/{incident_id}?proposal={alert.group_id}#update-heading"
    )
    form = await page(admin, str(link["href"]))
    assert form.select_one("#f-body") is not None
    assert form.select_one("#f-body").get_text() == PROPOSAL  # type: ignore[union-attr]
    assert form.select_one("#f-status option[selected]")["value"] == "resolved"  # type: ignore[index]


async def test_a_proposal_for_another_incident_fills_in_nothing(
    admin: Client, db: Database
) -> None:
    alert = await fire(db)
    await draft_incident_for(db, alert.group_id)
    other = await draft_incident_for(db, (await fire(db, subject="component:web")).group_id)
    await propose_update(db, alert.group_id, PROPOSAL)
    form = await page(admin, f"/admin/incidents/{other}?proposal={alert.group_id}")
    assert PROPOSAL not in form.get_text()


async def test_resolved_alerts_are_paged(admin: Client, db: Database) -> None:
    for n in range(30):
        await fire(db, f"rule-{n:02}", at=NOW - timedelta(minutes=30 - n))
        await resolve(db, f"rule-{n:02}")
    first = await page(admin)
    assert len(first.select(".resolved li")) == 25
    assert first.select_one('a[rel="next"]')["href"] == "/admin/alerts?page=2"  # type: ignore[index]
    second = await page(admin, "/admin/alerts?page=2")
    assert texts(second, ".resolved .rule") == [f"rule-{n:02}" for n in range(4, -1, -1)]


async def test_hostile_figures_and_subjects_are_shown_inert(admin: Client, db: Database) -> None:
    hostile = "<script>alert(1)</script>"
    await fire(
        db,
        "failed-sign-ins-per-address",
        subject=f"address:{hostile}",
        severity=AlertSeverity.INFO,
        figures={"failed_sign_ins": 12, "address": hostile},
    )
    response = await admin.get("/admin/alerts")
    html = await response.text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select("script") == []
    assert f"address: {hostile}" in texts(soup, ".figures li")


async def test_the_page_has_no_tables_and_lets_long_values_wrap(
    admin: Client, db: Database
) -> None:
    # What keeps it on a 360 px phone without sideways scrolling: cards instead of
    # tables, long values allowed to break, and wrapping rows of buttons.
    await fire(db, figures={"reason": "x" * 300})
    soup = await page(admin)
    assert soup.select("main table") == []
    css = await (await admin.get("/admin/admin.css")).text()
    assert (
        ".figures li, .resolved li, .proposed-text, .facts dd, code { overflow-wrap: anywhere; }"
        in css
    )
    assert ".alert-actions { display: flex; flex-wrap: wrap;" in css


def group_fragment(group_id: int) -> str:
    """The anchor a notification about the group links to."""
    return urlsplit(Site("Acme", "http://status.acme.test").group_url(group_id)).fragment


async def test_a_notifications_link_lands_on_its_open_group(admin: Client, db: Database) -> None:
    await fire(db, "error-rate-info", subject="component:web", severity=AlertSeverity.INFO)
    alert = await fire(db)
    soup = await page(admin)
    heading = soup.select_one(f"#open-heading ~ article h3#{group_fragment(alert.group_id)}")
    assert heading is not None
    assert "API" in heading.get_text()


async def test_a_notifications_link_lands_on_its_recovered_group(
    admin: Client, db: Database
) -> None:
    alert = await fire(db)
    await draft_incident_for(db, alert.group_id)
    await resolve(db, at=NOW + timedelta(minutes=12))
    await propose_update(db, alert.group_id, PROPOSAL)
    soup = await page(admin)
    assert soup.select_one(f"#recovered-heading ~ article h3#{group_fragment(alert.group_id)}")
