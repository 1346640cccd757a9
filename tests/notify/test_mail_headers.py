"""The headers of every mail the service sends, as they arrive at a real SMTP server
on 127.0.0.1 (aiosmtpd) and as a mail client parses them: a List-Unsubscribe that is
a literal `<URI>` a client can act on, a long non-ASCII subject that decodes to
exactly what was meant, and a Date and Message-ID on every kind of mail."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from email.message import EmailMessage

import aiohttp
import pytest
from aiosmtplib.email import flatten_message

from statuspage.notify import message as notify_message
from statuspage.notify.message import Message, Site
from statuspage.notify.outgoing_mail import ascii_uri, new_mail
from storage.vocabulary import NotificationEvent
from tests.alerting.helpers import NOW
from tests.notify.helpers import group_message
from tests.notify.mailbox import Mailbox
from tests.notify.subscriber_site import (
    SITE_URL,
    SubscriberSite,
    link_in,
)
from tests.notify.test_email import channel, smtp_config
from tests.notify.test_subscribers import subscribed

# 200 characters, none of them ASCII letters only: umlauts, a dash, CJK.
LONG_TITLE = ("Zahlungsdienst fällt aus — 決済 " * 7)[:200].strip()


def raw_header(raw: bytes, name: str) -> str:
    """The header as it was sent: its first line and any folded lines after it."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    folded = rf"^{name}:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*"
    found = re.search(folded, head, re.MULTILINE | re.IGNORECASE)
    assert found is not None, f"no {name} header"
    return found.group(0)


def parsed(raw: bytes) -> EmailMessage:
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    return mail


async def test_list_unsubscribe_is_a_literal_uri_on_one_line(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await subscribed(s, mailbox, "ann@example.com")
    await s.open_incident("Slow API", "Looking.")
    await s.deliver()
    raw = mailbox.envelopes[-1].original_content or b""
    link = link_in(mailbox.mail[-1], "/subscribe/unsubscribe")
    assert link.startswith(f"{SITE_URL}/subscribe/unsubscribe?token=")
    assert raw_header(raw, "List-Unsubscribe") == f"List-Unsubscribe: <{link}>"
    assert raw_header(raw, "List-Unsubscribe-Post") == (
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    )


async def test_a_long_non_ascii_subject_decodes_without_a_leading_space(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await subscribed(s, mailbox, "ann@example.com")
    await s.open_incident(LONG_TITLE, "Looking.")
    await s.deliver()
    raw = mailbox.envelopes[-1].original_content or b""
    expected = f"[Acme Status] Incident investigating: {LONG_TITLE}"[:200].rstrip()
    assert str(parsed(raw)["Subject"]) == expected
    assert all(len(line) <= 78 for line in raw_header(raw, "Subject").split("\r\n"))


@pytest.mark.parametrize("utf8", [False, True])
def test_a_long_subject_survives_either_way_aiosmtplib_writes_it(utf8: bool) -> None:
    # SMTPUTF8 (a non-ASCII address) is the way that started the subject with a fold.
    mail = new_mail(
        sender="status@acme.test", to="ann@example.com", site="Acme Status",
        subject=f"Incident investigating: {LONG_TITLE}", key="subscriber-1", now=NOW,
    )  # fmt: skip
    mail["List-Unsubscribe"] = f"<{SITE_URL}/subscribe/unsubscribe?token={'t' * 300}>"
    mail.set_content("Looking.")
    raw = flatten_message(mail, utf8=utf8)
    assert str(parsed(raw)["Subject"]) == str(mail["Subject"])
    assert not str(parsed(raw)["Subject"]).startswith(" ")
    assert raw_header(raw, "List-Unsubscribe") == f"List-Unsubscribe: {mail['List-Unsubscribe']}"


def test_an_internationalised_site_address_is_written_as_a_uri() -> None:
    url = ascii_uri("https://stätus.example:8443/päge/subscribe/unsubscribe?token=a%2Bb")
    assert url == "https://xn--sttus-hra.example:8443/p%C3%A4ge/subscribe/unsubscribe?token=a%2Bb"


def assert_dated_and_identified(mail: EmailMessage, at_key: str) -> None:
    assert mail["Date"].datetime == NOW.replace(microsecond=0), mail["Subject"]
    assert re.fullmatch(rf"<statuspage-{at_key}-\d+@acme\.test>", str(mail["Message-ID"]))
    assert mail["Auto-Submitted"] == "auto-generated"


async def test_every_subscriber_mail_has_a_date_and_a_message_id(
    s: SubscriberSite, mailbox: Mailbox
) -> None:
    await subscribed(s, mailbox, "ann@example.com")  # the confirmation
    await s.open_incident("Slow API", "Looking.")
    start_at = s.clock.now + timedelta(hours=3)
    body = {"name": "Upgrade", "scheduled_for": start_at.isoformat(),
            "scheduled_until": (start_at + timedelta(hours=1)).isoformat()}  # fmt: skip
    response = await s.client.post("/api/admin/maintenances", json=body, headers=s.api())
    assert response.status == 201, await response.text()
    await s.deliver()
    subjects = [str(m["Subject"]) for m in mailbox.mail]
    assert subjects == [
        "[Acme Status] Confirm your subscription",
        "[Acme Status] Incident investigating: Slow API",
        "[Acme Status] Maintenance scheduled: Upgrade",
    ]
    for mail in mailbox.mail:
        assert_dated_and_identified(mail, "subscriber")


async def test_every_operator_mail_has_a_date_and_a_message_id(mailbox: Mailbox) -> None:
    async with aiohttp.ClientSession() as http:
        mail_channel = channel(http, smtp_config(mailbox.port))
        await mail_channel.notify(group_message())
        site = Site("Acme Status", "http://status.acme.test")
        payload = notify_message.testing_payload(site, "mail", NOW)
        await mail_channel.notify(
            Message(None, "mail", NotificationEvent.TEST, None, None, payload)
        )
    assert len(mailbox.mail) == 2
    for mail in mailbox.mail:
        assert_dated_and_identified(mail, "notification")
