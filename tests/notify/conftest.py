"""Fixtures every notification test may ask for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpClient

from tests.notify.mailbox import Mailbox, start
from tests.notify.subscriber_site import SubscriberSite, subscriber_settings, subscriber_site


@pytest.fixture
async def mailbox(unused_tcp_port: int) -> AsyncIterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 that keeps what it is sent."""
    box = Mailbox(unused_tcp_port)
    server = await start(box)
    yield box
    server.close()
    await server.wait_closed()


@pytest.fixture
async def s(
    tmp_path: Path, aiohttp_client: AiohttpClient, mailbox: Mailbox
) -> AsyncIterator[SubscriberSite]:
    """The subscriber site on SQLite with the default settings, mailing `mailbox`. A
    module that needs another database or settings defines its own `s`."""
    settings = subscriber_settings(tmp_path, mailbox.port)
    async with subscriber_site(aiohttp_client, settings, mailbox) as place:
        yield place
