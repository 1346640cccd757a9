"""Which parts of the service a process runs: `run` is all of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Roles:
    probes: bool  # schedule probes and write results
    jobs: bool  # roll-ups, retention, status evaluation, maintenance edges (lock-guarded)
    web: bool  # public pages, feeds, API, admin
    upgrades_schema: bool = False  # only the all-in-one process migrates on start-up

    @classmethod
    def for_command(cls, command: str) -> Roles:
        return {
            "run": cls(probes=True, jobs=True, web=True, upgrades_schema=True),
            "demo": cls(probes=True, jobs=True, web=True, upgrades_schema=True),
            "probe": cls(probes=True, jobs=True, web=False),
            "serve": cls(probes=False, jobs=False, web=True),
        }[command]
