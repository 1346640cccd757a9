"""Tokens of the assertion language (see probes.assertions for the language itself)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final, Literal

MAX_NUMBER_CHARS = 32

Value = str | int | float | bool | None  # a literal


class AssertionSyntaxError(ValueError):
    """The assertion text is not valid; `column` (from 1) says where."""

    def __init__(self, reason: str, *, column: int) -> None:
        super().__init__(f"{reason} (at column {column})")
        self.reason = reason
        self.column = column


@dataclass(frozen=True, slots=True)
class Token:
    kind: Literal["name", "number", "string", "op", "punct", "end"]
    text: str
    pos: int
    value: Value = None


_TOKEN_RE = re.compile(
    r"(?P<number>-?[0-9][0-9a-zA-Z.+-]*)"  # loose here, checked by _NUMBER_RE
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*)"
    r"|(?P<op>==|!=|<=|>=|<|>)"
    r"|(?P<punct>[.\[\]])"
)
_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(?P<fraction>\.[0-9]+)?(?P<exponent>[eE][+-]?[0-9]+)?")
_ESCAPES: Final = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t"}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos] in " \t":
            pos += 1
            continue
        token = _read_string(text, pos) if text[pos] in "\"'" else _read_token(text, pos)
        tokens.append(token)
        pos += len(token.text)
    tokens.append(Token("end", "", len(text)))
    return tokens


def _read_token(text: str, pos: int) -> Token:
    match = _TOKEN_RE.match(text, pos)
    if match is None or match.lastgroup is None:
        raise AssertionSyntaxError(f"unexpected character {text[pos]!r}", column=pos + 1)
    text = match.group()
    if match.lastgroup == "number":
        return Token("number", text, pos, _number(text, pos))
    if match.lastgroup == "name":
        return Token("name", text, pos)
    return Token("op" if match.lastgroup == "op" else "punct", text, pos)


def _number(text: str, pos: int) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:
        raise AssertionSyntaxError("number too long", column=pos + 1)
    value = parse_number(text)
    if value is None:
        raise AssertionSyntaxError(f"malformed or out-of-range number {text!r}", column=pos + 1)
    return value


def parse_number(text: str) -> int | float | None:
    """A JSON-style number, or None. Callers bound the length: int() of huge text is slow."""
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        return None
    if match.group("fraction") is None and match.group("exponent") is None:
        return int(text)
    value = float(text)
    return value if math.isfinite(value) else None


def _read_string(text: str, start: int) -> Token:
    quote, pos = text[start], start + 1
    out: list[str] = []
    while pos < len(text):
        ch = text[pos]
        if ch == quote:
            return Token("string", text[start : pos + 1], start, "".join(out))
        if ch == "\\":
            decoded, pos = _read_escape(text, pos)
            out.append(decoded)
            continue
        out.append(ch)
        pos += 1
    raise AssertionSyntaxError("unterminated string", column=start + 1)


def _read_escape(text: str, pos: int) -> tuple[str, int]:
    following = text[pos + 1 : pos + 2]
    if following in _ESCAPES:
        return _ESCAPES[following], pos + 2
    if following == "u":
        digits = text[pos + 2 : pos + 6]
        if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
            raise AssertionSyntaxError("\\u needs four hex digits", column=pos + 1)
        return chr(int(digits, 16)), pos + 6
    return "\\", pos + 1  # kept as written: "\d" stays a regex class
