"""`statuspage demo`: a newcomer's first minute, run as they would run it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest

from statuspage.config import load_settings
from statuspage.demo_history import demo_config_text
from statuspage.simulated_app import COMPLETION_BY_TIER
from statuspage.simulated_push import completion_metric
from storage.database import Database
from storage.metrics.reads import latest_points
from tests.service.test_process import free_port
from tests.waiting import eventually

# Real processes: start-up alone takes a second or more (`pytest -m "not slow"` skips).
pytestmark = pytest.mark.slow


def test_the_demo_watches_what_the_production_example_configures(tmp_path: Path) -> None:
    path = tmp_path / "demo.toml"
    path.write_text(demo_config_text(port=8080, target_port=8081, db_name="d.db"))
    demo, example = load_settings(path, {}), load_settings(Path("examples/production.toml"), {})

    def described(settings: object) -> list[tuple[object, ...]]:
        return [
            (
                c.id,
                c.name,
                c.group,
                c.check and c.check.sla_ms,
                c.check and tuple(a.text for a in c.check.assertions),
                c.availability_objective,
            )
            for c in settings.components  # type: ignore[attr-defined]
        ]

    assert described(demo) == described(example)


async def fetch_page(port: int, process: asyncio.subprocess.Process) -> str:
    async with aiohttp.ClientSession() as client:
        for _ in range(300):
            if process.returncode is not None:
                pytest.fail("the demo exited early")
            try:
                async with client.get(f"http://127.0.0.1:{port}/") as response:
                    if response.status == 200:
                        return await response.text()
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    pytest.fail("the demo page never answered")


async def pushed_points(folder: Path) -> int:
    """Points the simulated application pushed into the demo's database so far."""
    db = Database.from_url(f"sqlite:///{folder / '.statuspage-demo' / 'statuspage.db'}")
    try:
        return len(await latest_points(db, [completion_metric(t) for t in COMPLETION_BY_TIER]))
    finally:
        await db.dispose()


async def run_demo_until_its_page_answers(
    folder: Path, run_dir: Path, *, until: Callable[[], Awaitable[bool]] | None = None
) -> tuple[str, str]:
    """Start the demo in `folder`, wait for its page (and `until`), stop it; (page,
    stdout)."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "statuspage",
        "demo",
        "--port",
        str(port),
        "--target-port",
        str(free_port()),
        cwd=folder,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(os.environ) | {"STATUSPAGE_RUNTIME_DIR": str(run_dir)},
    )
    try:
        page = await fetch_page(port, process)
        if until is not None:
            await eventually(until, "the demo to get there")
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0
    return page, out.decode()


async def test_the_demo_starts_and_its_page_shows_the_three_components(tmp_path: Path) -> None:
    async def both_tiers_pushed() -> bool:
        return await pushed_points(tmp_path) == len(COMPLETION_BY_TIER)

    page, out = await run_demo_until_its_page_answers(
        tmp_path, tmp_path / "run", until=both_tiers_pushed
    )
    for name in ("System", "Database", "External services"):
        assert name in page
    assert "Admin user" in out


async def test_the_demo_leaves_nothing_but_its_own_folder(tmp_path: Path) -> None:
    here = tmp_path / "here"
    here.mkdir()
    await run_demo_until_its_page_answers(here, tmp_path / "run")
    assert [p.name for p in here.iterdir()] == [".statuspage-demo"]
    kept = {p.name for p in (here / ".statuspage-demo").iterdir()}
    assert {".gitignore", "statuspage.toml", "statuspage.db"} <= kept
    assert any(name.endswith(".lock") for name in kept)
