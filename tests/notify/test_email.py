"""Email through a real SMTP server on 127.0.0.1 (aiosmtpd): plain text and HTML in
one message, hostile text inert, refused addresses permanent, STARTTLS and
implicit TLS with a login."""

from __future__ import annotations

from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from bs4 import BeautifulSoup

from statuspage.channel_specs import ChannelConfig, SmtpConfig
from statuspage.notify.channels.base import DeliveryError
from statuspage.notify.channels.email import EmailChannel
from tests.notify.helpers import group_message, outside
from tests.notify.mailbox import Mailbox, check_login, start
from tests.probes.tls import SelfSigned, make_self_signed

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def smtp_config(port: int, **more: Any) -> SmtpConfig:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "sender": "status@acme.test",
        "username": None,
        "password": None,
        "starttls": False,
        "tls": False,
        "timeout_s": 5.0,
    }
    return SmtpConfig(**(values | more))


def channel(http: aiohttp.ClientSession, smtp: SmtpConfig, *to: str) -> EmailChannel:
    config = ChannelConfig("mail", "email", to=to or ("oncall@acme.test",))
    return EmailChannel(config, outside(http, smtp))


def parts(mail: EmailMessage) -> tuple[str, str]:
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


async def test_a_message_goes_out_as_text_and_html(
    mailbox: Mailbox, http: aiohttp.ClientSession
) -> None:
    answer = await channel(http, smtp_config(mailbox.port)).notify(group_message())
    assert answer == "SMTP: 2.0.0 queued as 1234"
    (mail,) = mailbox.mail
    assert mail["Subject"] == "[Acme Status] Critical: API: error-rate-critical"
    assert (mail["From"], mail["To"]) == ("status@acme.test", "oncall@acme.test")
    assert mail["Message-ID"] == "<statuspage-notification-7@acme.test>"
    text, html = parts(mail)
    assert "- error-rate-critical: error rate: 7.5 %" in text
    assert "Alerts: http://status.acme.test/admin/alerts#group-3" in text
    assert BeautifulSoup(html, "html.parser").h1.get_text() == "Critical: API: error-rate-critical"  # type: ignore[union-attr]


async def test_hostile_incident_text_is_inert_in_the_html(
    mailbox: Mailbox, http: aiohttp.ClientSession
) -> None:
    message = group_message(incident_name=HOSTILE, title=f"Critical: {HOSTILE}\r\nBcc: x@evil.test")
    await channel(http, smtp_config(mailbox.port)).notify(message)
    (mail,) = mailbox.mail
    text, html = parts(mail)
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script") is None
    assert page.find("img") is None
    assert HOSTILE in page.get_text()
    assert f"Incident: {HOSTILE}" in text
    assert mail["Bcc"] is None
    assert mailbox.envelopes[0].rcpt_tos == ["oncall@acme.test"]


async def test_a_refused_address_is_permanent(
    mailbox: Mailbox, http: aiohttp.ClientSession
) -> None:
    mailbox.refuse.add("gone@acme.test")
    with pytest.raises(DeliveryError) as caught:
        await channel(http, smtp_config(mailbox.port), "gone@acme.test").notify(group_message())
    assert caught.value.permanent
    assert "550" in caught.value.reason


async def test_a_server_that_is_not_there_is_retried(
    unused_tcp_port: int, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(DeliveryError) as caught:
        await channel(http, smtp_config(unused_tcp_port)).notify(group_message())
    assert not caught.value.permanent


@pytest.fixture
def certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SelfSigned:
    made = make_self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(made.cert_path))  # the client trusts it
    return made


async def test_starttls_with_a_login(
    unused_tcp_port: int, http: aiohttp.ClientSession, certificate: SelfSigned
) -> None:
    box = Mailbox(unused_tcp_port)
    server = await start(
        box,
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticator=check_login,
        auth_required=True,
    )
    try:
        smtp = smtp_config(box.port, starttls=True, username="status", password="pw")
        await channel(http, smtp).notify(group_message())
    finally:
        server.close()
        await server.wait_closed()
    assert len(box.mail) == 1


async def test_a_wrong_password_is_permanent(
    unused_tcp_port: int, http: aiohttp.ClientSession, certificate: SelfSigned
) -> None:
    box = Mailbox(unused_tcp_port)
    server = await start(
        box, tls_context=certificate.server_context(), authenticator=check_login, auth_required=True
    )
    try:
        smtp = smtp_config(box.port, starttls=True, username="status", password="wrong")
        with pytest.raises(DeliveryError) as caught:
            await channel(http, smtp).notify(group_message())
    finally:
        server.close()
        await server.wait_closed()
    assert caught.value.permanent
    assert "wrong" not in caught.value.reason


async def test_implicit_tls(
    unused_tcp_port: int, http: aiohttp.ClientSession, certificate: SelfSigned
) -> None:
    box = Mailbox(unused_tcp_port)
    server = await start(box, ssl=certificate.server_context())
    try:
        await channel(http, smtp_config(box.port, tls=True)).notify(group_message())
    finally:
        server.close()
        await server.wait_closed()
    assert len(box.mail) == 1
