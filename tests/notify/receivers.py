"""Receivers on 127.0.0.1 that stand in for Slack, PagerDuty and webhook endpoints:
each records what it got and answers as the test tells it (a status, a body,
headers, or silence until the sender gives up)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pytest_aiohttp import AiohttpServer


@dataclass(frozen=True, slots=True)
class Answer:
    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer
    delay_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers from `answers` in turn, then `usual`, and keeps every request."""

    url: str
    usual: Answer = field(default_factory=Answer)
    answers: list[Answer] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def then(self, *answers: Answer) -> Receiver:
        self.answers.extend(answers)
        return self

    def bodies(self) -> list[Any]:
        return [r.json() for r in self.received]


async def receiver(aiohttp_server: AiohttpServer, usual: Answer | None = None) -> Receiver:
    """A running receiver; POST anything under its URL."""
    box: list[Receiver] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        me = box[0]
        me.received.append(Received(request.path, dict(request.headers), await request.read()))
        answer = me.answers.pop(0) if me.answers else me.usual
        if answer.hang:
            await asyncio.sleep(3600)
        await asyncio.sleep(answer.delay_s)
        return web.Response(status=answer.status, text=answer.body, headers=answer.headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    server = await aiohttp_server(app)
    box.append(Receiver(str(server.make_url("/hook")), usual or Answer()))
    return box[0]


PAGERDUTY_OK = Answer(202, '{"status":"success","message":"Event processed"}')


async def serve_hook(
    aiohttp_server: AiohttpServer, handle: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> str:
    """`handle` serving POST /hook on 127.0.0.1, for a receiver with behaviour of its
    own; returns the URL."""
    app = web.Application()
    app.router.add_post("/hook", handle)
    server = await aiohttp_server(app)
    return str(server.make_url("/hook"))
