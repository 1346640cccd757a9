"""How far a reader scrolls: the front page's height and where "Past incidents"
starts, at 1280 and 360 px, for the browser tests' site (4 components) and the page
benchmark's (50 components in five groups, 90 days of history).

Run: .venv/bin/python bench/page_height.py

Each figure is printed next to its baseline, the viewport's own height, as a number
of screens: the issue this answers found "Past incidents" three screens down at
1280 px with four components. Playwright drives the system's Chromium with
JavaScript on, as a visitor sees the page; docs/page.md records the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import asyncio
import tempfile
from typing import Any

from bench.page import COMPONENTS, build_database, config_text
from statuspage.config import load_settings
from tests.browser.conftest import CHROMIUM, DESKTOP_HEIGHT, PHONE_HEIGHT, WIDTHS
from tests.browser.live_site import live_site
from tests.browser.site_data import copy_database, prepare_database

HEADING = "#past-incidents"


def measure(browser: Any, url: str, label: str) -> None:
    for name, width in WIDTHS.items():
        height = PHONE_HEIGHT if name == "phone" else DESKTOP_HEIGHT
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(url)
        total = int(page.evaluate("document.documentElement.scrollHeight"))
        top = int(page.evaluate(f"document.querySelector('{HEADING}').offsetTop"))
        context.close()
        print(
            f"{label:<16} {width:>5} px  viewport {height} px  page {total:>6} px "
            f"({total / height:.1f} screens)  Past incidents at {top:>5} px "
            f"({top / height:.1f} screens)"
        )


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "fifty.toml"
        config.write_text(config_text(Path(folder) / "fifty.db", 8080), encoding="utf-8")
        asyncio.run(build_database(config, hour_days=1))  # before Playwright's own loop
        with sync_playwright() as playwright:
            browse(playwright, Path(folder), config)
    return 0


def browse(playwright: Any, folder: Path, fifty: Path) -> None:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
    prepared = prepare_database(folder / "prepared")
    (folder / "four").mkdir()
    with live_site(copy_database(prepared, folder / "four")) as site:
        measure(browser, site.url + "/", "4 components")
    with live_site(load_settings(fifty, {})) as site:
        measure(browser, site.url + "/", f"{COMPONENTS} components")
    browser.close()


if __name__ == "__main__":
    sys.exit(main())
