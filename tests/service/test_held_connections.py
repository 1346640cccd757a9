"""The attack from the security review, against a real `statuspage run`: one client
holds hundreds of half-sent requests open on a process with few file descriptors.
The page keeps answering and no probe result blames the targets."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import socket
import sys
import typing
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import select

from storage.database import Database
from storage.tables.monitoring import ProbeResultRow, StatusChange, UnmeasuredRun
from tests.service.test_process import free_port, wait_healthy
from tests.waiting import eventually

pytestmark = pytest.mark.slow

OPEN_FILES = 256  # the child's limit, soft and hard: the attack needs more than this
ATTACKERS = 400
PARTIAL = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n"  # and then nothing


def config(folder: Path, target: str, port: int) -> Path:
    components = "".join(
        f'[[components]]\nname = "c{i}"\nurl = "{target}"\nsla_ms = 2000\ninterval_s = 1\n'
        for i in range(3)
    )
    path = folder / "statuspage.toml"
    path.write_text(
        f"[server]\nport = {port}\nrequest_header_timeout_s = 2\n[probes]\nconcurrency = 20\n"
        f'[storage]\nurl = "sqlite:///status.db"\n{components}'
    )
    return path


def few_file_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))


@contextlib.asynccontextmanager
async def running(path: Path, port: int) -> AsyncIterator[asyncio.subprocess.Process]:
    with (path.parent / "service.log").open("wb") as log:
        async with _child(path, port, log) as process:
            yield process


@contextlib.asynccontextmanager
async def _child(
    path: Path, port: int, log: typing.BinaryIO
) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "statuspage",
        "run",
        "--config",
        str(path),
        # A file, not a pipe: under attack the child logs more than a pipe's 64 KiB
        # buffer, and a child blocked on a full pipe would look like the slowness
        # under test.
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,
        env=dict(os.environ) | {"STATUSPAGE_RUNTIME_DIR": str(path.parent / "run")},
        preexec_fn=few_file_descriptors,
    )
    try:
        await wait_healthy(port, process)
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


class Attacker:
    """Keeps ATTACKERS half-sent requests open, reopening each one the server closes."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.opened = 0
        self.stop = asyncio.Event()

    async def run(self) -> None:
        await asyncio.gather(*(self._one() for _ in range(ATTACKERS)))

    async def _one(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(OSError):
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                self.opened += 1
                writer.write(PARTIAL)
                await self._until_closed_or_stopped(reader)
                writer.close()
            await asyncio.sleep(0.01)

    async def _until_closed_or_stopped(self, reader: asyncio.StreamReader) -> None:
        read = asyncio.create_task(reader.read())
        stopped = asyncio.create_task(self.stop.wait())
        await asyncio.wait({read, stopped}, return_when=asyncio.FIRST_COMPLETED)
        read.cancel()
        stopped.cancel()
        await asyncio.gather(read, stopped, return_exceptions=True)


async def counts(folder: Path) -> dict[str, int]:
    db = Database.from_url(f"sqlite:///{folder / 'status.db'}")
    async with db.read() as session:
        rows = await session.exec(
            select(ProbeResultRow.status, func.count()).group_by(ProbeResultRow.status)
        )
        found = {status: int(n) for status, n in rows}
        found["unmeasured"] = (
            await session.exec(select(func.count()).select_from(UnmeasuredRun))
        ).one()
        changes = await session.exec(select(StatusChange.new_status).distinct())
        found |= {f"status:{s}": 1 for s in changes}
    await db.dispose()
    return found


async def test_held_half_sent_requests_neither_stop_the_page_nor_fake_an_outage(
    tmp_path: Path,
) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # this side needs 400+
    port = free_port()
    async with target_process() as target:
        await held_attack(tmp_path, target, port)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    after = await counts(tmp_path)
    assert after.get("down", 0) == 0
    assert after["unmeasured"] == 0  # the probes kept their file descriptors
    assert set(after) - {"up", "unmeasured"} == {"status:operational"}


@contextlib.asynccontextmanager
async def target_process() -> AsyncIterator[str]:
    """The probes' target in a process of its own (tests/service/healthy_target.py), so
    the attacker in this process cannot slow its answers."""
    port = free_port()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "aiohttp.web", "-H", "127.0.0.1", "-P", str(port),
        "tests.service.healthy_target:healthy_app",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/health"
    try:
        await eventually(lambda: answers(url), "the target answers")
        yield url
    finally:
        child.terminate()
        await child.wait()


async def answers(url: str) -> bool:
    try:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            return response.status == 200
    except aiohttp.ClientError:
        return False


async def held_attack(tmp_path: Path, target: str, port: int) -> None:
    path = config(tmp_path, target, port)
    async with running(path, port) as process:
        before = await counts(tmp_path)
        attacker = Attacker(port)
        attack = asyncio.create_task(attacker.run())
        try:
            await eventually(lambda: attacker.opened >= ATTACKERS, "every attacker connected")
            async with aiohttp.ClientSession() as visitor:
                for _ in range(3):
                    async with visitor.get(f"http://127.0.0.1:{port}/") as page:
                        assert page.status == 200
            # Several rounds of probes (three components, every second) under attack.
            await eventually(
                lambda: more_results(tmp_path, before.get("up", 0) + 15), "probes under attack"
            )
        finally:
            attacker.stop.set()
            await attack
        process.send_signal(signal.SIGTERM)
        assert await process.wait() == 0
    assert attacker.opened > ATTACKERS  # the server closed and the attacker reopened many


async def more_results(folder: Path, at_least: int) -> bool:
    return (await counts(folder)).get("up", 0) >= at_least


async def test_clients_holding_kept_alive_connections_do_not_lock_out_a_new_one(
    tmp_path: Path,
) -> None:
    port = free_port()
    path = tmp_path / "statuspage.toml"
    path.write_text(
        f'[server]\nport = {port}\nmax_connections = 3\n[storage]\nurl = "sqlite:///status.db"\n'
    )
    async with running(path, port) as process:
        held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
        for connection in held:
            assert (await answer(connection, "/healthz")).startswith(b"HTTP/1.1 200")
        async with aiohttp.ClientSession() as visitor:
            async with visitor.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert health.status == 200
            async with visitor.get(f"http://127.0.0.1:{port}/metrics") as metrics:
                assert "statuspage_http_connections_idle_closed 1.0" in await metrics.text()
        assert await held[0][0].read() == b""  # the longest idle made room
        for _, writer in held:
            writer.close()
        process.send_signal(signal.SIGTERM)
        assert await process.wait() == 0


async def answer(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], path: str) -> bytes:
    """One request on a connection that stays open; the whole answer."""
    reader, writer = connection
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    async with asyncio.timeout(30):
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        return head + await reader.readexactly(length)


async def test_clients_that_read_nothing_of_their_answers_do_not_lock_out_a_new_one(
    tmp_path: Path,
) -> None:
    port = free_port()
    path = tmp_path / "statuspage.toml"
    path.write_text(
        f"[server]\nport = {port}\nmax_connections = 2\nresponse_write_timeout_s = 1\n"
        '[storage]\nurl = "sqlite:///status.db"\n'
    )
    async with running(path, port) as process:
        readers_of_nothing = [await asks_and_reads_nothing(port) for _ in range(2)]
        # Watched in the log, not /metrics: asking would take a third connection, and
        # between two pipelined answers a reader of nothing counts as idle and may be
        # closed to make room.
        await eventually(lambda: cut_off_in_log(tmp_path) == 2, "both readers of nothing cut off")
        async with aiohttp.ClientSession() as visitor:
            async with visitor.get(f"http://127.0.0.1:{port}/") as page:
                assert page.status == 200
            async with visitor.get(f"http://127.0.0.1:{port}/metrics") as metrics:
                assert "statuspage_http_connections_write_timeouts 2.0" in await metrics.text()
        for client in readers_of_nothing:
            client.close()
        process.send_signal(signal.SIGTERM)
        assert await process.wait() == 0


async def asks_and_reads_nothing(port: int) -> socket.socket:
    """A client with a small receive buffer that pipelines requests for the style sheet,
    far more bytes than the kernel's buffers hold, and reads none of the answers."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window
    client.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(client, ("127.0.0.1", port))
    request = b"GET /static/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    await loop.sock_sendall(client, request * 400)  # 400 × 20 KB: 8 MB of answers
    return client


def cut_off_in_log(folder: Path) -> int:
    log = (folder / "service.log").read_text("utf-8")
    return log.count("response not written in time, connection aborted")
