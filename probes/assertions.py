"""A small, safe language for checking a health response, parsed once and never eval'd.

One assertion is `<value> <operator> <literal>`:

    status == 200
    latency_ms < 250
    headers.content-type contains "json"          (header names are case-insensitive)
    headers["X-Version"] matches "^1\\."
    body contains "healthy"                       (the body as text)
    body.database.status == "connected"           (a path into the JSON body)
    body.items[0].name != null
    body["weird key"] >= 1.5

Operators: == != < <= > >= contains matches. Literals: strings in single or double
quotes, integers, floats, true, false, null. In strings, \\" \\' \\\\ \\n \\r \\t and \\uXXXX
are escapes; any other backslash is kept as written, so regexes read naturally
(`matches "^\\d+\\.\\d+"`). `matches` takes an RE2 regex (`probes.regex`: linear time, no
back-references or look-arounds) and looks at the first 10,000 characters of the value.

Evaluation never raises: a missing value fails with got="missing", and comparing values
of different kinds (a string with a number) fails with a reason. A header compared with
a number is read as a number when it looks like one (`headers.content-length < 5000`).
"""

from __future__ import annotations

import enum
import json
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from probes.assertion_tokens import (
    MAX_NUMBER_CHARS,
    AssertionSyntaxError,
    Token,
    Value,
    parse_number,
    tokenize,
)
from probes.regex import Regex, RegexError, compile_regex

__all__ = [
    "MISSING",
    "Assertion",
    "AssertionContext",
    "AssertionOutcome",
    "AssertionSyntaxError",
    "Operator",
    "ValuePath",
    "parse_assertion",
]

MAX_ASSERTION_CHARS = 500
MAX_PATH_SEGMENTS = 32
MATCH_WINDOW_CHARS = 10_000
_MAX_GOT_CHARS = 80

Root = Literal["status", "latency_ms", "headers", "body"]
_ROOTS: Final[Mapping[str, Root]] = {
    "status": "status",
    "latency_ms": "latency_ms",
    "headers": "headers",
    "body": "body",
}


class _Missing(enum.Enum):
    MISSING = "missing"


MISSING: Final = _Missing.MISSING  # a value that is not there (or a body that is not JSON)


class Operator(enum.StrEnum):
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    CONTAINS = "contains"
    MATCHES = "matches"


# Any: these are only called with two numbers or two strings (see _apply).
_ORDERING: Final[Mapping[Operator, Callable[[Any, Any], bool]]] = {
    Operator.LT: operator.lt,
    Operator.LE: operator.le,
    Operator.GT: operator.gt,
    Operator.GE: operator.ge,
}


@dataclass(frozen=True, slots=True)
class AssertionContext:
    """What one response offers to assertions."""

    status: int
    latency_ms: float
    headers: Mapping[str, str]
    body_text: str = ""
    body_json: object = MISSING  # the parsed JSON body; MISSING when absent or invalid


@dataclass(frozen=True, slots=True)
class AssertionOutcome:
    ok: bool
    got: str  # the actual value in this language's literal syntax, or "missing"
    reason: str | None = None  # why the comparison could not be made, when it could not


@dataclass(frozen=True, slots=True)
class ValuePath:
    root: Root
    segments: tuple[str | int, ...] = ()


@dataclass(frozen=True, slots=True)
class Assertion:
    text: str
    path: ValuePath
    op: Operator
    expected: Value
    pattern: Regex | None = None  # compiled once, for `matches`

    @property
    def needs_json(self) -> bool:
        return self.path.root == "body" and bool(self.path.segments)

    def evaluate(self, ctx: AssertionContext) -> AssertionOutcome:
        actual = _resolve(self.path, ctx)
        if actual is MISSING:
            return AssertionOutcome(ok=False, got="missing")
        if self.path.root == "headers" and _is_number(self.expected) and isinstance(actual, str):
            actual = _as_number(actual)
        ok, reason = _apply(self.op, actual, self.expected, self.pattern)
        return AssertionOutcome(ok=ok, got=_render(actual), reason=reason)


def parse_assertion(text: str) -> Assertion:
    """Parse one assertion, or raise AssertionSyntaxError saying where and what was expected."""
    if len(text) > MAX_ASSERTION_CHARS:
        raise AssertionSyntaxError(
            f"assertion longer than {MAX_ASSERTION_CHARS} characters",
            column=MAX_ASSERTION_CHARS + 1,
        )
    for index, ch in enumerate(text):
        if (ch < " " and ch != "\t") or ch == "\x7f":
            raise AssertionSyntaxError(f"control character {ch!r} not allowed", column=index + 1)
    return _Parser(text).assertion()


# --- grammar --------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def peek(self) -> Token:
        return self.tokens[self.index]

    def assertion(self) -> Assertion:
        path = self.path()
        op = self.operator()
        literal_token = self.peek()
        expected = self.literal()
        end = self.take()
        if end.kind != "end":
            raise _expected("the end of the assertion", end)
        _check_kinds(path, op, expected, literal_token)
        pattern = _compile(expected, literal_token) if op is Operator.MATCHES else None
        return Assertion(self.text.strip(), path, op, expected, pattern)

    def path(self) -> ValuePath:
        root = self.take()
        root_name = _ROOTS.get(root.text) if root.kind == "name" else None
        if root_name is None:
            raise _expected("status, latency_ms, headers.<name> or body", root)
        segments: list[str | int] = []
        while self.peek().text in (".", "[") and self.peek().kind == "punct":
            segments.append(self.segment())
            if len(segments) > MAX_PATH_SEGMENTS:
                raise AssertionSyntaxError(
                    f"path deeper than {MAX_PATH_SEGMENTS}", column=self.peek().pos + 1
                )
        return _checked_path(root_name, tuple(segments), column=root.pos + 1)

    def segment(self) -> str | int:
        opener = self.take()
        key = self.take()
        if opener.text == ".":
            if key.kind != "name":
                raise _expected("a name after '.'", key)
            return key.text
        valid_index = key.kind == "number" and isinstance(key.value, int) and key.value >= 0
        if key.kind != "string" and not valid_index:
            raise _expected("a quoted key or an index after '['", key)
        closer = self.take()
        if closer.text != "]":
            raise _expected("']'", closer)
        assert isinstance(key.value, str | int)
        return key.value

    def operator(self) -> Operator:
        token = self.take()
        if token.kind == "op" or token.text in ("contains", "matches"):
            return Operator(token.text)
        raise _expected("an operator (==, !=, <, <=, >, >=, contains or matches)", token)

    def literal(self) -> Value:
        token = self.take()
        if token.kind in ("string", "number"):
            return token.value
        constants: dict[str, Value] = {"true": True, "false": False, "null": None}
        if token.kind == "name" and token.text in constants:
            return constants[token.text]
        raise _expected("a value (a quoted string, a number, true, false or null)", token)


def _expected(what: str, found: Token) -> AssertionSyntaxError:
    shown = "the end of the text" if found.kind == "end" else repr(found.text[:20])
    return AssertionSyntaxError(f"expected {what}, found {shown}", column=found.pos + 1)


def _checked_path(name: Root, segments: tuple[str | int, ...], *, column: int) -> ValuePath:
    if name in ("status", "latency_ms") and segments:
        raise AssertionSyntaxError(f"{name} has no fields", column=column)
    if name == "headers" and (len(segments) != 1 or not isinstance(segments[0], str)):
        raise AssertionSyntaxError(
            'headers needs one header name, e.g. headers.content-type or headers["ETag"]',
            column=column,
        )
    return ValuePath(name, segments)


def _check_kinds(path: ValuePath, op: Operator, expected: Value, at: Token) -> None:
    """Refuse at parse time what could never pass, so a typo fails loudly at start-up."""
    column = at.pos + 1
    if op is Operator.MATCHES and not isinstance(expected, str):
        raise AssertionSyntaxError("matches needs a quoted regex", column=column)
    if op in _ORDERING and (expected is None or isinstance(expected, bool)):
        raise AssertionSyntaxError(f"{op} needs a number or a string", column=column)
    if path.root in ("status", "latency_ms") and not _is_number(expected):
        raise AssertionSyntaxError(f"{path.root} is a number: compare it with one", column=column)
    if path.root in ("status", "latency_ms") and op in (Operator.CONTAINS, Operator.MATCHES):
        raise AssertionSyntaxError(f"{path.root} is a number: use == < > etc.", column=column)


def _compile(expected: Value, at: Token) -> Regex:
    assert isinstance(expected, str)  # _check_kinds ran first
    try:
        return compile_regex(expected)
    except RegexError as exc:
        raise AssertionSyntaxError(str(exc), column=at.pos + 1) from exc


# --- evaluation -----------------------------------------------------------------------


def _resolve(path: ValuePath, ctx: AssertionContext) -> object:
    if path.root == "status":
        return ctx.status
    if path.root == "latency_ms":
        return ctx.latency_ms
    if path.root == "headers":
        wanted = str(path.segments[0]).lower()
        return next((v for k, v in ctx.headers.items() if k.lower() == wanted), MISSING)
    if not path.segments:
        return ctx.body_text
    return _walk(ctx.body_json, path.segments)


def _walk(value: object, segments: tuple[str | int, ...]) -> object:
    for segment in segments:
        value = _child(value, segment)
        if value is MISSING:
            break
    return value


def _child(value: object, segment: str | int) -> object:
    if isinstance(segment, int):
        if isinstance(value, list) and segment < len(value):
            return value[segment]
        return MISSING
    return value.get(segment, MISSING) if isinstance(value, dict) else MISSING


def _apply(
    op: Operator, actual: object, expected: Value, pattern: Regex | None
) -> tuple[bool, str | None]:
    if op is Operator.EQ:
        return _equal(actual, expected), None
    if op is Operator.NE:
        return not _equal(actual, expected), None
    if op in _ORDERING:
        if (_is_number(actual) and _is_number(expected)) or (
            isinstance(actual, str) and isinstance(expected, str)
        ):
            return _ORDERING[op](actual, expected), None
        return False, f"cannot compare {_kind(actual)} with {_kind(expected)}"
    if op is Operator.CONTAINS:
        return _contains(actual, expected)
    assert pattern is not None  # parse_assertion compiles it for every `matches`
    if not isinstance(actual, str):
        return False, f"matches needs a string, got {_kind(actual)}"
    return pattern.search(actual[:MATCH_WINDOW_CHARS]), None


def _contains(actual: object, expected: Value) -> tuple[bool, str | None]:
    if isinstance(actual, str) and isinstance(expected, str):
        return expected in actual, None
    if isinstance(actual, list):
        return any(_equal(item, expected) for item in actual), None
    if isinstance(actual, dict) and isinstance(expected, str):
        return expected in actual, None
    return False, f"cannot look for {_kind(expected)} in {_kind(actual)}"


def _equal(actual: object, expected: Value) -> bool:
    if _is_number(actual) and _is_number(expected):
        return actual == expected
    # type() rather than isinstance(): true must not equal 1, as in JSON.
    return type(actual) is type(expected) and actual == expected


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_number(text: str) -> object:
    stripped = text.strip()
    number = parse_number(stripped) if len(stripped) <= MAX_NUMBER_CHARS else None
    return text if number is None else number


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if _is_number(value):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _render(value: object) -> str:
    if isinstance(value, str):
        value = value[:_MAX_GOT_CHARS]  # before dumping: the body may be a megabyte
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        return "(unprintable)"
    return text if len(text) <= _MAX_GOT_CHARS else text[: _MAX_GOT_CHARS - 1] + "…"
