"""Screenshots of the public page in each of its states, on a desk and on a phone.

Run: .venv/bin/python bench/screenshots.py [--out docs/screenshots]
(or `python3 dev.py screenshots`)

Each state starts from the same site the browser tests use (the production
configuration's components, three days of simulated history, one resolved incident;
tests/browser/site_data.py) and adds one thing: a degraded component, a component in
major outage, maintenance in progress, an open incident. Playwright drives the
system's Chromium (/usr/bin/chromium); nothing is downloaded. The files are
`<state>-<width>.png`; docs/page.md shows them.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import tempfile
from typing import Any

from tests.browser.conftest import CHROMIUM, DESKTOP_HEIGHT, PHONE_HEIGHT, WIDTHS
from tests.browser.live_site import live_site
from tests.browser.site_data import STATES, copy_database, prepare_database

ROOT = Path(__file__).resolve().parent.parent


# The top of the page, where its state shows (banner, active incidents and maintenance,
# the first components); whole pages would add megabytes to the repository each time.
MAX_HEIGHT = {"desktop": 1400, "phone": 1600}


def shoot(browser: Any, url: str, out: Path, state: str) -> list[Path]:
    """The front page at each width, from the top down to MAX_HEIGHT."""
    written = []
    for name, width in WIDTHS.items():
        height = PHONE_HEIGHT if name == "phone" else DESKTOP_HEIGHT
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(url)
        path = out / f"{state}-{width}.png"
        tall = min(MAX_HEIGHT[name], int(page.evaluate("document.documentElement.scrollHeight")))
        clip = {"x": 0, "y": 0, "width": width, "height": tall}
        page.screenshot(path=str(path), full_page=True, clip=clip)
        context.close()
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        prepared = prepare_database(Path(folder) / "prepared")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        for state, make in STATES.items():
            site_folder = Path(folder) / state
            site_folder.mkdir()
            with live_site(copy_database(prepared, site_folder)) as site:
                make(site)
                for path in shoot(browser, site.url + "/", args.out, state):
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
