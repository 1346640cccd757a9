"""Landmarks are unique by role and name on every kind of page (axe's `landmark-unique`),
checked on the parsed HTML since axe needs a browser."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bs4 import BeautifulSoup, Tag

from storage.database import Database
from tests.app_client import Client
from tests.web.factories import NOW, Bucket, add_hour, add_result
from tests.web.pages import attr, every_page, text_of

LANDMARK_ROLES = {
    "banner", "complementary", "contentinfo", "form", "main", "navigation", "region", "search",
}  # fmt: skip
SECTIONING = ("article", "aside", "main", "nav", "section")
NAMED_ONLY = {"region", "form"}  # a section or form without a name is no landmark


def accessible_name(tag: Tag, soup: BeautifulSoup) -> str:
    if labelledby := attr(tag, "aria-labelledby"):
        parts = [soup.find(id=ref) for ref in labelledby.split()]
        return " ".join(text_of(p) for p in parts if isinstance(p, Tag))
    return attr(tag, "aria-label").strip()


def implicit_role(tag: Tag) -> str | None:
    inside_sectioning = tag.find_parent(SECTIONING) is not None
    return {
        "header": None if inside_sectioning else "banner",
        "footer": None if inside_sectioning else "contentinfo",
        "nav": "navigation",
        "main": "main",
        "aside": "complementary",
        "section": "region",
        "form": "form",
        "search": "search",
    }.get(tag.name)


def landmarks(soup: BeautifulSoup) -> list[tuple[str, str]]:
    found = []
    for tag in soup.find_all(True):
        role = attr(tag, "role") or implicit_role(tag)
        if role not in LANDMARK_ROLES:
            continue
        name = accessible_name(tag, soup)
        if role in NAMED_ONLY and not name:
            continue
        found.append((role, name))
    return found


async def test_every_landmark_of_a_kind_has_its_own_name_on_every_page(
    client: Client, db: Database
) -> None:
    for component in ("api", "database"):  # both show a latency table on their own page
        await add_hour(db, component, NOW, Bucket(up=10, latencies_ms=[80.0] * 10))
        await add_result(db, component, NOW - timedelta(seconds=30))
    for path, soup in (await every_page(client, db)).items():
        repeated = [k for k, n in Counter(landmarks(soup)).items() if n > 1]
        assert not repeated, (path, repeated)


async def test_a_component_pages_latency_table_is_a_region_named_by_its_component(
    client: Client, db: Database
) -> None:
    for component in ("api", "database"):
        await add_hour(db, component, NOW, Bucket(up=10, latencies_ms=[80.0] * 10))
    for component, name in (("api", "API"), ("database", "Database")):
        page = BeautifulSoup(
            await (await client.get(f"/components/{component}")).text(), "html.parser"
        )
        regions = [n for role, n in landmarks(page) if role == "region"]
        assert f"{name}: latency over the last 24 hours" in regions


def test_the_landmark_finder_sees_a_repeated_name() -> None:
    soup = BeautifulSoup(
        '<main><div role="region" aria-label="x"></div><section aria-label="x"></section>'
        "<section></section></main><footer></footer>",
        "html.parser",
    )
    assert landmarks(soup) == [("main", ""), ("region", "x"), ("region", "x"), ("contentinfo", "")]
