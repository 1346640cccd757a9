"""What every channel is: a small class with one `notify` method, built from its
configuration, and the error that says whether a failure is worth retrying.

Each kind joins `CHANNEL_KINDS` from its own module (`channels/<kind>.py`), which
`channels/__init__.py` imports, all of them, by finding the files: a new kind is one
new module and needs no list kept anywhere else.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import KW_ONLY, dataclass
from typing import ClassVar

import aiohttp

from probes.clock import Clock
from statuspage.channel_specs import ChannelConfig, SmtpConfig
from statuspage.notify.message import Message, Site

HTTP_TIMEOUT_S = 10.0  # a receiver that has not answered by then is retried later
CHANNEL_THREADS = 4  # blocking sends (Apprise) at once; more wait for a thread


class DeliveryError(Exception):
    """A send that did not work. `permanent`: retrying cannot help (a 4xx other than
    429, a refused address, a broken template); `retry_after_s`: what the receiver
    asked for (`Retry-After`). `str()` is for the delivery log: no secret in it."""

    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after_s: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class Outside:
    """What channels share to reach the outside: one HTTP client session (no redirects
    followed, bounded), the SMTP server, the clock, the site's name and address, and
    the threads blocking libraries send in (`open_channel_threads`)."""

    http: aiohttp.ClientSession
    smtp: SmtpConfig | None
    clock: Clock
    site: Site
    timeout_s: float = HTTP_TIMEOUT_S
    _: KW_ONLY
    threads: Executor


def open_channel_threads() -> ThreadPoolExecutor:
    """Threads of the channels' own for sends that block (Apprise). Not the event
    loop's default executor: signing in hashes passwords there and subscriber webhooks
    resolve their hosts there, and a service that hangs must hold neither up. The
    owner shuts it down with `shutdown(wait=False, cancel_futures=True)`: a thread
    still stuck in a send cannot be stopped, only left to its own timeout."""
    return ThreadPoolExecutor(CHANNEL_THREADS, thread_name_prefix="notify-channel")


class Channel(abc.ABC):
    kind: ClassVar[str]
    hears_acknowledgements: ClassVar[bool] = False  # sent "acknowledged" messages

    def __init__(self, config: ChannelConfig, outside: Outside) -> None:
        self.config = config
        self.outside = outside

    @abc.abstractmethod
    async def notify(self, message: Message) -> str:
        """Deliver `message`; return what the receiver answered (for the delivery log
        and `notify test`), or raise DeliveryError."""


class ChannelKinds:
    """The registry of channel kinds, each class joining with `add`."""

    def __init__(self) -> None:
        self._kinds: dict[str, type[Channel]] = {}

    def add(self, cls: type[Channel]) -> type[Channel]:
        if cls.kind in self._kinds:
            raise ValueError(f"channel kind {cls.kind!r} is registered twice")
        self._kinds[cls.kind] = cls
        return cls

    def get(self, kind: str) -> type[Channel]:
        return self._kinds[kind]

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._kinds))

    def __iter__(self) -> Iterator[type[Channel]]:
        return iter(self._kinds.values())


CHANNEL_KINDS = ChannelKinds()
