"""Which groups start folded on `/`: one needing attention never; one whose components
all work with `fold_groups = "always"`, and with "auto" on a long page."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from statuspage.web.context_home import FOLD_ABOVE_COMPONENTS, group_starts_open
from storage.status import record_status_change
from storage.vocabulary import ComponentStatus
from tests.app_client import Client, app_client
from tests.web.factories import NOW, SITE, prepare_database, settings_for
from tests.web.pages import fetch, one


def components(groups: dict[str, int]) -> str:
    return "".join(
        f'[[components]]\nid = "{group.lower()}-{n}"\nname = "{group} {n}"\ngroup = "{group}"\n'
        for group, count in groups.items()
        for n in range(count)
    )


async def page_of(
    tmp_path: Path, aiohttp_client: AiohttpClient, fold: str | None, groups: dict[str, int]
) -> Client:
    site = SITE + (f'fold_groups = "{fold}"\n' if fold else "")
    settings = settings_for(tmp_path, site=site, components=components(groups))
    await prepare_database(settings.database_url)
    client = await app_client(aiohttp_client, settings, lambda: NOW)
    for component in settings.components:
        await record_status_change(
            client.app[keys.DATABASE], component.id, "operational", at=NOW, source="manual"
        )
    return client


async def open_groups(client: Client) -> dict[str, bool]:
    soup = await fetch(client, "/")
    return {str(d["id"]): d.has_attr("open") for d in soup.select("details.group")}


async def test_operational_groups_fold_and_one_needing_attention_stays_open(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    client = await page_of(tmp_path, aiohttp_client, "always", {"Web": 2, "Data": 2})
    await record_status_change(
        client.app[keys.DATABASE], "data-1", "degraded_performance", at=NOW, source="manual"
    )
    assert await open_groups(client) == {"group-web": False, "group-data": True}
    summary = one(await fetch(client, "/"), "details#group-web summary")
    assert "Operational" in summary.get_text()  # its status shows while folded


async def test_auto_folds_working_groups_only_on_a_long_page(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    long = {"Web": FOLD_ABOVE_COMPONENTS // 2, "Data": FOLD_ABOVE_COMPONENTS // 2 + 1}
    client = await page_of(tmp_path, aiohttp_client, None, long)
    assert await open_groups(client) == {"group-web": False, "group-data": False}


async def test_auto_leaves_a_short_page_unfolded(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    short = {"Web": FOLD_ABOVE_COMPONENTS // 2, "Data": FOLD_ABOVE_COMPONENTS // 2}
    client = await page_of(tmp_path, aiohttp_client, "auto", short)
    assert await open_groups(client) == {"group-web": True, "group-data": True}


async def test_never_folds_nothing_however_long_the_page(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    client = await page_of(tmp_path, aiohttp_client, "never", {"Web": 20})
    assert await open_groups(client) == {"group-web": True}


@pytest.mark.parametrize(
    ("fold", "status", "many", "expected"),
    [
        ("always", ComponentStatus.OPERATIONAL, False, False),
        ("always", ComponentStatus.DEGRADED_PERFORMANCE, False, True),
        ("always", None, True, True),  # no data yet: worth a look
        ("auto", ComponentStatus.OPERATIONAL, True, False),
        ("auto", ComponentStatus.OPERATIONAL, False, True),
        ("auto", ComponentStatus.UNDER_MAINTENANCE, True, True),
        ("never", ComponentStatus.OPERATIONAL, True, True),
    ],
)
def test_when_a_group_starts_open(
    fold: str, status: ComponentStatus | None, many: bool, expected: bool
) -> None:
    assert group_starts_open(fold, status, many_components=many) is expected
