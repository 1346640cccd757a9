"""`statuspage demo`: a newcomer's first minute, run as they would run it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from statuspage.config import load_settings
from statuspage.demo import demo_config_text
from tests.service.test_process import free_port


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


async def test_the_demo_starts_and_its_page_shows_the_three_components(tmp_path: Path) -> None:
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
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(os.environ) | {"STATUSPAGE_RUNTIME_DIR": str(tmp_path / "run")},
    )
    try:
        page = await fetch_page(port, process)
        for name in ("System", "Database", "External services"):
            assert name in page
        assert (tmp_path / "statuspage-demo.db").exists()
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0
    assert "Admin user" in out.decode()
