"""What an audit entry changed, field by field, in words a person reads.

`changes(before, after)` compares two snapshots (plain JSON, as `storage/audit.py`
stores them). Nested objects are walked, so a component's status reads as
`components.api` rather than as two copies of the whole mapping; a list is one value.
Fields that did not change are left out: the log shows what moved.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

NOTHING = "(none)"


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Change:
    field: str  # dotted path: "status", "components.api"
    kind: ChangeKind
    before: str | None  # None when added
    after: str | None  # None when removed


def changes(
    before: Mapping[str, object] | None, after: Mapping[str, object] | None
) -> list[Change]:
    """Every field that differs between two snapshots, in field order (a missing
    snapshot is empty: a creation only adds, a deletion only removes)."""
    return list(_walk("", before or {}, after or {}))


def _walk(
    prefix: str, before: Mapping[str, object], after: Mapping[str, object]
) -> Iterator[Change]:
    for key in sorted(set(before) | set(after)):
        path = f"{prefix}{key}"
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old == new:
            continue
        if _walkable(old, new):
            yield from _walk(f"{path}.", _fields(old), _fields(new))
        elif old is _MISSING:
            yield Change(path, ChangeKind.ADDED, None, value_text(new))
        elif new is _MISSING:
            yield Change(path, ChangeKind.REMOVED, value_text(old), None)
        else:
            yield Change(path, ChangeKind.CHANGED, value_text(old), value_text(new))


class _Missing:
    """Not in the snapshot at all (which differs from a field set to null)."""


_MISSING = _Missing()


def _walkable(old: object, new: object) -> bool:
    """Two objects, or an object added or removed whole that has fields to list."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return True
    whole = new if old is _MISSING else old if new is _MISSING else None
    return isinstance(whole, Mapping) and bool(whole)


def _fields(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def value_text(value: object) -> str:
    """A value as the log shows it: text as itself, null as "(none)", the rest as JSON."""
    if value is None:
        return NOTHING
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
