"""A static `--shard K/N` with N > 1 opts a probe process out of dynamic sharing on
PostgreSQL (`statuspage/service/membership.py::uses_membership`): it joins no
membership, renews no lease, and probes the components of its shard, whatever other
workers there are. Without one, the same process is a member of its region."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from statuspage.app import create_app
from statuspage.config import load_settings
from statuspage.service.roles import Roles
from statuspage.shard import Shard
from storage.migrate import upgrade_database
from storage.workers import roster

pytestmark = [pytest.mark.postgres]

NAMES = [f"c{i}" for i in range(8)]
PROBES_ONLY = Roles(probes=True, jobs=False, web=False)


async def probe_process(
    postgres_url: str, tmp_path: Path, aiohttp_client: AiohttpClient, environ: dict[str, str]
) -> web.Application:
    """A probe process as `statuspage probe` builds it, with `environ` as its environment."""
    await upgrade_database(postgres_url)
    blocks = "".join(
        f'[[components]]\nid = "{n}"\nname = "{n}"\nurl = "http://127.0.0.1:9/{n}"\nsla_ms = 500\n'
        for n in NAMES
    )
    path = tmp_path / "statuspage.toml"
    path.write_text(f'[storage]\nurl = "{postgres_url}"\n\n{blocks}', "utf-8")
    client = await aiohttp_client(create_app(load_settings(path, environ), PROBES_ONLY))
    return client.app


async def test_a_static_shard_on_postgres_joins_no_membership_and_probes_its_shard(
    postgres_url: str, tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    app = await probe_process(postgres_url, tmp_path, aiohttp_client, {"STATUSPAGE_SHARD": "2/2"})
    assert keys.MEMBERSHIP not in app
    assert await roster(app[keys.DATABASE]) == []  # no lease: no other worker counts it
    mine = {n for n in NAMES if Shard(2, 2).holds(n)}
    assert set(app[keys.SCHEDULER].jobs) == mine != set(NAMES)


async def test_without_a_shard_a_probe_process_on_postgres_is_a_member(
    postgres_url: str, tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    app = await probe_process(postgres_url, tmp_path, aiohttp_client, {})
    assert keys.MEMBERSHIP in app
    assert [w.pid for w in await roster(app[keys.DATABASE])] == [os.getpid()]
    assert set(app[keys.SCHEDULER].jobs) == set(NAMES)  # the only member: all of them
