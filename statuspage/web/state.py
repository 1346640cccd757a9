"""Everything the public pages share in one process, reached through `keys.WEB`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from statuspage.web.assets import Assets
from statuspage.web.cache import PageCache
from statuspage.web.freshness import StampWatcher
from statuspage.web.render import Renderer


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class WebState:
    renderer: Renderer
    assets: Assets
    cache: PageCache
    watcher: StampWatcher
    clock: Callable[[], datetime] = field(default=utc_now)  # "now" for page contexts
    render_timeout_s: float = 10.0  # a render slower than this is a database outage
