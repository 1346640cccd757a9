"""Where each URL lands in the exported tree, and how pages link to it."""

from __future__ import annotations

import pytest

from statuspage.export.crawl import rewrite_page
from statuspage.export.paths import file_for, internal_path, relative_link

SITE = "https://status.example.test"


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("/", "index.html"),
        ("/history", "history/index.html"),
        ("/history?month=2026-10", "history/month-2026-10/index.html"),
        ("/incidents/12", "incidents/12/index.html"),
        ("/static/style.css?v=1a2b", "static/style.css"),
        ("/history.atom", "history.atom"),
        ("/api/v2/incidents/unresolved.json", "api/v2/incidents/unresolved.json"),
        ("/components/api/badge.svg", "components/api/badge.svg"),
        ("/components/api/badge.svg?type=status", "components/api/badge.svg"),
        ("/components/api/badge.svg?type=uptime&window=7d", "components/api/badge-uptime-7d.svg"),
        ("/a/../etc/passwd", None),
        ("/api/v2/summary.json?callback=x", None),
    ],
)
def test_each_url_has_one_file(url: str, file: str | None) -> None:
    assert file_for(url) == file


@pytest.mark.parametrize(
    ("href", "path"),
    [
        ("/history", "/history"),
        (f"{SITE}/incidents/3", "/incidents/3"),
        ("https://elsewhere.test/x", None),
        ("//elsewhere.test/x", None),
        ("mailto:ops@example.test", None),
        ("/admin/sign-in", None),
        ("/api/admin/incidents", None),
    ],
)
def test_only_public_links_to_this_site_are_followed(href: str, path: str | None) -> None:
    assert internal_path(href, SITE) == path


def test_links_are_relative_to_the_page() -> None:
    assert (
        relative_link("incidents/3/index.html", "history/index.html") == "../../history/index.html"
    )
    assert relative_link("index.html", "history.atom", "top") == "history.atom#top"


def test_a_page_is_rewritten_and_its_links_collected() -> None:
    html = (
        '<a href="/history?month=2026-10&amp;x=1">x</a><a href="#main">y</a>'
        '<img src="/static/a.svg?v=1">'
    )
    text, targets = rewrite_page(html, "incidents/3/index.html", SITE)
    assert targets == ["/history?month=2026-10&x=1", "/static/a.svg?v=1"]
    assert 'href="../../history/month-2026-10-x-1/index.html"' in text
    assert 'href="#main"' in text
    assert 'src="../../static/a.svg"' in text


def test_a_bare_link_of_a_day_bar_is_rewritten_with_its_anchor() -> None:
    html = '<div class="days"><a href=/components/api#g0907>7</a><a href=/components/api#f0908>8'
    text, targets = rewrite_page(html, "index.html", SITE)
    assert targets == ["/components/api", "/components/api"]
    assert '<a href="components/api/index.html#g0907">7</a>' in text
    assert '<a href="components/api/index.html#f0908">8' in text
