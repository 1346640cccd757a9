"""Email over SMTP (aiosmtplib): plain text and HTML in one message, through the
`[smtp]` server, with STARTTLS or implicit TLS and a login from the environment.

Every piece of text from the message is escaped for HTML, and the subject is one
line: a component or incident name full of markup or line breaks arrives as text.
The headers every mail carries come from `statuspage.notify.outgoing_mail`; the
Message-ID is the outbox row's, the same on every retry, so a mail system that got
a message twice can tell.
"""

from __future__ import annotations

import html
from email.message import EmailMessage

import aiosmtplib

from statuspage.channel_specs import SmtpConfig
from statuspage.notify.channels.base import CHANNEL_KINDS, Channel, DeliveryError
from statuspage.notify.message import Message
from statuspage.notify.outgoing_mail import new_mail


class EmailChannel(Channel):
    kind = "email"

    async def notify(self, message: Message) -> str:
        smtp = self.outside.smtp
        if smtp is None:
            raise DeliveryError("no [smtp] server is configured", permanent=True)
        return await send_mail(smtp, self.compose(message, smtp.sender))

    def compose(self, message: Message, sender: str) -> EmailMessage:
        now = self.outside.clock()
        key = message.id if message.id is not None else int(now.timestamp())
        mail = new_mail(
            sender=sender,
            to=", ".join(self.config.to),
            site=message.text("site") or "statuspage",
            subject=message.title,
            key=f"notification-{key}",
            now=now,
        )
        mail.set_content(plain_text(message))
        mail.add_alternative(html_body(message), subtype="html")
        return mail


async def send_mail(smtp: SmtpConfig, mail: EmailMessage) -> str:
    """Hand `mail` to the `[smtp]` server: its answer, or DeliveryError (refused
    recipients and 5xx are permanent; 4xx and connection trouble are retried)."""
    try:
        _, answer = await aiosmtplib.send(
            mail,
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.username,
            password=smtp.password,
            use_tls=smtp.tls,
            start_tls=smtp.starttls,
            timeout=smtp.timeout_s,
        )
    except aiosmtplib.SMTPRecipientsRefused as error:
        refused = "; ".join(f"{e.recipient}: {e.code} {e.message}" for e in error.recipients)
        raise DeliveryError(f"recipients refused: {refused}", permanent=True) from None
    except aiosmtplib.SMTPResponseException as error:
        # 5xx: the server will not take it (bad sender, refused login); 4xx: later.
        text = f"SMTP {error.code}: {error.message}"
        raise DeliveryError(text, permanent=error.code >= 500) from None
    except (aiosmtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP: {type(error).__name__}: {error}") from None
    return f"SMTP: {answer}"


def plain_text(message: Message) -> str:
    parts = [message.title, ""]
    parts += [f"- {line}" for line in message.lines]
    if incident := message.text("incident_name"):
        parts += ["", f"Incident: {incident}"]
    parts.append("")
    parts += [f"{label}: {url}" for label, url in message.links()]
    return "\n".join(parts) + "\n"


def html_body(message: Message) -> str:
    e = html.escape
    items = "".join(f"<li>{e(line)}</li>" for line in message.lines)
    links = " · ".join(f'<a href="{e(url)}">{e(label)}</a>' for label, url in message.links())
    incident = message.text("incident_name")
    return (
        "<!DOCTYPE html><html><body>"
        f"<h1>{e(message.title)}</h1>"
        + (f"<ul>{items}</ul>" if items else "")
        + (f"<p>Incident: {e(incident)}</p>" if incident else "")
        + (f"<p>{links}</p>" if links else "")
        + "</body></html>"
    )


CHANNEL_KINDS.add(EmailChannel)
