"""How a metric's figures are written and drawn: a value is never rounded onto or
across its target, a target reads as configured, and the newest point always shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from statuspage.presentation.metric_chart import (
    ChartLine,
    format_target,
    format_value,
    metric_chart,
)

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "target", "shown"),
    [
        (99.985, 99.99, "99.98%"),  # three figures would say 100 %, above the target
        (99.995, 99.99, "100%"),  # rounding keeps it above: three figures do
        (99.99, 99.99, "99.99%"),  # on the target: it reads as the target
        (0.05, 0.1, "0.05%"),
        (999.6, 1000.0, "999.6%"),  # not "1,000": that is the target itself
        (1000.4, 1000.0, "1,000.4%"),
        (856.0, 1000.0, "856%"),
    ],
)
def test_a_value_beside_its_target_stays_on_its_own_side(
    value: float, target: float, shown: str
) -> None:
    assert format_value(value, "%", beside=target) == shown


def test_without_a_target_a_value_has_three_significant_figures() -> None:
    assert format_value(99.985, "%") == "100%"
    assert format_value(12.345, "ms") == "12.3 ms"
    assert format_value(1234.5, "/h") == "1,234/h"


@pytest.mark.parametrize(
    ("target", "unit", "shown"),
    [(99.99, "%", "99.99%"), (1000.0, "ms", "1,000 ms"), (0.01, "%", "0.01%"), (90, "%", "90%")],
)
def test_a_target_reads_as_configured(target: float, unit: str, shown: str) -> None:
    assert format_target(target, unit) == shown


def line(points: list[tuple[datetime, float]], unit: str = "ms") -> ChartLine:
    return ChartLine(
        key="p95",
        title="p95",
        unit=unit,
        points=points,
        target=1000.0,
        since=NOW - timedelta(hours=6),
        until=NOW,
    )


def test_a_lone_point_is_drawn_as_a_dot_at_the_right_edge() -> None:
    svg = str(metric_chart(line([(NOW, 500.0)])))
    assert '<circle class="latest" cx="314.0"' in svg


def test_the_dot_marks_the_newest_point_not_the_first() -> None:
    svg = str(metric_chart(line([(NOW - timedelta(hours=3), 900.0), (NOW, 100.0)])))
    assert svg.count("<circle") == 1
    assert 'cx="314.0"' in svg.split("<circle")[1]


def test_no_point_no_dot() -> None:
    assert "<circle" not in str(metric_chart(line([])))


def test_a_unit_too_long_for_the_axis_is_left_off_its_ticks() -> None:
    svg = str(metric_chart(line([(NOW, 7.0)], unit="connections")))
    assert "connections" not in svg.split("<desc")[0] + svg.split("</desc>")[1]
    assert "ms</text>" in str(metric_chart(line([(NOW, 7.0)])))


def test_at_most_six_decimals_are_added_beside_a_target() -> None:
    assert format_value(1.0000001, "", beside=1.0) == "1.000000"


@pytest.mark.parametrize(
    ("unit", "value", "target"),
    [("", "5", "90"), ("%", "5%", "90%"), ("/min", "5/min", "90/min"), ("ms", "5 ms", "90 ms")],
)
def test_a_unit_is_joined_without_a_space_only_when_it_reads_so(
    unit: str, value: str, target: str
) -> None:
    assert format_value(5.0, unit) == value
    assert format_target(90.0, unit) == target


def ticks(svg: str) -> list[str]:
    return [part.split("</text>")[0] for part in svg.split('text-anchor="end">')[1:]]


def test_a_unit_of_four_characters_stays_on_the_ticks_and_five_do_not() -> None:
    assert ticks(str(metric_chart(line([(NOW, 7.0)], unit="/min")))) == ["1,000/min", "0/min"]
    assert ticks(str(metric_chart(line([(NOW, 7.0)], unit="calls")))) == ["1,000", "0"]
