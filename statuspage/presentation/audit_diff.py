"""What an audit entry changed, field by field, in words a person reads.

`changes(before, after)` compares two snapshots (plain JSON, as `storage/audit.py`
stores them). Nested objects are walked, so a component's status reads as
`components.api` rather than as two copies of the whole mapping; a list is one value.
Fields that did not change are left out: the log shows what moved. A text of several
lines (an update's Markdown) that changed also lists the lines that moved, with one
line of context around them, so a one-word correction is not two whole messages.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

NOTHING = "(none)"


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class LineKind(enum.StrEnum):
    KEPT = "kept"
    REMOVED = "removed"
    ADDED = "added"


@dataclass(frozen=True, slots=True)
class Line:
    kind: LineKind
    text: str


@dataclass(frozen=True, slots=True)
class Change:
    field: str  # dotted path: "status", "components.api"
    kind: ChangeKind
    before: str | None  # None when added
    after: str | None  # None when removed
    lines: tuple[Line, ...] = ()  # a changed text of several lines: the lines that moved


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
            was, now = value_text(old), value_text(new)
            yield Change(path, ChangeKind.CHANGED, was, now, line_changes(was, now))


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


def line_changes(before: str, after: str, context: int = 1) -> tuple[Line, ...]:
    """The lines that differ between two texts, each run with `context` unchanged
    lines around it; empty when both are one line (the change reads whole)."""
    old, new = before.split("\n"), after.split("\n")
    if len(old) == len(new) == 1:
        return ()
    lines: list[Line] = []
    for group in SequenceMatcher(a=old, b=new, autojunk=False).get_grouped_opcodes(context):
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [Line(LineKind.KEPT, text) for text in old[i1:i2]]
                continue
            lines += [Line(LineKind.REMOVED, text) for text in old[i1:i2]]
            lines += [Line(LineKind.ADDED, text) for text in new[j1:j2]]
    return tuple(lines)


def value_text(value: object) -> str:
    """A value as the log shows it: text as itself, null as "(none)", the rest as JSON."""
    if value is None:
        return NOTHING
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
