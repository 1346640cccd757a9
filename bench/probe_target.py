"""The probe benchmark's local target server, and the CPU accounting around it.

The target is an aiohttp.web app in worker processes sharing one port through
SO_REUSEPORT (this file, run with `--serve-target PORT`). It answers `ok` to any
path, after `?delay_ms=` if given. `Window` measures the CPU that this process,
the target and everything else used over a stretch of wall time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import asyncio
import os
import resource
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

HOST = "127.0.0.1"  # loopback only, by design
_CLK_TCK = os.sysconf("SC_CLK_TCK")


async def _answer(request: web.Request) -> web.Response:
    delay_ms = request.query.get("delay_ms")
    if delay_ms:
        await asyncio.sleep(float(delay_ms) / 1000)
    return web.Response(text="ok")


async def _serve_target(port: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((HOST, port))
    app = web.Application()
    app.router.add_get("/{tail:.*}", _answer)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.SockSite(runner, sock, backlog=4096).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)  # the parent waits for this line
    await stop.wait()
    await runner.cleanup()


@dataclass
class Target:
    """Worker processes sharing one port through SO_REUSEPORT."""

    port: int
    workers: list[subprocess.Popen[bytes]]
    cpus: set[int]  # where the workers run
    prober_cpus: set[int]  # where the measuring process runs, to tell others' load

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def cpu_s(self) -> float:
        """User + system CPU seconds of all workers so far, from /proc."""
        total = 0
        for worker in self.workers:
            fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        return total / _CLK_TCK


@contextmanager
def start_target(workers: int, cpus: set[int], prober_cpus: set[int]) -> Iterator[Target]:
    # Holding a bound (not listening) SO_REUSEPORT socket reserves the port until the
    # workers have bound it too; the kernel hands connections only to listening sockets.
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind((HOST, 0))
    port = holder.getsockname()[1]
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-target", str(port)]
    # Own sessions: a Ctrl-C in the terminal reaches only us, and we stop them in order.
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, start_new_session=True)
        for _ in range(workers)
    ]
    try:
        for proc in procs:
            if cpus:
                os.sched_setaffinity(proc.pid, cpus)
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != b"ready":
                raise RuntimeError("the target server did not start")
        holder.close()
        yield Target(port, procs, cpus, prober_cpus)
    finally:
        holder.close()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=10)


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # all threads, so the SQLite one too
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def busy_s(cpus: set[int]) -> float:
    """CPU seconds the given CPUs spent busy (any process), from /proc/stat."""
    total = 0
    for line in Path("/proc/stat").read_text().splitlines():
        name, *ticks = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
            idle, iowait = int(ticks[3]), int(ticks[4])
            total += sum(int(t) for t in ticks[:8]) - idle - iowait
    return total / _CLK_TCK


@dataclass(frozen=True, slots=True)
class Usage:
    """Shares of one CPU over a window: this process, the target, and everything else
    that ran on the prober's and on the target's CPUs (others' work on a shared machine)."""

    prober: float
    target: float
    others_at_prober: float
    others_at_target: float

    @property
    def others(self) -> float:
        return max(self.others_at_prober, self.others_at_target)


@dataclass
class Window:
    """CPU use of the prober, the target and others over a stretch of wall time."""

    target: Target
    wall: float = field(default_factory=time.perf_counter)
    own: float = field(default_factory=own_cpu_s)
    target_cpu: float = 0.0
    busy: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        self.target_cpu = self.target.cpu_s()
        self.busy = self._busy()

    def _busy(self) -> tuple[float, float]:
        return busy_s(self.target.prober_cpus), busy_s(self.target.cpus)

    def since(self) -> tuple[float, Usage]:
        """Seconds since this window opened, and the CPU use in them."""
        wall = time.perf_counter() - self.wall
        own, target = own_cpu_s() - self.own, self.target.cpu_s() - self.target_cpu
        busy = self._busy()
        if self.target.cpus == self.target.prober_cpus:  # one CPU: nothing to tell apart
            others = max(0.0, busy[0] - self.busy[0] - own - target) / wall
            return wall, Usage(own / wall, target / wall, others, others)
        at_prober = max(0.0, busy[0] - self.busy[0] - own) / wall
        at_target = max(0.0, busy[1] - self.busy[1] - target) / wall
        return wall, Usage(own / wall, target / wall, at_prober, at_target)


if __name__ == "__main__" and sys.argv[1:2] == ["--serve-target"]:
    asyncio.run(_serve_target(int(sys.argv[2])))
