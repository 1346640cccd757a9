"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it is sent, and can
refuse addresses or ask for a login."""

from __future__ import annotations

import asyncio
import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass
class Mailbox:
    port: int
    refuse: set[str] = field(default_factory=set)
    mail: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        raw = envelope.original_content or b""
        self.mail.append(email.message_from_bytes(raw, policy=email.policy.default))
        return "250 2.0.0 queued as 1234"


def check_login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"status", b"pw")
    return AuthResult(success=ok, handled=False)


async def start(box: Mailbox, *, ssl: Any = None, **smtp: Any) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: SMTP(box, **smtp), "127.0.0.1", box.port, ssl=ssl)
