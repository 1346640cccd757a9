"""A healthy /health endpoint for `python -m aiohttp.web`, so a test can run its target
in a process of its own: a target in the test's process answers as slowly as the
test's own load (an attacker's hundreds of connections) lets it."""

from __future__ import annotations

from aiohttp import web

from tests.service.conftest import flaky_app


def healthy_app(argv: list[str]) -> web.Application:
    return flaky_app(failures=0)
