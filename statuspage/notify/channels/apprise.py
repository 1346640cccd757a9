"""Everything else, through Apprise (`kind = "apprise"`, `url = "ntfy://…"`,
`discord://…`, `msteams://…`, `tgram://…`, `matrix://…`, about a hundred services):
the maintained library that speaks to each, instead of a hand-written client each.

Apprise is synchronous, so it runs in a worker thread with its own time limit and
never holds the event loop. It says only whether the service took the message, not
whether trying again could help, so every failure is retried (a URL Apprise cannot
read at all is permanent). Its log lines give the reason, with the URL's secrets
taken out by the sender.
"""

from __future__ import annotations

import asyncio
from typing import Any

from statuspage.notify.channels.base import CHANNEL_KINDS, Channel, DeliveryError
from statuspage.notify.message import Message

_REASON_LINES = 3


class AppriseChannel(Channel):
    kind = "apprise"

    async def notify(self, message: Message) -> str:
        timeout_s = self.outside.timeout_s
        body = "\n".join([*message.lines, *(f"{label}: {url}" for label, url in message.links())])
        work = asyncio.to_thread(self._send, message.title, body or message.title, timeout_s)
        try:
            return await asyncio.wait_for(work, timeout_s + 5)
        except TimeoutError:
            raise DeliveryError(f"no answer within {timeout_s:g} s") from None

    def _send(self, title: str, body: str, timeout_s: float) -> str:
        # Imported here: Apprise loads its plugins lazily and only this kind needs it.
        import apprise

        sender = apprise.Apprise()
        assert self.config.url is not None  # the settings require it
        if not sender.add(self.config.url):
            raise DeliveryError("Apprise cannot use this URL", permanent=True)
        result: Any = sender.notify(body=body, title=title, timeout=timeout_s)
        if bool(result):
            return "Apprise: delivered"
        raise DeliveryError(f"Apprise: {_reason(result)}")


def _reason(result: Any) -> str:
    logs = getattr(result, "logs", None)
    entries = logs() if callable(logs) else []
    lines = [str(getattr(e, "message", e)) for e in entries if getattr(e, "level", "") != "DEBUG"]
    return " ".join(lines[-_REASON_LINES:]) or "not delivered"


CHANNEL_KINDS.add(AppriseChannel)
