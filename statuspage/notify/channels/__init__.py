"""The channel kinds: every module in this package that defines a channel joins
`CHANNEL_KINDS` when it is imported, and importing this package imports them all."""

from __future__ import annotations

import importlib
import pkgutil

from statuspage.notify.channels.base import CHANNEL_KINDS, Channel, ChannelKinds

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["CHANNEL_KINDS", "Channel", "ChannelKinds"]
