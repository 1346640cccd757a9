from __future__ import annotations

import pytest

from probes.metrics.selectors import Matcher, Selector, SelectorError, parse_selector


def test_a_bare_name_selects_every_series_of_that_name() -> None:
    selector = parse_selector("http_requests_total")
    assert selector == Selector("http_requests_total")
    assert selector.matches("http_requests_total", {"status": "500"})
    assert not selector.matches("http_requests_created", {})


def test_matchers_are_read_with_their_operators() -> None:
    selector = parse_selector('x{a="1", b!="2",c=~"3.*" , d!~"4|5"}')
    assert [(m.label, m.op, m.value) for m in selector.matchers] == [
        ("a", "=", "1"),
        ("b", "!=", "2"),
        ("c", "=~", "3.*"),
        ("d", "!~", "4|5"),
    ]


def test_an_empty_brace_pair_selects_by_name_only() -> None:
    assert parse_selector("x{ }") == Selector("x")


def test_quoted_values_keep_escaped_quotes_backslashes_and_newlines() -> None:
    (matcher,) = parse_selector(r'x{path="a\"b\\c\nd"}').matchers
    assert matcher.value == 'a"b\\c\nd'


def test_regular_expressions_are_anchored_at_both_ends() -> None:
    selector = parse_selector('x{status=~"5.."}')
    assert selector.matches("x", {"status": "503"})
    assert not selector.matches("x", {"status": "5030"})
    assert not selector.matches("x", {"status": "1503"})


def test_a_negative_regex_excludes_what_the_pattern_matches() -> None:
    selector = parse_selector('x{route!~"/health|/metrics"}')
    assert selector.matches("x", {"route": "/api"})
    assert not selector.matches("x", {"route": "/metrics"})


def test_a_missing_label_reads_as_empty() -> None:
    assert parse_selector('x{a=""}').matches("x", {})
    assert not parse_selector('x{a="1"}').matches("x", {})
    assert parse_selector('x{a!="1"}').matches("x", {})
    assert parse_selector('x{a!~"1"}').matches("x", {})
    assert not parse_selector('x{a=~"1"}').matches("x", {})


def test_every_matcher_must_hold() -> None:
    selector = parse_selector('x{a="1", b="2"}')
    assert selector.matches("x", {"a": "1", "b": "2"})
    assert not selector.matches("x", {"a": "1", "b": "3"})


def test_an_equality_matcher_compares_exactly() -> None:
    assert Matcher("a", "=", "1").matches({"a": "1"})
    assert not Matcher("a", "=", "1").matches({"a": "10"})
    assert Matcher("a", "!=", "1").matches({"a": "10"})
    assert not Matcher("a", "!=", "1").matches({"a": "1"})


def test_an_unknown_escape_keeps_the_character() -> None:
    (matcher,) = parse_selector(r'x{a="\q\."}').matchers
    assert matcher.value == "q."


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{a="b"}', "expected a metric name"),
        ("9x", "expected a metric name"),
        ("x{a}", 'expected label="value"'),
        ('x{a="b"', "after the name"),
        ('x{a="b"} y', "after the name"),
        ("x{a=b}", "double-quoted value"),
        ('x{a="b" c="d"}', "expected a comma"),
        ('x{a=~"("}', "invalid regex"),
        ("x" * 1001, "longer than 1000"),
    ],
)
def test_a_malformed_selector_is_refused_with_the_reason(text: str, says: str) -> None:
    with pytest.raises(SelectorError, match=says):
        parse_selector(text)


def test_a_selector_of_exactly_the_limit_is_read() -> None:
    assert parse_selector("x" * 1000).name == "x" * 1000


def test_spaces_around_the_selector_and_inside_braces_are_allowed() -> None:
    selector = parse_selector('  x { a = "1" , }  ')
    assert selector == Selector("x", (Matcher("a", "=", "1"),))
