"""A probe that fails because the prober itself ran out of something measured
nothing: it is unknown, never the target being down."""

from __future__ import annotations

import errno
import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from probes.errors import local_failure
from probes.http import probe
from probes.model import ProbeStatus
from tests.probes.targets import make_check


@contextmanager
def every_file_descriptor_taken() -> Iterator[None]:
    """Lower this process's open-file limit to just above what is open, then fill it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    in_use = len(os.listdir("/proc/self/fd"))
    resource.setrlimit(resource.RLIMIT_NOFILE, (in_use + 16, hard))
    held: list[int] = []
    try:
        _open_until_refused(held)
        yield
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _open_until_refused(held: list[int]) -> None:
    while True:
        try:
            held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError as exc:
            if exc.errno != errno.EMFILE:
                raise
            return


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
async def test_no_file_descriptor_for_the_connection_is_unknown_not_down(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    check = make_check(f"http://127.0.0.1:{target.port}/health")
    with every_file_descriptor_taken():
        starved = await probe(session, check)
    assert starved.status is ProbeStatus.UNKNOWN
    assert starved.error == "not measured: too many open files on the prober"
    assert (await probe(session, check)).status is ProbeStatus.UP  # the target was fine


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (OSError(errno.EMFILE, "Too many open files"), "too many open files"),
        (OSError(errno.ENFILE, "File table overflow"), "too many open files in the system"),
        (OSError(errno.ENOMEM, "Cannot allocate memory"), "out of memory"),
        (OSError(errno.ENOBUFS, "No buffer space available"), "no buffer space"),
        (MemoryError(), "out of memory"),
    ],
)
def test_failures_of_the_probers_own_machine_are_named(failure: BaseException, reason: str) -> None:
    assert local_failure(failure) == f"not measured: {reason} on the prober"


def test_an_os_error_wrapped_by_aiohttp_is_still_the_probers() -> None:
    key = aiohttp.client_reqrep.ConnectionKey("h", 80, False, True, None, None, None)
    wrapped = aiohttp.ClientConnectorError(key, OSError(errno.EMFILE, "Too many open files"))
    assert local_failure(wrapped) == "not measured: too many open files on the prober"


def test_an_error_raised_from_a_local_failure_is_the_probers() -> None:
    outer = aiohttp.ClientOSError("request failed")
    outer.__cause__ = OSError(errno.ENOMEM, "Cannot allocate memory")
    assert local_failure(outer) == "not measured: out of memory on the prober"


@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.ECONNREFUSED, "Connection refused"),
        ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
        TimeoutError(),
        aiohttp.ServerDisconnectedError(),
    ],
)
def test_failures_the_target_may_cause_are_not_the_probers(failure: BaseException) -> None:
    assert local_failure(failure) is None
