"""Vet a user-written regex before it is run against response bodies.

Python's `re` backtracks and cannot be interrupted, and a match runs on the event loop,
so one bad pattern stalls every probe in the process. Two shapes are rejected:

* a repeated group that itself contains a repeat or an alternation, e.g. `(a+)+` or
  `(a|aa)*`: exponential in the length of the text;
* two wide repeats (`*`, `+`, `{n,}`, or more than 16) that can both match the same
  characters with nothing in between that the first cannot match, e.g. `.*.*x` or
  `.*x.*y`: each extra such repeat multiplies the work by the text length. Measured with
  CPython 3.11: `re.search(r".*.*x", "a" * 10_000)` takes about 140 s.

What remains is at most quadratic: on the 10,000 characters that `matches` looks at, the
worst single-repeat pattern measured (`\\w+x`) takes about 0.2 s. Back-references are
rejected (matching with them is NP-hard). This is a heuristic over a hand-written reading
of the pattern, deliberately conservative: a rejected pattern can always be rewritten
with a negated class, e.g. `[^x]*x.*y` instead of `.*x.*y`.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass

MAX_PATTERN_CHARS = 200
_WIDE_REPEAT = 16  # a bounded repeat above this many counts as unbounded
# Character sets are compared by testing a sample of code points (ASCII, Latin-1,
# Latin Extended-A) plus a few from other scripts: enough to tell \d from \. from `.`.
_SAMPLE = "".join(chr(c) for c in range(0x180)) + "€中ж\u2028"
_ANY = frozenset(_SAMPLE)


class UnsafeRegexError(ValueError):
    """The pattern is too long, invalid, or could backtrack catastrophically."""


@dataclass(slots=True)
class _Item:
    chars: frozenset[str]  # characters the item can consume (for a group: any of them)
    low: int = 1
    high: int | None = 1  # None: unbounded
    branches: list[list[_Item]] | None = None  # set for groups
    zero_width: bool = False

    @property
    def wide(self) -> bool:
        return self.high is None or self.high > _WIDE_REPEAT


@dataclass(slots=True)
class _Reader:
    text: str
    pos: int = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self) -> str:
        ch = self.peek()
        self.pos += 1
        return ch


def compile_safe_regex(pattern: str) -> re.Pattern[str]:
    """Compile `pattern`, or raise UnsafeRegexError saying why it is refused."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise UnsafeRegexError(f"regex longer than {MAX_PATTERN_CHARS} characters")
    try:
        with warnings.catch_warnings():
            # re warns (FutureWarning) about syntax whose meaning will change, e.g. "[[":
            # a pattern that may mean something else tomorrow is refused today.
            warnings.simplefilter("error")
            compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError, Warning) as exc:
        raise UnsafeRegexError(f"invalid regex: {exc}") from exc
    if compiled.groups > 0 and re.search(r"\\[1-9]|\(\?P=", pattern):
        raise UnsafeRegexError("regex back-references are not allowed")
    branches = _parse_branches(_Reader(pattern))
    _check_overlaps(branches, [])
    return compiled


def _parse_branches(reader: _Reader) -> list[list[_Item]]:
    branches: list[list[_Item]] = [[]]
    while (ch := reader.peek()) and ch != ")":
        if ch == "|":
            reader.take()
            branches.append([])
            continue
        item = _parse_atom(reader)
        _parse_repeat(reader, item)
        branches[-1].append(item)
    return branches


def _parse_atom(reader: _Reader) -> _Item:
    ch = reader.take()
    if ch in "^$":
        return _Item(frozenset(), zero_width=True)
    if ch == "(":
        return _parse_group(reader)
    if ch == "[":
        return _Item(_chars_of(_read_class(reader)))
    if ch == "\\":
        escape = _read_escape(reader)
        if escape in _ANCHORS:
            return _Item(frozenset(), zero_width=True)
        return _Item(_chars_of(escape))
    return _Item(_chars_of(re.escape(ch) if ch != "." else "."))


_ANCHORS = frozenset({r"\b", r"\B", r"\A", r"\Z"})
# How many characters follow the letter in a numeric escape: \x41, \u00e9, \U0001f600.
_ESCAPE_DIGITS = {"x": 2, "u": 4, "U": 8}


def _read_escape(reader: _Reader) -> str:
    start = reader.pos - 1
    letter = reader.take()
    if letter in _ESCAPE_DIGITS:
        reader.pos += _ESCAPE_DIGITS[letter]
    elif letter == "N" and reader.peek() == "{":
        reader.pos = reader.text.index("}", reader.pos) + 1
    elif letter == "0":
        while reader.pos - start < 4 and reader.peek() and reader.peek() in "01234567":
            reader.pos += 1
    return reader.text[start : reader.pos]


def _parse_group(reader: _Reader) -> _Item:
    zero_width = False
    if reader.peek() == "?":
        header = reader.text[reader.pos : reader.pos + 3]
        zero_width = header[:2] in ("?=", "?!") or header in ("?<=", "?<!")
        if re.match(r"\?[aiLmsux-]*\)", reader.text[reader.pos :]):  # inline flags: (?i)
            reader.pos = reader.text.index(")", reader.pos) + 1
            return _Item(frozenset(), zero_width=True)
        reader.pos = _end_of_group_header(reader.text, reader.pos)
    branches = _parse_branches(reader)
    reader.take()  # the closing ")": re.compile has already checked it is there
    chars = frozenset[str]().union(*(item.chars for branch in branches for item in branch))
    return _Item(chars, branches=branches, zero_width=zero_width)


def _end_of_group_header(text: str, pos: int) -> int:
    if text.startswith("?P<", pos) or (text.startswith("?<", pos) and text[pos + 2] not in "=!"):
        return text.index(">", pos) + 1
    match = re.match(r"\?(?:[:>=!]|<=|<!|[aiLmsux-]+:)", text[pos:])
    return pos + (match.end() if match else 1)


def _read_class(reader: _Reader) -> str:
    start = reader.pos - 1
    if reader.peek() == "^":
        reader.take()
    if reader.peek() == "]":  # a leading "]" is a literal
        reader.take()
    while (ch := reader.take()) != "]":
        if ch == "\\":
            reader.take()
    return reader.text[start : reader.pos]


def _parse_repeat(reader: _Reader, item: _Item) -> None:
    match = re.match(r"[*+?]|\{(\d*)(,?)(\d*)\}", reader.text[reader.pos :])
    if match is None:
        return
    reader.pos += match.end()
    if reader.peek() and reader.peek() in "?+":  # lazy or possessive: same strings
        reader.take()
    item.low, item.high = _bounds(match)
    if item.branches is not None and (item.high is None or item.high > 1):
        _refuse_nested_repeat(item.branches)


def _bounds(match: re.Match[str]) -> tuple[int, int | None]:
    symbol = match.group(0)
    if symbol in ("*", "+", "?"):
        return (1 if symbol == "+" else 0), (1 if symbol == "?" else None)
    low_text, comma, high_text = match.groups()
    low = int(low_text or 0)
    if not comma:
        return low, low
    return low, (int(high_text) if high_text else None)


def _refuse_nested_repeat(branches: list[list[_Item]]) -> None:
    if len(branches) > 1:
        raise UnsafeRegexError("a repeated group must not contain '|' (catastrophic backtracking)")
    for item in branches[0]:
        if item.high is None or item.high > 1:
            raise UnsafeRegexError("nested repeats like (a+)+ can backtrack catastrophically")
        if item.branches is not None:
            _refuse_nested_repeat(item.branches)


def _check_overlaps(branches: list[list[_Item]], open_wide: list[_Item]) -> list[_Item]:
    """Walk each branch with the wide repeats still open before it; return those open after."""
    after: list[_Item] = []
    for branch in branches:
        still_open = list(open_wide)
        for item in branch:
            still_open = _step(item, still_open)
        after.extend(w for w in still_open if w not in after)
    return after


def _step(item: _Item, open_wide: list[_Item]) -> list[_Item]:
    if item.zero_width:
        if item.branches is not None:  # a lookaround runs again at every position
            _check_overlaps(item.branches, [])
        return open_wide
    if item.branches is not None and not item.wide:
        inner = _check_overlaps(item.branches, open_wide)
        return inner if item.low >= 1 else open_wide + [w for w in inner if w not in open_wide]
    if item.wide and any(w.chars & item.chars for w in open_wide):
        raise UnsafeRegexError(
            "two long repeats can match the same text (catastrophic backtracking); "
            "separate them with a character the first cannot match, e.g. [^x]*x instead of .*x"
        )
    if item.low >= 1:  # a required character the open repeat cannot take ends its reach
        open_wide = [w for w in open_wide if w.chars & item.chars]
    return [*open_wide, item] if item.wide else open_wide


@functools.lru_cache(maxsize=512)
def _chars_of(atom: str) -> frozenset[str]:
    try:
        # IGNORECASE and DOTALL make the set a superset of any flag combination: conservative.
        compiled = re.compile(atom, re.IGNORECASE | re.DOTALL)
    except re.error:
        return _ANY
    return frozenset(ch for ch in _SAMPLE if compiled.fullmatch(ch))
