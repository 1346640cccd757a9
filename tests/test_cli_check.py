"""`statuspage check` run as a user runs it: a real process against real local servers."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from tests.probes.dns_server import TYPE_A, LoopbackDNS, Zone

# Real processes: start-up alone takes a second or more (`pytest -m "not slow"` skips).
pytestmark = pytest.mark.slow

HEALTHY = {"status": "healthy", "database": {"status": "connected"}, "memory": {"percent": 41.5}}


async def healthy(request: web.Request) -> web.Response:
    return web.json_response(HEALTHY)


async def failing(request: web.Request) -> web.Response:
    return web.json_response({"status": "unhealthy"}, status=503)


async def target(aiohttp_server: AiohttpServer) -> str:
    app = web.Application()
    app.router.add_get("/ok", healthy)
    app.router.add_get("/fail", failing)
    server = await aiohttp_server(app)
    return f"http://127.0.0.1:{server.port}"


def config(tmp_path: Path, base: str, paths: list[str]) -> Path:
    blocks = [
        f'[[components]]\nname = "C{i}"\nurl = "{base}{p}"\nsla_ms = 5000\n'
        "assertions = ['body.status == \"healthy\"']\n"
        for i, p in enumerate(paths)
    ]
    path = tmp_path / "statuspage.toml"
    path.write_text("\n".join(blocks))
    return path


async def statuspage(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "statuspage",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_check_exits_zero_when_everything_is_up(
    aiohttp_server: AiohttpServer, tmp_path: Path
) -> None:
    path = config(tmp_path, await target(aiohttp_server), ["/ok", "/ok"])
    code, out, _ = await statuspage("check", "--config", str(path))
    assert code == 0
    assert out.splitlines()[0].split() == ["NAME", "STATUS", "LATENCY", "SLA", "HTTP", "REASON"]
    assert out.count(" up ") == 2


async def test_check_exits_one_and_says_why_when_something_is_down(
    aiohttp_server: AiohttpServer, tmp_path: Path
) -> None:
    path = config(tmp_path, await target(aiohttp_server), ["/ok", "/fail"])
    code, out, _ = await statuspage("check", "--config", str(path))
    assert code == 1
    assert "HTTP 503" in out


async def test_check_json_has_the_documented_fields(
    aiohttp_server: AiohttpServer, tmp_path: Path
) -> None:
    path = config(tmp_path, await target(aiohttp_server), ["/ok", "/fail"])
    code, out, _ = await statuspage("check", "--json", "--config", str(path))
    rows = json.loads(out)
    assert code == 1
    assert [r["status"] for r in rows] == ["up", "down"]
    for key in ("name", "status", "latency_ms", "sla_ms", "http_status", "error", "phases"):
        assert key in rows[0]
    assert set(rows[0]["phases"]) == {"dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "total_ms"}
    assert rows[1]["error"] == "HTTP 503"


async def test_a_config_error_exits_two_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[probes]\nintervl_s = 5\n")
    code, _, err = await statuspage("check", "--config", str(path))
    assert code == 2
    assert "bad.toml: probes.intervl_s: unknown key" in err


async def test_the_config_path_can_come_from_the_environment(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "statuspage",
        "check",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={"STATUSPAGE_CONFIG": str(tmp_path / "nowhere.toml"), "PATH": ""},
    )
    _, err = await process.communicate()
    assert process.returncode == 2
    assert "nowhere.toml: file not found" in err.decode()


async def test_every_command_has_help() -> None:
    code, out, _ = await statuspage("check", "--help")
    assert code == 0
    assert "--json" in out


async def test_check_looks_names_up_on_the_configured_dns_servers(
    aiohttp_server: AiohttpServer, tmp_path: Path
) -> None:
    port = (await target(aiohttp_server)).rsplit(":", 1)[1]
    zone = Zone(addresses={"api.example.test": "127.0.0.1"})
    async with LoopbackDNS(zone) as dns:
        path = config(tmp_path, f"http://api.example.test:{port}", ["/ok"])
        gone = '[[components]]\nname = "C1"\nurl = "http://gone.example.test/ok"\nsla_ms = 5000\n'
        path.write_text(f'[probes]\ndns_servers = ["{dns.server}"]\n{path.read_text()}\n{gone}')

        code, out, _ = await statuspage("check", "--config", str(path), "--json")

    rows = {row["name"]: row for row in json.loads(out)}
    assert code == 1
    assert rows["C0"]["status"] == "up"
    assert rows["C1"]["error"] == "DNS lookup failed: Domain name not found"
    assert ("api.example.test", TYPE_A) in dns.queries
