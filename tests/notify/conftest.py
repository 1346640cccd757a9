"""Fixtures every notification test may ask for."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.notify.mailbox import Mailbox, start


@pytest.fixture
async def mailbox(unused_tcp_port: int) -> AsyncIterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 that keeps what it is sent."""
    box = Mailbox(unused_tcp_port)
    server = await start(box)
    yield box
    server.close()
    await server.wait_closed()
