"""Slack, through an incoming webhook: a Block Kit message with the severity, what is
affected, the figures, and links to the incident and the admin alerts page.

Text from the payload is escaped for Slack's mrkdwn (`&`, `<`, `>`), so a component
or incident name can neither make a link nor mention `@channel`.
"""

from __future__ import annotations

import json
from typing import Any

from statuspage.notify.channels.base import CHANNEL_KINDS, Channel
from statuspage.notify.message import Message
from statuspage.notify.posting import post

_HEADER_CHARS = 150  # Slack's limit for a header block
_SECTION_CHARS = 3000


class SlackChannel(Channel):
    kind = "slack"
    hears_acknowledgements = True

    async def notify(self, message: Message) -> str:
        assert self.config.url is not None  # the settings require it
        body = json.dumps(slack_body(message, self.config.channel)).encode()
        return await post(
            self.outside.http,
            self.config.url,
            body,
            {"Content-Type": "application/json"},
            timeout_s=self.outside.timeout_s,
            clock=self.outside.clock,
        )


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(message: Message, channel: str | None) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:_HEADER_CHARS]}},
    ]
    fields = _fields(message)
    if fields:
        blocks.append({"type": "section", "fields": fields})
    if message.lines:
        text = "\n".join(f"• {escape(line)}" for line in message.lines)
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:_SECTION_CHARS]}}
        )
    links = " · ".join(f"<{url}|{escape(label)}>" for label, url in message.links())
    if links:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": links}]})
    body: dict[str, Any] = {"text": message.title, "blocks": blocks}
    if channel:
        body["channel"] = channel
    return body


def _fields(message: Message) -> list[dict[str, str]]:
    pairs = [
        ("Severity", message.text("severity")),
        ("Component", message.text("component") or message.text("subject")),
        # A row queued before `opened_text` existed has only the ISO time.
        ("Since", message.text("opened_text") or message.text("opened_at")),
        ("Incident", message.text("incident_name")),
    ]
    return [
        {"type": "mrkdwn", "text": f"*{label}*\n{escape(value)}"} for label, value in pairs if value
    ]


CHANNEL_KINDS.add(SlackChannel)
