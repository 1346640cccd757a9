"""PagerDuty, through the Events API v2: trigger, acknowledge and resolve, with one
`dedup_key` per alert group, so one outage is one PagerDuty incident however many
rules fire, and its resolve closes exactly that incident.

Severities map one to one (critical, warning, info); a reminder (the group is still
firing and nobody acknowledged it within its response time) triggers again with the
same key at the next severity up (info to warning, warning to error; critical stays
critical), which is how a missed response time escalates. The routing key is sent
to PagerDuty only, never logged or stored.
"""

from __future__ import annotations

import json
from typing import Any

from statuspage.notify.channels.base import CHANNEL_KINDS, Channel
from statuspage.notify.message import Message
from statuspage.notify.posting import post
from storage.vocabulary import NotificationEvent

_ACTIONS = {
    NotificationEvent.FIRING: "trigger",
    NotificationEvent.RAISED: "trigger",
    NotificationEvent.REMINDER: "trigger",
    NotificationEvent.TEST: "trigger",
    NotificationEvent.ACKNOWLEDGED: "acknowledge",
    NotificationEvent.RESOLVED: "resolve",
}
ESCALATED = {"info": "warning", "warning": "error", "critical": "critical"}
_SUMMARY_CHARS = 1024  # the Events API's limit


def dedup_key(group_id: int) -> str:
    return f"statuspage-alert-group-{group_id}"


class PagerDutyChannel(Channel):
    kind = "pagerduty"
    hears_acknowledgements = True

    async def notify(self, message: Message) -> str:
        if message.event is NotificationEvent.TEST:
            # A test must not leave an incident open: trigger, then resolve it.
            key = f"statuspage-test-{int(self.outside.clock().timestamp())}"
            opened = await self._send(pagerduty_event(message, self._key(), key))
            closing = Message(
                None, message.channel, NotificationEvent.RESOLVED, None, None, message.payload
            )
            closed = await self._send(pagerduty_event(closing, self._key(), key))
            return f"trigger: {opened}; resolve: {closed}"
        assert message.group_id is not None
        return await self._send(pagerduty_event(message, self._key(), dedup_key(message.group_id)))

    def _key(self) -> str:
        assert self.config.routing_key is not None  # the settings require it
        return self.config.routing_key

    async def _send(self, event: dict[str, Any]) -> str:
        assert self.config.url is not None  # the default Events API address at least
        return await post(
            self.outside.http,
            self.config.url,
            json.dumps(event).encode(),
            {"Content-Type": "application/json"},
            timeout_s=self.outside.timeout_s,
            clock=self.outside.clock,
        )


def pagerduty_event(message: Message, routing_key: str, key: str) -> dict[str, Any]:
    action = _ACTIONS[message.event]
    event: dict[str, Any] = {"routing_key": routing_key, "event_action": action, "dedup_key": key}
    if action != "trigger":
        return event
    severity = message.text("severity") or "info"
    if message.event is NotificationEvent.REMINDER:
        severity = ESCALATED.get(severity, severity)
    alerts = message.payload.get("alerts") or []
    payload = {
        "summary": message.title[:_SUMMARY_CHARS],
        "source": message.text("site_url") or "statuspage",
        "severity": severity,
        "timestamp": message.text("at"),
        "component": message.text("component") or message.text("subject"),
        "group": message.text("subject"),
        "class": ", ".join(str(a.get("rule")) for a in alerts if isinstance(a, dict)) or None,
        "custom_details": {
            "lines": message.lines,
            "reminder": message.payload.get("reminder", 0),
            "incident": message.text("incident_name"),
        },
    }
    # The Events API refuses a null where it expects text: leave such keys out.
    event["payload"] = {k: v for k, v in payload.items() if v is not None}
    event["client"] = message.text("site") or "statuspage"
    if url := message.text("alerts_url"):
        event["client_url"] = url
    event["links"] = [{"href": url, "text": label} for label, url in message.links()]
    return event


CHANNEL_KINDS.add(PagerDutyChannel)
