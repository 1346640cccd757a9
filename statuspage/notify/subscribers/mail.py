"""Mail to subscribers: the confirmation that opts an address in, and notices of
incidents and maintenance, in plain text and HTML.

Every notice carries a one-click way out (RFC 8058): the unsubscribe link in the
text, and `List-Unsubscribe` with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
so a mail client's own button works. Incident text is rendered from Markdown the
way the page renders it (sanitised), names are escaped, and the subject is one line.
The headers every mail carries (Date, Message-ID: the outbox row's, the same on
every retry) come from `statuspage.notify.outgoing_mail.new_mail`.
"""

from __future__ import annotations

import html
from datetime import datetime
from email.message import EmailMessage

from statuspage.channel_specs import SmtpConfig
from statuspage.notify.outgoing_mail import ascii_uri, new_mail
from statuspage.notify.subscribers.notice import Notice
from statuspage.presentation.markdown import markdown_to_text, render_markdown


def envelope(
    smtp: SmtpConfig, to: str, subject: str, row_id: int, site: str, *, now: datetime
) -> EmailMessage:
    return new_mail(
        sender=smtp.sender,
        to=to,
        site=site,
        subject=subject,
        key=f"subscriber-{row_id}",
        now=now,
    )


def confirmation(mail: EmailMessage, site: str, confirm_url: str, hours: int) -> EmailMessage:
    text = (
        f"Someone, hopefully you, asked to be told about incidents and maintenance on {site}.\n\n"
        f"Confirm the subscription within {hours} hours:\n{confirm_url}\n\n"
        "If it was not you, ignore this mail: nothing is sent to you unless you confirm.\n"
    )
    e = html.escape
    page = (
        "<!DOCTYPE html><html><body>"
        "<p>Someone, hopefully you, asked to be told about incidents and maintenance on "
        f"{e(site)}.</p>"
        f'<p><a href="{e(confirm_url)}">Confirm the subscription</a> within {hours} hours.</p>'
        "<p>If it was not you, ignore this mail: nothing is sent to you unless you confirm.</p>"
        "</body></html>"
    )
    mail.set_content(text)
    mail.add_alternative(page, subtype="html")
    return mail


def notice_mail(
    mail: EmailMessage,
    notice: Notice,
    *,
    unsubscribe_url: str,
    incident_url: str | None,
) -> EmailMessage:
    # A literal <URI> (RFC 2369), which `outgoing_mail.UriHeader` keeps on one line.
    mail["List-Unsubscribe"] = f"<{ascii_uri(unsubscribe_url)}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(_text(notice, unsubscribe_url, incident_url))
    mail.add_alternative(_html(notice, unsubscribe_url, incident_url), subtype="html")
    return mail


def _facts(notice: Notice) -> list[tuple[str, str]]:
    facts = [("Status", notice.status_label)]
    if window := notice.window():
        facts.append(("Window", window))
    elif not notice.maintenance:
        facts.append(("Impact", notice.impact_text))
    if names := notice.component_names:
        facts.append(("Affects", ", ".join(names)))
    return facts


def _text(notice: Notice, unsubscribe_url: str, incident_url: str | None) -> str:
    parts = [notice.subject(), ""]
    parts += [f"{label}: {value}" for label, value in _facts(notice)]
    parts += ["", markdown_to_text(notice.body), ""]
    if incident_url:
        parts.append(f"Follow it: {incident_url}")
    parts.append(f"Unsubscribe: {unsubscribe_url}")
    return "\n".join(parts) + "\n"


def _html(notice: Notice, unsubscribe_url: str, incident_url: str | None) -> str:
    e = html.escape
    facts = "".join(f"<li>{e(label)}: {e(value)}</li>" for label, value in _facts(notice))
    follow = (
        f'<p><a href="{e(incident_url)}">Follow it on the status page</a></p>'
        if incident_url
        else ""
    )
    return (
        "<!DOCTYPE html><html><body>"
        f"<h1>{e(notice.subject())}</h1><ul>{facts}</ul>"
        f"<div>{render_markdown(notice.body)}</div>{follow}"
        f'<p><small><a href="{e(unsubscribe_url)}">Unsubscribe</a></small></p>'
        "</body></html>"
    )
