from __future__ import annotations

import math

import pytest

from probes.metrics.exposition import ExpositionError, Sample, parse_exposition

TEXT = """# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{route="/api",status="200"} 10
http_requests_total{status="500",route="/api"} 2
# TYPE cpu gauge
cpu 0.5
"""


def test_samples_are_read_with_sorted_labels() -> None:
    assert parse_exposition(TEXT) == (
        Sample("http_requests_total", (("route", "/api"), ("status", "200")), 10.0),
        Sample("http_requests_total", (("route", "/api"), ("status", "500")), 2.0),
        Sample("cpu", (), 0.5),
    )


def test_nan_and_infinite_values_are_read_as_given() -> None:
    # Refused later, by the operation that would use them, naming the series.
    nan, inf = parse_exposition("a NaN\nb +Inf\n")
    assert math.isnan(nan.value)
    assert inf.value == math.inf


@pytest.mark.parametrize(
    "text",
    ["cpu zero\n", 'cpu{a="1" 1\n', "cpu\n", "cpu{a=1} 1\n", "# TYPE x wibble\nx 1\n"],
)
def test_a_malformed_exposition_is_refused_as_a_whole(text: str) -> None:
    with pytest.raises(ExpositionError, match="malformed exposition"):
        parse_exposition("ok 1\n" + text)


def test_a_malformed_exposition_says_what_the_parser_found() -> None:
    with pytest.raises(ExpositionError, match=r"^malformed exposition: Invalid labels: a=1$"):
        parse_exposition("cpu{a=1} 1\n")


def test_a_malformed_line_is_quoted_only_in_part() -> None:
    with pytest.raises(ExpositionError) as caught:
        parse_exposition("cpu " + "x" * 10_000 + "\n")
    assert len(str(caught.value)) <= len("malformed exposition: ") + 200


def test_too_many_series_are_refused() -> None:
    text = "".join(f'x{{i="{i}"}} 1\n' for i in range(50_001))
    with pytest.raises(ExpositionError, match="more than 50000 series"):
        parse_exposition(text)


def test_exactly_the_series_limit_is_read() -> None:
    text = "".join(f'x{{i="{i}"}} 1\n' for i in range(50_000))
    assert len(parse_exposition(text)) == 50_000


def test_a_series_with_too_many_labels_is_refused() -> None:
    labels = ",".join(f'l{i}="v"' for i in range(31))
    with pytest.raises(ExpositionError, match="has 31 labels, at most 30"):
        parse_exposition(f"x{{{labels}}} 1\n")


def test_a_series_with_exactly_the_label_limit_is_read() -> None:
    labels = ",".join(f'l{i}="v"' for i in range(30))
    assert len(parse_exposition(f"x{{{labels}}} 1\n")[0].labels) == 30


def test_a_huge_label_value_is_refused() -> None:
    with pytest.raises(ExpositionError, match="label a is longer than 1000"):
        parse_exposition(f'x{{a="{"v" * 1000}"}} 1\n')


def test_a_label_of_exactly_the_length_limit_is_read() -> None:
    assert parse_exposition(f'x{{a="{"v" * 999}"}} 1\n')[0].label_map["a"] == "v" * 999
