"""Everything the public pages share in one process, reached through `keys.WEB`."""

from __future__ import annotations

from dataclasses import dataclass

from probes.clock import Clock
from statuspage.web.assets import Assets
from statuspage.web.cache import PageCache
from statuspage.web.freshness import StampWatcher
from statuspage.web.render import Renderer


@dataclass(slots=True)
class WebState:
    renderer: Renderer
    assets: Assets
    cache: PageCache
    watcher: StampWatcher
    clock: Clock  # the app's clock (`keys.CLOCK`): "now" for page contexts
    render_timeout_s: float = 10.0  # a render slower than this is a database outage
