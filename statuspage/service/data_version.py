"""A counter bumped whenever this process changes what pages show.

Roll-ups, status changes and admin writes bump it; page caches key on it, so a
change made in this process is visible on the next request. Changes made by
other processes (a separate `probe` worker) reach the cache by its own check
against the database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DataVersion:
    value: int = 0

    def bump(self) -> None:
        self.value += 1
