"""The journeys people make, in a real browser: with JavaScript on and off, on a desk
(1280 px) and on a phone (360 px, where nothing may scroll sideways)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from statuspage import keys
from statuspage.presentation.display import weekday_date_text
from storage.figures.timebuckets import local_date
from storage.incidents.reads import list_incidents
from tests.browser.conftest import (
    PHONE_HEIGHT,
    WIDTHS,
    Opener,
    no_horizontal_scroll,
    sign_in,
    stripe_date,
    widest_elements,
)
from tests.browser.live_site import LiveSite
from tests.browser.site_data import PAST_INCIDENT

SIZES = [pytest.param(width, id=name) for name, width in WIDTHS.items()]
SCRIPT = [pytest.param(True, id="js"), pytest.param(False, id="no-js")]


def fits(page: Any, width: int) -> None:
    """At a phone's width the page must not scroll sideways; on a desk it may not either."""
    assert no_horizontal_scroll(page), (width, page.url, widest_elements(page))


@pytest.mark.parametrize("javascript", SCRIPT)
@pytest.mark.parametrize("width", SIZES)
def test_a_visitor_reads_the_page_and_a_components_day(
    open_page: Opener, site: LiveSite, width: int, javascript: bool
) -> None:
    page = open_page(width, javascript=javascript)
    page.goto("/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert PAST_INCIDENT in page.locator("main").inner_text()  # among recent incidents
    fits(page, width)
    page.get_by_role("link", name="External services", exact=True).first.click()
    page.wait_for_url("**/components/external")
    assert "External services" in page.get_by_role("heading", level=1).inner_text()
    days = page.locator(".calendar td", has_text=PAST_INCIDENT)
    # The days it happened name it, with their figures (two when it ran past midnight).
    assert days.count() == len(past_incident_days(site))
    assert "uptime" in days.first.inner_text().lower() or "%" in days.first.inner_text()
    fits(page, width)


def on_screen(box: dict[str, float], width: int, height: int) -> bool:
    return bool(
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )


def past_incident_days(site: LiveSite) -> set[date]:
    """The site-local days the demo's resolved incident touched: it starts 27 hours
    before the site's data was made and lasts 95 minutes, so between about 01:25 and
    03:00 it runs past midnight."""
    (found,) = [i for i in site.call(lambda: list_incidents(site.db)) if i.name == PAST_INCIDENT]
    assert found.resolved_at is not None
    tz = site.app[keys.SETTINGS].current.tz
    return {local_date(found.started_at, tz), local_date(found.resolved_at, tz)}


def test_without_script_a_tap_on_a_days_stripe_opens_that_day_on_a_phone(
    open_page: Opener, site: LiveSite
) -> None:
    """The bar's no-script path: a stripe is a link to the component's calendar day,
    whose sentence (shown by `:target`) is on screen and inside the phone's width."""
    width = WIDTHS["phone"]
    page = open_page(width, javascript=False)
    page.goto("/")
    stripes = page.locator("#component-external .days a")
    yesterday = stripes.nth(stripes.count() - 2)
    anchor = yesterday.get_attribute("href").split("#")[1]
    day = weekday_date_text(stripe_date(site, yesterday))
    yesterday.click()
    page.wait_for_url(f"**/components/external#{anchor}")
    label = page.locator(f"td#{anchor} .day-label")
    text = label.inner_text()
    assert text.startswith(f"{day}: "), text
    assert re.search(r"availability \d[\d.]*\s?%", text), text
    box = label.bounding_box()
    assert box["width"] > 100, box  # the sentence itself, not the 1 px hidden label
    assert on_screen(box, width, PHONE_HEIGHT), box
    fits(page, width)


@pytest.mark.parametrize("javascript", SCRIPT)
@pytest.mark.parametrize("width", SIZES)
def test_a_subscriber_finds_the_feeds(open_page: Opener, width: int, javascript: bool) -> None:
    page = open_page(width, javascript=javascript)
    page.goto("/")
    page.get_by_role("link", name=re.compile("Subscribe")).first.click()
    page.wait_for_url("**/subscribe")
    fits(page, width)
    addresses = [page.locator("input.copy").nth(i).input_value() for i in range(2)]
    assert any(a.endswith("/history.atom") for a in addresses), addresses
    feed = page.request.get("/history.atom")
    assert feed.ok
    assert "atom" in feed.headers["content-type"]


@pytest.mark.parametrize("javascript", SCRIPT)
@pytest.mark.parametrize("width", SIZES)
def test_an_operator_runs_an_incident_and_sees_each_step_on_the_page(
    open_page: Opener, width: int, javascript: bool
) -> None:
    page = open_page(width, javascript=javascript)
    sign_in(page)
    incident = _open_incident(page, width)
    _public_page_says(page, incident, "Investigating", "The payment provider times out.")
    _post_update(page, incident, "identified", "A bad deploy; rolling back.", width)
    _public_page_says(page, incident, "Identified", "A bad deploy; rolling back.")
    _post_update(page, incident, "resolved", "Payments work again.", width)
    _public_page_says(page, incident, "Resolved", "Payments work again.")
    page.goto(incident)
    page.get_by_role("textbox", name=re.compile("^Post-mortem")).fill(
        "The deploy skipped a *canary*."
    )
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(re.compile(r"done=postmortem"))
    _public_page_says(page, incident, "Postmortem", "The deploy skipped a canary.")


def _open_incident(page: Any, width: int) -> str:
    page.goto("/admin/incidents/new")
    fits(page, width)
    page.get_by_label("Title").fill("Payments are failing")
    page.get_by_label("Severity").select_option("P1")
    page.locator("#f-components\\.external").select_option("major_outage")
    page.get_by_label(re.compile("^Message")).fill("The payment provider times out.")
    page.get_by_role("button", name="Publish now").click()
    page.wait_for_url(re.compile(r"/admin/incidents/\d+\?done=created"))
    return str(page.url.split("?")[0])


def _post_update(page: Any, incident: str, status: str, body: str, width: int) -> None:
    page.goto(incident)
    fits(page, width)
    form = page.locator("form[action$='/updates']")
    form.get_by_label("Status", exact=True).select_option(status)
    form.get_by_label(re.compile("^Message")).fill(body)
    form.get_by_role("button", name="Post update").click()
    page.wait_for_url(re.compile(r"done=updated"))


def _public_page_says(page: Any, admin_url: str, status: str, text: str) -> None:
    """The public incident page and the front page show the step at once. Pages may be
    cached for 30 s (PAGE_CACHE_CONTROL), so the operator reloads, as a visitor
    would: the reload revalidates and gets the new page."""
    public = admin_url.replace("/admin/incidents/", "/incidents/")
    page.goto(public)
    page.reload()
    body = page.locator("main").inner_text()
    assert status.lower() in body.lower(), body
    assert text in body, body
    page.goto("/")
    page.reload()
    assert "Payments are failing" in page.locator("main").inner_text()
