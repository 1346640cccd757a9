"""The page script (statuspage/static/enhance.js) in a real browser: a tap on a day of a
bar opens its figures in place, the keyboard walks the bar, and every written time
says how long ago it was by the site's clock. On a desk (1280 px) and a phone (360 px,
where a day's stripe is about 2.5 px wide)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from probes.clock import system_clock
from tests.browser.axe import blocking
from tests.browser.conftest import WIDTHS, Opener, stripe_date
from tests.browser.live_site import LiveSite
from tests.browser.pages import open_front_page

SIZES = [pytest.param(width, id=name) for name, width in WIDTHS.items()]
PROBED, MANUAL = "external", "status-updates"  # the site's components (site_data.py)


def bar(page: Any, component_id: str) -> Any:
    return page.locator(f"#component-{component_id} .days")


def date_text(day: date) -> str:
    """How the script writes a date in the contexts' en-US: "Sun, Dec 6, 2026"."""
    return f"{day:%a}, {day:%b} {day.day}, {day.year}"


def popover(page: Any, component_id: str) -> Any:
    """The open popover of a component's bar, once its figures have arrived."""
    pop = page.locator(f"#component-{component_id} .day-pop")
    pop.locator("strong").wait_for()  # the date: written with the figures
    return pop


@pytest.mark.parametrize("width", SIZES)
def test_tapping_a_day_shows_its_date_and_availability(
    open_page: Opener, site: LiveSite, width: int
) -> None:
    page = open_page(width)
    open_front_page(page)
    yesterday = bar(page, PROBED).locator("a").nth(-2)
    yesterday.click()
    text = popover(page, PROBED).inner_text()
    assert date_text(stripe_date(site, yesterday)) in text, text
    assert "Availability " in text, text
    assert yesterday.get_attribute("aria-expanded") == "true"


@pytest.mark.parametrize("width", SIZES)
def test_a_day_of_a_component_without_a_check_is_its_reported_status(
    open_page: Opener, site: LiveSite, width: int
) -> None:
    page = open_page(width)
    open_front_page(page)
    today = bar(page, MANUAL).locator("a").last
    today.click()
    text = popover(page, MANUAL).inner_text()
    assert date_text(stripe_date(site, today)) in text, text
    assert "Uptime 100.00 % (from reported status)" in text, text  # as its calendar says


@pytest.mark.parametrize("width", SIZES)
def test_escape_closes_the_popover_and_gives_the_day_its_focus_back(
    open_page: Opener, width: int
) -> None:
    page = open_page(width)
    open_front_page(page)
    today = bar(page, PROBED).locator("a").last
    today.click()
    popover(page, PROBED)
    page.keyboard.press("Escape")
    assert page.locator(".day-pop").count() == 0
    assert today.get_attribute("aria-expanded") is None
    assert today.evaluate("link => link === document.activeElement")


@pytest.mark.parametrize("width", SIZES)
def test_the_arrow_keys_walk_the_bar_and_enter_opens_that_day(
    open_page: Opener, site: LiveSite, width: int
) -> None:
    page = open_page(width)
    open_front_page(page)
    links = bar(page, PROBED).locator("a")
    assert links.last.get_attribute("tabindex") == "0"  # the bar is one tab stop: today
    links.last.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    two_days_ago = links.nth(-3)
    assert two_days_ago.evaluate("link => link === document.activeElement")
    assert two_days_ago.get_attribute("tabindex") == "0"
    page.keyboard.press("Enter")
    assert date_text(stripe_date(site, two_days_ago)) in popover(page, PROBED).inner_text()
    page.keyboard.press("Home")
    assert links.first.evaluate("link => link === document.activeElement")


# The script's units: (name, seconds, used from) as in enhance.js's RELATIVE_UNITS.
UNITS = (
    ("year", 31536000, 31536000),
    ("month", 2592000, 5184000),
    ("week", 604800, 1209600),
    ("day", 86400, 86400),
    ("hour", 3600, 3600),
    ("minute", 60, 60),
)
NAMED = {(-1, "day"): "yesterday", (1, "day"): "tomorrow"}  # en-US, numeric: "auto"


def how_long_ago(when: datetime, now: datetime) -> str:
    """What en-US `Intl.RelativeTimeFormat` says for `when` seen at `now`."""
    seconds = (when - now).total_seconds()
    for unit, length, used_from in UNITS:
        if abs(seconds) >= used_from:
            count = math.floor(seconds / length + 0.5)  # JavaScript's Math.round
            if (count, unit) in NAMED:
                return NAMED[count, unit]
            if abs(count) == 1 and unit in ("week", "month", "year"):
                return f"{'last' if count < 0 else 'next'} {unit}"
            units = f"{abs(count)} {unit}{'s' if abs(count) != 1 else ''}"
            return f"{units} ago" if count < 0 else f"in {units}"
    return "now"


def relative_notes(page: Any) -> list[tuple[datetime, str]]:
    """(the time written, the script's note after it) for every time on the page."""
    pairs = page.eval_on_selector_all(
        "time[data-local]",
        "times => times.map(t => [t.getAttribute('datetime'), t.nextSibling.textContent])",
    )
    # " (2 hours ago)" or " (2 hours ago; your time: …)"
    return [(datetime.fromisoformat(iso), note.strip(" ()").split(";")[0]) for iso, note in pairs]


@pytest.mark.parametrize("width", SIZES)
def test_each_time_says_how_long_ago_it_was_by_the_sites_clock(
    open_page: Opener, width: int
) -> None:
    page = open_page(width)
    now = system_clock()  # the site's clock; the browser's is held at the same instant
    page.clock.install(time=now)  # the script's timers wait on this clock
    page.clock.set_fixed_time(now)
    open_front_page(page)
    notes = relative_notes(page)
    assert len(notes) >= 3, notes  # the resolved incident's times and "Updated"
    assert [note for _, note in notes] == [how_long_ago(when, now) for when, _ in notes]
    assert notes[-1][1] == "now"  # the page was made just now
    # The notes are kept current: two hours on, the page's own time is two hours old.
    later = now + timedelta(hours=2)
    page.clock.set_fixed_time(later)
    page.clock.run_for("01:00")  # the script's minute
    notes = relative_notes(page)
    assert [note for _, note in notes] == [how_long_ago(when, later) for when, _ in notes]
    assert notes[-1][1] == "2 hours ago"


def focused(locator: Any) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


@pytest.mark.parametrize("width", SIZES)
def test_the_popover_steps_to_the_next_day_when_the_finger_landed_a_day_off(
    open_page: Opener, site: LiveSite, width: int
) -> None:
    page = open_page(width)
    open_front_page(page)
    links = bar(page, PROBED).locator("a")
    links.nth(-3).click()
    assert date_text(stripe_date(site, links.nth(-3))) in popover(page, PROBED).inner_text()
    page.get_by_role("button", name="Next day").click()
    text = popover(page, PROBED).inner_text()
    assert date_text(stripe_date(site, links.nth(-2))) in text, text
    assert links.nth(-2).get_attribute("aria-expanded") == "true"
    assert focused(page.get_by_role("button", name="Next day"))  # press again to go on
    page.keyboard.press("Enter")
    assert date_text(stripe_date(site, links.last)) in popover(page, PROBED).inner_text()
    # Today has no next day: its button is off, and the focus is on the other one.
    assert page.get_by_role("button", name="Next day").is_disabled()
    assert focused(page.get_by_role("button", name="Previous day"))
    page.keyboard.press("Escape")
    assert page.locator(".day-pop").count() == 0
    assert focused(links.last)
    assert links.last.get_attribute("tabindex") == "0"


def test_one_popover_is_open_at_a_time(open_page: Opener) -> None:
    page = open_page(WIDTHS["desktop"])
    open_front_page(page)
    bar(page, PROBED).locator("a").last.click()
    popover(page, PROBED)
    bar(page, MANUAL).locator("a").last.click()
    popover(page, MANUAL)
    assert page.locator(".day-pop").count() == 1


@pytest.mark.parametrize("dark", [pytest.param(False, id="light"), pytest.param(True, id="dark")])
@pytest.mark.parametrize("width", SIZES)
def test_an_open_popover_has_no_serious_violation(
    open_page: Opener, width: int, dark: bool
) -> None:
    page = open_page(width, dark=dark)
    open_front_page(page)
    bar(page, PROBED).locator("a").nth(-2).click()
    popover(page, PROBED)
    assert not blocking(page)
