"""The settings in force: replaced as a whole on reload, never edited in place."""

from __future__ import annotations

from dataclasses import dataclass

from statuspage.config import Settings


@dataclass
class SettingsHolder:
    current: Settings
    generation: int = 0

    def replace(self, settings: Settings) -> None:
        self.current = settings
        self.generation += 1
