"""Which share of a region's components a probe process takes: `--shard K/N`.

A shard is parsed once, where settings are read, into this typed value. The hash is
CRC-32 of the component id, the same in every process and every Python run (unlike
`hash()`), so processes started separately agree without talking to each other, and
a component keeps its shard when others are added or removed.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

_SHARD = re.compile(r"^(?P<number>\d{1,4})/(?P<total>\d{1,4})$")
MAX_SHARDS = 1000


@dataclass(frozen=True, slots=True)
class Shard:
    number: int  # 1-based, as written: 1/2 and 2/2
    total: int

    def __str__(self) -> str:
        return f"{self.number}/{self.total}"

    def holds(self, component_id: str) -> bool:
        return zlib.crc32(component_id.encode()) % self.total == self.number - 1


def parse_shard(text: str) -> Shard:
    """'K/N' with 1 <= K <= N <= 1000; ValueError naming the problem otherwise."""
    match = _SHARD.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not K/N, e.g. '1/2' for the first of two shards")
    shard = Shard(int(match["number"]), int(match["total"]))
    if not 1 <= shard.total <= MAX_SHARDS:
        raise ValueError(f"{text!r}: the number of shards must be 1 to {MAX_SHARDS}")
    if not 1 <= shard.number <= shard.total:
        raise ValueError(f"{text!r}: the shard must be 1 to {shard.total}")
    return shard
