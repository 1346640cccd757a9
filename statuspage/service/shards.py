"""Split the probed components between probe processes: `--shard K/N`.

With PostgreSQL, N `statuspage probe` processes of one region can share its
components: each probes the components whose id hashes to its shard
(`statuspage.shard`), and every component belongs to exactly one shard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from statuspage.shard import Shard

if TYPE_CHECKING:
    from statuspage.config import ComponentConfig, Settings


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Component = TypeVar("Component", bound=_HasId)


def in_shard(components: Sequence[Component], shard: Shard) -> list[Component]:
    """The components this shard probes, in their order."""
    return [c for c in components if shard.holds(c.id)]


def components_to_probe(settings: Settings) -> list[ComponentConfig]:
    """The configured components this process's `[probes] shard` covers."""
    return in_shard(settings.components, settings.file.probes.shard)
