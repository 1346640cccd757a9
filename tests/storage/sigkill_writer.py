"""Child process for test_durability: writes results through a ResultWriter in a
loop and prints, after each flush, how many results are committed so far.

Usage: python -m tests.storage.sigkill_writer DATABASE_URL (from the repository)
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from storage.database import Database
from storage.results.writer import ResultWriter
from tests.storage.builders import T0, record

BATCH = 50


async def main(url: str) -> None:
    db = Database.from_url(url)
    writer = ResultWriter(db, batch_size=BATCH)
    submitted = 0
    while True:
        for _ in range(BATCH):
            writer.submit(record(T0 + timedelta(seconds=submitted)))
            submitted += 1
        await writer.flush()
        print(submitted, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
