"""Everything else, through Apprise (`kind = "apprise"`, `url = "ntfy://…"`,
`discord://…`, `msteams://…`, `tgram://…`, `matrix://…`, about a hundred services):
the maintained library that speaks to each, instead of a hand-written client each.

Apprise is synchronous, so it runs in one of the channels' own threads
(`Outside.threads`, four of them) with its own time limit and never holds the event
loop, nor the loop's default executor that signing in needs. It says only whether
the service took the message, not whether trying again could help, so every failure
is retried (a URL Apprise cannot read at all is permanent). Its log lines give the
reason, with the URL's secrets taken out by the sender.

A thread cannot be stopped. When the time limit passes (Apprise's own, which Apprise
2 enforces by leaving the service's call running in a pool of its own, or ours a few
seconds later), the send is reported as failed and retried, but the call carries on,
and if the service takes the message after all it hears it twice: Apprise delivery
is at least once, never exactly once. A send still waiting for one of our threads
when its time runs out is cancelled and never starts.
"""

from __future__ import annotations

import asyncio
from typing import Any

from statuspage.notify.channels.base import CHANNEL_KINDS, Channel, DeliveryError
from statuspage.notify.message import Message

_REASON_LINES = 3
_GRACE_S = 5.0


class AppriseChannel(Channel):
    kind = "apprise"

    async def notify(self, message: Message) -> str:
        timeout_s = self.outside.timeout_s
        body = "\n".join([*message.lines, *(f"{label}: {url}" for label, url in message.links())])
        work = asyncio.get_running_loop().run_in_executor(
            self.outside.threads, self._send, message.title, body or message.title, timeout_s
        )
        try:
            # Apprise's own timeout bounds each request; this bounds the rest (a
            # plugin that never returns, or a wait for a free thread).
            return await asyncio.wait_for(work, timeout_s + _GRACE_S)
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
