"""A generic webhook: the message as JSON (or as an operator's Jinja2 template
renders it), POSTed with headers a receiver can check it by.

    X-Statuspage-Event: firing
    X-Statuspage-Delivery: 1234            (the outbox row: the same on every retry)
    X-Statuspage-Timestamp: 1764151200     (Unix seconds, when it was sent)
    X-Statuspage-Signature: sha256=<hex>   (when the channel has a `secret`)

The signature is HMAC-SHA256 with the secret as key over the timestamp, a dot and
the raw body: `hmac(secret, f"{timestamp}.{body}")`. A receiver recomputes it over
the bytes it got, compares in constant time and refuses old timestamps (five
minutes, say), so a captured request cannot be replayed later. docs/notifications.md
shows a receiver.

Templates run in Jinja's immutable sandbox: the message's fields are the template's
variables, nothing else is reachable, and a failure to render is permanent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from statuspage.notify.channels.base import CHANNEL_KINDS, Channel, DeliveryError
from statuspage.notify.message import Message
from statuspage.notify.posting import post

SIGNATURE = "X-Statuspage-Signature"
TIMESTAMP = "X-Statuspage-Timestamp"
MAX_BODY_BYTES = 256 * 1024


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


class WebhookChannel(Channel):
    kind = "webhook"
    hears_acknowledgements = True
    _template: Any = None

    async def notify(self, message: Message) -> str:
        assert self.config.url is not None  # the settings require it
        body, content_type = self._body(message)
        timestamp = str(int(self.outside.clock().timestamp()))
        headers = {
            "Content-Type": content_type,
            "X-Statuspage-Event": message.event.value,
            TIMESTAMP: timestamp,
        }
        if message.id is not None:
            headers["X-Statuspage-Delivery"] = str(message.id)
        if self.config.secret:
            headers[SIGNATURE] = signature(self.config.secret, timestamp, body)
        return await post(
            self.outside.http,
            self.config.url,
            body,
            headers,
            timeout_s=self.outside.timeout_s,
            clock=self.outside.clock,
        )

    def _body(self, message: Message) -> tuple[bytes, str]:
        fields = {**message.payload, "delivery_id": message.id, "attempt": message.attempt}
        if self.config.template is None:
            return json.dumps(fields).encode(), "application/json"
        text = self._render(fields).encode()
        if len(text) > MAX_BODY_BYTES:
            raise DeliveryError("the template rendered more than 256 KiB", permanent=True)
        try:
            json.loads(text)
        except ValueError:
            return text, "text/plain; charset=utf-8"
        return text, "application/json"

    def _render(self, fields: dict[str, Any]) -> str:
        # Imported here: only a site with a webhook template loads Jinja for it.
        from jinja2 import TemplateError
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        try:
            if self._template is None:
                environment = ImmutableSandboxedEnvironment(autoescape=False)
                self._template = environment.from_string(self.config.template or "")
            return str(self._template.render(**fields))
        except TemplateError as error:
            raise DeliveryError(f"the template failed: {error}", permanent=True) from None


CHANNEL_KINDS.add(WebhookChannel)
