from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from probes.safe_regex import UnsafeRegexError, compile_safe_regex


@pytest.mark.parametrize(
    "pattern",
    [
        r"^2\d\d$",
        r"\d+\.\d+",
        r'"status":\s*"(ok|healthy)"',
        r"\s*(ok|fine)\s*",
        r"^application/(json|problem\+json)",
        r"(\d+)\.(\d+)",
        r"[^x]*x.*y",
        r"(?i)healthy",
        r"\bok\b",
        r"(ab)+c",
        r"^\w+@\w+\.com$",
        r"v\d+(\.\d+)?",
        r"\x41+\x42+",
    ],
)
def test_it_accepts_ordinary_health_check_patterns(pattern: str) -> None:
    compile_safe_regex(pattern)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a+)+", "nested repeats"),
        (r"(.*)*", "nested repeats"),
        (r"(\w+\s?)*", "nested repeats"),
        (r"(a|aa)*", "must not contain '|'"),
        (r".*.*x", "two long repeats"),
        (r".*x.*y", "two long repeats"),
        (r"\w+\w+", "two long repeats"),
        (r"\d+\w*", "two long repeats"),
        (r"a{1,100}a{1,100}", "two long repeats"),
        (r"(?=.*.*x)", "two long repeats"),
        (r"(a)\1", "back-references"),
        ("x" * 201, "longer than 200"),
        (r"(", "invalid regex"),
    ],
)
def test_it_refuses_patterns_that_could_backtrack_catastrophically(
    pattern: str, reason: str
) -> None:
    with pytest.raises(UnsafeRegexError, match=reason.replace("|", r"\|")):
        compile_safe_regex(pattern)


def test_the_worst_accepted_pattern_stays_well_under_a_second_on_ten_thousand_chars() -> None:
    pattern = compile_safe_regex(r"\w+x")  # one long repeat: quadratic at worst
    started = time.perf_counter()

    assert pattern.search("a" * 10_000) is None

    assert time.perf_counter() - started < 2.0  # measured ~0.2 s; a cubic one takes minutes


@given(st.text(max_size=60))
def test_random_patterns_are_compiled_or_refused_but_never_crash(pattern: str) -> None:
    with contextlib.suppress(UnsafeRegexError):
        compile_safe_regex(pattern)


@given(st.text(alphabet=r"ab.*+?|()[]{}^$\dws,0123-", max_size=30))
def test_regex_shaped_noise_is_compiled_or_refused_but_never_crashes(pattern: str) -> None:
    with contextlib.suppress(UnsafeRegexError):
        compile_safe_regex(pattern)
