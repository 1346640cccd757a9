"""Browser tests: Playwright (from PyPI) driving the system's Chromium, never a
browser it downloads. One browser for the session; a fresh context per page size.

They skip, saying why, where Chromium or Playwright is missing (`.ci/run` installs
Chromium; `pip install -e ".[dev]"` installs Playwright)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from probes.clock import system_clock
from statuspage import keys
from storage.figures.timebuckets import local_date
from tests.browser.live_site import LiveSite, live_site
from tests.browser.site_data import copy_database, prepare_database

CHROMIUM = Path(os.environ.get("STATUSPAGE_TEST_CHROMIUM", "/usr/bin/chromium"))
WIDTHS = {"desktop": 1280, "phone": 360}
PHONE_HEIGHT, DESKTOP_HEIGHT = 740, 800


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One browser for a module's tests. Not for the session: between its calls
    Playwright's sync API marks its own event loop as the thread's running loop, so
    while it is alive no asyncio test can run (the suite's async tests after these
    modules failed with "cannot be called from a running event loop"); stopping it
    at the module's end gives the thread back."""
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site's database, made once for the session (site_data.py says what it holds)."""
    return prepare_database(tmp_path_factory.mktemp("prepared"))


@pytest.fixture
def site(browser: Any, prepared: Path, tmp_path: Path) -> Iterator[LiveSite]:
    """The app over a copy of the prepared database, served on 127.0.0.1."""
    with live_site(copy_database(prepared, tmp_path)) as running:
        yield running


Opener = Callable[..., Any]


@pytest.fixture
def open_page(browser: Any, site: LiveSite) -> Iterator[Opener]:
    """`open_page(width, javascript=True, dark=False)`: a new browser tab on the site, at
    that width, for a visitor whose system prefers a dark or light scheme."""
    contexts: list[Any] = []

    def opener(width: int, *, javascript: bool = True, dark: bool = False) -> Any:
        height = PHONE_HEIGHT if width < WIDTHS["desktop"] else DESKTOP_HEIGHT
        context = browser.new_context(
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
            base_url=site.url,
            color_scheme="dark" if dark else "light",
            locale="en-US",  # the script writes dates and "2 hours ago" in the reader's
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


def stripe_date(site: LiveSite, link: Any) -> date:
    """The day a stripe stands for, from its link (`…#g1206`: level, month, day)."""
    anchor = link.get_attribute("href").split("#")[1]
    today = local_date(system_clock(), site.app[keys.SETTINGS].current.tz)
    found = date(today.year, int(anchor[1:3]), int(anchor[3:5]))
    return found if found <= today else found.replace(year=today.year - 1)


def no_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def widest_elements(page: Any) -> list[str]:
    """What sticks out past the viewport's right edge, to say why a page scrolls."""
    script = """() => [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 8)
      .map(e => `${e.tagName.toLowerCase()}.${e.className} ` +
                `${Math.round(e.getBoundingClientRect().right)}px`)"""
    return list(page.evaluate(script))


def sign_in(page: Any, name: str = "alice") -> None:
    from tests.admin.helpers import PASSWORD

    page.goto("/admin/sign-in")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin")
