"""Series selectors as Prometheus writes them: `name{label="v", label=~"re"}`.

Only the selector is taken, not PromQL: a metric name and label matchers with the
four operators `=`, `!=`, `=~`, `!~`. Regular expressions are RE2 and fully anchored,
as Prometheus's are, so a selector copied from a Prometheus query selects the same
series here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from probes.regex import Regex, RegexError, compile_regex

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r"\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}
MAX_SELECTOR_CHARS = 1000


class SelectorError(ValueError):
    """The selector cannot be read; the message says where and what."""


@dataclass(frozen=True, slots=True)
class Matcher:
    label: str
    op: str  # = != =~ !~
    value: str
    regex: Regex | None = None  # for =~ and !~: the value, anchored at both ends

    def matches(self, labels: Mapping[str, str]) -> bool:
        # A label a series lacks reads as "", as in Prometheus.
        given = labels.get(self.label, "")
        if self.op == "=":
            return given == self.value
        if self.op == "!=":
            return given != self.value
        found = self.regex is not None and self.regex.search(given)
        return found if self.op == "=~" else not found


@dataclass(frozen=True, slots=True)
class Selector:
    name: str
    matchers: tuple[Matcher, ...] = ()

    def matches(self, name: str, labels: Mapping[str, str]) -> bool:
        return name == self.name and all(m.matches(labels) for m in self.matchers)


def parse_selector(text: str) -> Selector:
    """`http_requests_total{status=~"5.."}` -> Selector; SelectorError says what is wrong."""
    if len(text) > MAX_SELECTOR_CHARS:
        raise SelectorError(f"longer than {MAX_SELECTOR_CHARS} characters")
    stripped = text.strip()
    name = _NAME.match(stripped)
    if name is None:
        raise SelectorError(f"expected a metric name at the start of {text!r}")
    rest = stripped[name.end() :].strip()
    if not rest:
        return Selector(name.group())
    if not (rest.startswith("{") and rest.endswith("}")):
        raise SelectorError(f'expected {{label="value", ...}} after the name, got {rest!r}')
    return Selector(name.group(), _matchers(rest[1:-1]))


def _matchers(body: str) -> tuple[Matcher, ...]:
    matchers: list[Matcher] = []
    position = 0
    while body[position:].strip():
        matcher, position = _one_matcher(body, position)
        matchers.append(matcher)
        comma = re.compile(r"\s*(,|$)").match(body, position)
        if comma is None:
            raise SelectorError(f"expected a comma between matchers at {body[position:]!r}")
        position = comma.end()
    return tuple(matchers)


def _one_matcher(body: str, position: int) -> tuple[Matcher, int]:
    label = _LABEL.match(body, position)
    if label is None:
        raise SelectorError(f'expected label="value" at {body[position:]!r}')
    quoted = _QUOTED.match(body, label.end())
    if quoted is None:
        raise SelectorError(f"expected a double-quoted value after {label.group().strip()!r}")
    value = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), quoted.group(1))
    op = label.group(2)
    regex = _anchored(value) if op in ("=~", "!~") else None
    return Matcher(label.group(1), op, value, regex), quoted.end()


def _anchored(pattern: str) -> Regex:
    try:
        return compile_regex(rf"\A(?:{pattern})\z")
    except RegexError as exc:
        raise SelectorError(f"{pattern!r}: {exc}") from None
