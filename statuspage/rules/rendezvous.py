"""Which live worker probes which component: rendezvous (highest random weight) hashing.

Every worker computes the same answer from the same member list, without talking to
the others. Each (member, component) pair gets a stable pseudo-random weight and the
component goes to the member with the highest. When a member leaves, only its own
components move (each to its runner-up); when one joins, it takes only the components
it now wins. Pure: no clock, no database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Component = TypeVar("Component", bound=_HasId)


def weight(member: str, component_id: str) -> int:
    """Stable across processes and Python runs (unlike `hash()`)."""
    digest = hashlib.blake2b(f"{member}\x00{component_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def owner(component_id: str, members: Sequence[str]) -> str | None:
    """The member that probes `component_id`; None when there are no members."""
    if not members:
        return None
    # The member id breaks a (practically impossible) tie, so every worker agrees.
    return max(members, key=lambda member: (weight(member, component_id), member))


def holder(job_id: str, regions: Mapping[str, Sequence[str]]) -> str | None:
    """The member that runs `job_id`, a job one worker of all regions runs (a metric
    source's scrape): its owner among every region's members together; None when there
    are none. The workers ask it before each run (`Membership.holds`) and the roster shows
    its answer, so the two cannot disagree."""
    return owner(job_id, [member for members in regions.values() for member in members])


def share_of(me: str, components: Sequence[Component], members: Sequence[str]) -> list[Component]:
    """The components `me` probes among `members`, in their order. A worker not (yet)
    among the members probes nothing: it has not announced itself."""
    if me not in members:
        return []
    return [c for c in components if owner(c.id, members) == me]
