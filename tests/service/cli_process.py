"""`statuspage` as an operator runs it, for tests: a real process, its /healthz and its log."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(folder: Path) -> dict[str, str]:
    return dict(os.environ) | {"STATUSPAGE_RUNTIME_DIR": str(folder / "run")}


class Service:
    """A running `statuspage` process; its stderr is read as it comes, so a chatty
    process never blocks on a full pipe."""

    def __init__(self, process: asyncio.subprocess.Process, port: int | None) -> None:
        self.process = process
        self.port = port
        self.log: list[str] = []
        assert process.stderr is not None
        self._reading = asyncio.ensure_future(self._read(process.stderr))

    @classmethod
    async def start(
        cls, *args: str, env: dict[str, str], port: int | None = None, cwd: Path | None = None
    ) -> Service:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "statuspage",
            *args,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=cwd,
        )
        return cls(process, port)

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.log.append(line.decode(errors="replace"))

    @property
    def pid(self) -> int:
        return self.process.pid

    def logged(self, *fragments: str) -> int:
        """How many log lines hold every fragment."""
        return sum(all(f in line for f in fragments) for line in self.log)

    async def logged_until(self, *fragments: str, times: int = 1, seconds: float = 60) -> None:
        """Wait until `times` log lines hold every fragment; fail the test after `seconds`."""
        async with asyncio.timeout(seconds):
            while self.logged(*fragments) < times:
                if self.process.returncode is not None:
                    pytest.fail(f"exited early ({self.process.returncode}): {''.join(self.log)}")
                await asyncio.sleep(0.1)

    async def health(self) -> tuple[int, dict[str, Any]] | None:
        """/healthz's status and body, or None while nothing answers."""
        try:
            async with (
                aiohttp.ClientSession() as client,
                client.get(f"http://127.0.0.1:{self.port}/healthz") as response,
            ):
                return response.status, json.loads(await response.text())
        except aiohttp.ClientConnectionError:
            return None

    async def health_until(
        self, condition: Callable[[int, dict[str, Any]], bool], seconds: float = 60
    ) -> tuple[int, dict[str, Any]]:
        """Poll /healthz until `condition(status, body)` holds; fail the test after `seconds`."""
        answer = None
        try:
            async with asyncio.timeout(seconds):
                while True:
                    if self.process.returncode is not None:
                        await self._reading
                        pytest.fail(f"exited ({self.process.returncode}): {''.join(self.log)}")
                    answer = await self.health()
                    if answer is not None and condition(*answer):
                        return answer
                    await asyncio.sleep(0.1)
        except TimeoutError:
            pytest.fail(f"/healthz after {seconds} s: {answer}; log: {''.join(self.log[-20:])}")

    async def exit_status(self, seconds: float = 60) -> int:
        async with asyncio.timeout(seconds):
            status = await self.process.wait()
            await self._reading
        return status

    async def stop(self, seconds: float = 60) -> int:
        """SIGTERM, then the exit status."""
        if self.process.returncode is None:
            self.process.terminate()
        return await self.exit_status(seconds)

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.exit_status()


def is_up(status: int, body: dict[str, Any]) -> bool:
    return status == 200 and body.get("storage") == "ok"
