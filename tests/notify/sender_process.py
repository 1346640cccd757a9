"""One sender in an operating-system process of its own, for
tests/notify/test_postgres.py: `python -m tests.notify.sender_process CONFIG` opens
the database, prints "ready", waits for a line on stdin, sends everything due until
a pass finds nothing, and prints how many it sent."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from probes.clock import system_clock
from statuspage.config import load_settings
from statuspage.notify.sender import Sender
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.startup import open_database


async def main(config: Path) -> None:
    settings = load_settings(config, {})
    db = open_database(settings)
    sender = Sender(db, SettingsHolder(settings), clock=system_clock)
    try:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # both start together
        while await sender.deliver_due():
            pass
        print(f"sent {sender.sent}", flush=True)
    finally:
        await sender.close()
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
