"""Regular expressions for `matches`, run by RE2: time linear in the text, whatever the pattern.

Python's `re` backtracks, cannot be interrupted, and runs on the event loop, so one
pattern such as `(.*){2}x` could stall every probe in the process for seconds. RE2
(the `google-re2` wheel) never backtracks; in exchange it has no back-references and
no look-arounds, and a pattern that uses them is refused with a reason.

RE2's cost is linear in the text *times the size of the compiled program*, and counted
repeats make programs large (`(?:\\d{0,100}){10}` is 2,000 instructions), so the program
is bounded too (MAX_PROGRAM_SIZE says how the bound was chosen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

import re2  # google-re2 ships no type information: this module is its typed face

__all__ = [
    "MAX_CHECK_PROGRAM_SIZE",
    "MAX_PATTERN_CHARS",
    "MAX_PROGRAM_SIZE",
    "Regex",
    "RegexError",
    "compile_regex",
    "refuse_too_large_together",
]

MAX_PATTERN_CHARS: Final = 200
# RE2 instructions. Measured by bench/regex.py on 10,000 characters of hostile text: the
# slowest accepted pattern (about 2,400 instructions) takes 30-60 ms, and past about
# 3,000 RE2's DFA outgrows its memory and 200 ms is reached. For scale: `^[0-9a-f]{40}$`
# is 82, `\pL+` 1,201 (Unicode classes are large), `.{0,255}x` 2,300.
MAX_PROGRAM_SIZE: Final = 2_500
# All `matches` of one check together: every probe of it runs each of them, so without
# this bound a check of twenty worst-case patterns would hold the event loop about a
# second per probe. Two of the slowest accepted patterns fit (60-120 ms in all).
MAX_CHECK_PROGRAM_SIZE: Final = 5_000


_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class RegexError(ValueError):
    """The pattern is too long, too large once compiled, or not something RE2 can run."""


@dataclass(frozen=True, slots=True)
class Regex:
    pattern: str
    # An re2 regexp (untyped). Two Regex with the same pattern are equal, so a reloaded
    # check whose assertions did not change compares equal to the running one.
    _compiled: Any = field(compare=False, repr=False)

    @property
    def program_size(self) -> int:
        """RE2 instructions: the factor, besides the text's length, in what a match costs."""
        return int(self._compiled.programsize)

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in `text`."""
        # Bytes, not str: re2 would then map every offset back to characters, which
        # `search` does not need. "surrogatepass": a JSON string may hold a lone
        # surrogate ("\ud800"), which strict UTF-8 refuses; RE2 reads it as one character.
        encoded = text.encode("utf-8", "surrogatepass")
        return self._compiled.search(encoded) is not None


def compile_regex(pattern: str) -> Regex:
    """Compile `pattern` with RE2, or raise RegexError saying why it is refused."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RegexError(f"regex longer than {MAX_PATTERN_CHARS} characters")
    if _LONE_SURROGATE.search(pattern):  # re2 would raise UnicodeEncodeError on it
        raise RegexError(r"regex contains a lone surrogate (\ud800-\udfff), not a character")
    try:
        compiled = re2.compile(pattern, _options())
    except re2.error as exc:
        raise RegexError(_explain(_detail(exc))) from None
    regex = Regex(pattern, compiled)
    if regex.program_size > MAX_PROGRAM_SIZE:
        raise RegexError(
            f"regex too large: it compiles to {regex.program_size} instructions, at most "
            f"{MAX_PROGRAM_SIZE} (use smaller counted repeats such as {{0,20}})"
        )
    return regex


def refuse_too_large_together(regexes: list[Regex]) -> None:
    """Raise RegexError if the patterns of one check compile to more than
    MAX_CHECK_PROGRAM_SIZE instructions together."""
    total = sum(r.program_size for r in regexes)
    if total > MAX_CHECK_PROGRAM_SIZE:
        raise RegexError(
            f"the `matches` patterns of one check compile to {total} RE2 instructions "
            f"together, at most {MAX_CHECK_PROGRAM_SIZE}: each probe runs them all"
        )


def _options() -> Any:
    # Made per call (a few attribute sets; re2 caches compiled patterns by their values).
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    options.never_capture = True  # `search` answers yes or no: groups are never read
    return options


def _detail(exc: Exception) -> str:
    detail = exc.args[0]  # RE2's message; google-re2 hands it over as bytes
    return detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)


# What RE2's terse messages mean for someone who wrote a Python or PCRE regex.
_HINTS: Final = (
    (re.compile(r"operator: \(\?<?[=!]"), "look-ahead and look-behind are not supported"),
    (re.compile(r"operator: \(\?P"), "named back-references (?P=name) are not supported"),
    (re.compile(r"escape sequence: \\[1-9]"), r"back-references such as \1 are not supported"),
    (re.compile(r"escape sequence: \\Z"), r"\Z is not supported: use \z for the end of the text"),
    (
        re.compile(r"repetition operator: [*+?]\+"),
        "possessive repeats such as a++ are not supported",
    ),
)


def _explain(detail: str) -> str:
    for shape, hint in _HINTS:
        if shape.search(detail):
            return f"{hint} (RE2 syntax: {detail})"
    return f"invalid regex for RE2: {detail}"
