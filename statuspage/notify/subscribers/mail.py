"""Mail to subscribers: the confirmation that opts an address in, and notices of
incidents and maintenance, in plain text and HTML.

Every notice carries a one-click way out (RFC 8058): the unsubscribe link in the
text, and `List-Unsubscribe` with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
so a mail client's own button works. Incident text is rendered from Markdown the
way the page renders it (sanitised), names are escaped, and the subject is one line.
The Message-ID is the outbox row's, the same on every retry.
"""

from __future__ import annotations

import html
from email.message import EmailMessage

from statuspage.channel_specs import SmtpConfig
from statuspage.notify.channels.email import one_line
from statuspage.notify.subscribers.notice import Notice
from statuspage.presentation.markdown import markdown_to_text, render_markdown

_SUBJECT_CHARS = 200


def envelope(smtp: SmtpConfig, to: str, subject: str, row_id: int, site: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = one_line(f"[{site}] {subject}")[:_SUBJECT_CHARS]
    mail["From"] = smtp.sender
    mail["To"] = to
    domain = smtp.sender.rpartition("@")[2] or "statuspage.invalid"
    mail["Message-ID"] = f"<statuspage-subscriber-{row_id}@{domain}>"
    return mail


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
    now_text: str,
) -> EmailMessage:
    mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["Date"] = now_text
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
