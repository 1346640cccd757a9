"""Split the probed components between probe processes: `--shard K/N`.

With PostgreSQL, N `statuspage probe` processes of one region can share its
components: each probes the components whose id hashes to its shard, and every
component belongs to exactly one shard. The hash is CRC-32 of the id, the same in
every process and every Python run (unlike `hash()`), so processes started
separately agree without talking to each other, and a component keeps its shard
when others are added or removed.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:  # statuspage.config validates shards with this module
    from statuspage.config import ComponentConfig, Settings


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Component = TypeVar("Component", bound=_HasId)

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


def in_shard(components: Sequence[Component], shard: Shard) -> list[Component]:
    """The components this shard probes, in their order."""
    return [c for c in components if shard.holds(c.id)]


def components_to_probe(settings: Settings) -> list[ComponentConfig]:
    """The configured components this process's `[probes] shard` covers."""
    return in_shard(settings.components, parse_shard(settings.file.probes.shard))
