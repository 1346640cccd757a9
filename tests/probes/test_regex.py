"""`matches` regexes run on RE2: hostile patterns finish on long text, PCRE-only ones are refused.

Python's `re` would take minutes to hours on several of these (the issue measured 16 s for
`(.*){2}x` on 2,000 characters); here each runs on 100,000 characters. No test times
them: a backtracking engine would simply not finish.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from probes.regex import MAX_PATTERN_CHARS, MAX_PROGRAM_SIZE, RegexError, compile_regex

LONG = 100_000


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r"\d{0,16}\d{0,16}\d{0,16}\d{0,16}x", "1" * LONG, False),
        (r"\d{0,16}\d{0,16}\d{0,16}\d{0,16}x", "1" * LONG + "x", True),
        (r"(.*){2}x", "a" * LONG, False),
        (r"(.*)x.*y", "x" * LONG, False),
        (r"(.*)x.*y", "x" * LONG + "y", True),
        (r"(?:.*|a).*x", "a" * LONG, False),
        (r"(a{1,2})+$", "a" * LONG + "!", False),
        (r"(a{1,2})+$", "a" * LONG, True),
        (r"\d*x?\d*y", "1" * LONG, False),
        (r"(a+)+b", "a" * LONG, False),
        (r"(a|aa)*c", "a" * LONG, False),
        (r".*.*.*=", "x=" + "a" * LONG, True),
    ],
)
def test_patterns_that_backtrack_catastrophically_finish_on_long_text(
    pattern: str, text: str, found: bool
) -> None:
    assert compile_regex(pattern).search(text) is found


@pytest.mark.parametrize(
    "pattern",
    [
        r"^2\d\d$",
        r'"status":\s*"(ok|healthy)"',
        r"^application/(json|problem\+json)",
        r"(?i)healthy",
        r"\bok\b",
        r"^\w+@\w+\.com$",
        r"v\d+(\.\d+)?",
        r"\x41+\x42+",
        r"(?P<major>\d+)\.(?P<minor>\d+)",
        r"\pL+",
    ],
)
def test_it_accepts_ordinary_health_check_patterns(pattern: str) -> None:
    assert compile_regex(pattern).pattern == pattern


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", r"back-references such as \1 are not supported"),
        (r"(?P<n>a)(?P=n)", "named back-references (?P=name) are not supported"),
        (r"v(?=2)", "look-ahead and look-behind are not supported"),
        (r"v(?!2)", "look-ahead and look-behind are not supported"),
        (r"(?<=v)2", "look-ahead and look-behind are not supported"),
        (r"(?<!v)2", "look-ahead and look-behind are not supported"),
        (r"a++", "possessive repeats such as a++ are not supported"),
        (r"ok\Z", r"\Z is not supported: use \z for the end of the text"),
        (r"(", "invalid regex for RE2: missing ): ("),
        (r"a{1001}", "invalid regex for RE2: invalid repetition size"),
        ("x" * (MAX_PATTERN_CHARS + 1), f"regex longer than {MAX_PATTERN_CHARS} characters"),
        ("caf\ud800", r"regex contains a lone surrogate (\ud800-\udfff), not a character"),
        (r"(?:[a-z0-9]{0,50}){20}x", "regex too large: it compiles to 3005 instructions"),
    ],
)
def test_it_refuses_what_re2_cannot_run_and_says_why(pattern: str, reason: str) -> None:
    with pytest.raises(RegexError) as caught:
        compile_regex(pattern)

    assert str(caught.value).startswith(reason)


def test_a_pattern_at_each_limit_is_accepted() -> None:
    assert compile_regex("x" * MAX_PATTERN_CHARS).search("x" * MAX_PATTERN_CHARS)
    # `a{n}b{n}c{500}` compiles to 2n + 504 instructions (RE2 2025): one n hits the limit.
    accepted = []
    for n in range(990, 1001):
        with contextlib.suppress(RegexError):
            accepted.append(compile_regex(f"a{{{n}}}b{{{n}}}c{{500}}").program_size)
    assert max(accepted) == MAX_PROGRAM_SIZE


def test_a_refused_pattern_prints_nothing_on_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RegexError):
        compile_regex(r"(a)\1")

    assert capfd.readouterr().err == ""


def test_it_matches_characters_not_bytes() -> None:
    assert compile_regex(r"^caf.$").search("café")
    assert compile_regex(r"^\pL+$").search("中文字符")


def test_a_lone_surrogate_from_a_json_string_is_one_character_and_does_not_raise() -> None:
    # json.loads('"\\ud800"') gives one; re2's own str handling would raise on it.
    assert compile_regex("ok$").search("\ud800 ok")
    assert compile_regex("^.$").search("\ud800")


def test_two_compilations_of_one_pattern_are_equal() -> None:
    # A reloaded config keeps a component's job when its check compares equal.
    assert compile_regex("^ok") == compile_regex("^ok")
    assert compile_regex("^ok") != compile_regex("^OK")


@given(st.text(max_size=60))
def test_random_patterns_are_compiled_or_refused_but_never_crash(pattern: str) -> None:
    with contextlib.suppress(RegexError):
        compile_regex(pattern).search(pattern)


@given(st.text(alphabet=r"ab.*+?|()[]{}^$\dws,0123-=!<P", max_size=30))
def test_regex_shaped_noise_is_compiled_or_refused_but_never_crashes(pattern: str) -> None:
    with contextlib.suppress(RegexError):
        compile_regex(pattern).search("ab01" * 50)
