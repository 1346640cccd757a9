"""Server-side SVG: the day bar and the latency chart are pure, labelled and escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bs4 import BeautifulSoup

from statuspage.presentation.days import DayCell, day_cell
from statuspage.web.svg import (
    ChartFrame,
    day_bar,
    day_ticks,
    hour_ticks,
    latency_chart,
    nice_ceiling,
)
from storage.figures.timebuckets import HOUR
from storage.figures.windows import DayFigure, Figures
from storage.queries.series import SeriesPoint
from tests.web.factories import BERLIN
from tests.web.pages import attr, text_of

START = datetime(2026, 11, 25, 10, tzinfo=UTC)


def cells(count: int) -> list[DayCell]:
    first = date(2026, 9, 1)
    return [day_cell(DayFigure(first + timedelta(days=i), Figures(up=i % 3))) for i in range(count)]


def parse(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def test_the_day_bar_has_one_labelled_rect_per_day_oldest_first() -> None:
    svg = parse(day_bar(cells(90), label="API")).svg
    assert svg is not None
    rects = svg.find_all("rect")
    assert len(rects) == 90
    assert attr(rects[0], "aria-label") == text_of(rects[0].title)
    assert attr(rects[0], "aria-label").startswith("Tue 1 Sep 2026: no data")
    assert [r["class"] for r in rects[:3]] == [["lvl-none"], ["lvl-good"], ["lvl-good"]]


def test_the_day_bar_is_a_group_named_by_its_label_which_is_escaped() -> None:
    group = parse(day_bar(cells(2), label='<b>"x"</b>')).find("div")
    assert group is not None
    assert (group["role"], group["aria-label"]) == ("group", '<b>"x"</b>')
    assert group.find("b") is None
    svg = group.find("svg")
    assert svg is not None
    assert not svg.has_attr("role")  # HTML allows only role="img" on <svg>


def point(hours: int, p50: float | None = 80.0, p95: float | None = 120.0) -> SeriesPoint:
    return SeriesPoint(START + hours * HOUR, 10 if p50 else 0, p50, p95)


def frame(sla_ms: float = 200.0) -> ChartFrame:
    return ChartFrame(
        title="API latency",
        start=START,
        end=START + 24 * HOUR,
        step=HOUR,
        ticks=hour_ticks(START, START + 24 * HOUR, BERLIN, every_hours=6),
        x_title="Time (Europe/Berlin)",
        sla_ms=sla_ms,
        id_prefix="c",
    )


def test_the_chart_is_an_image_named_and_described() -> None:
    svg = parse(latency_chart([point(0), point(1)], frame())).svg
    assert svg is not None
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "c-title c-desc"
    assert svg.title is not None
    assert svg.title.string == "API latency"
    description = svg.find("desc")
    assert description is not None
    assert "SLA 200 ms" in description.text


def test_missing_buckets_break_the_lines_instead_of_bridging_them() -> None:
    svg = parse(latency_chart([point(0), point(1), point(5), point(6)], frame())).svg
    assert svg is not None
    assert len(svg.find_all("polyline", class_="line-p50")) == 2


def test_a_lone_bucket_is_drawn_as_a_dot() -> None:
    svg = parse(latency_chart([point(3)], frame())).svg
    assert svg is not None
    assert svg.find("circle", class_="line-p95") is not None


def test_the_sla_line_is_drawn_and_labelled() -> None:
    svg = parse(latency_chart([point(0)], frame(sla_ms=500))).svg
    assert svg is not None
    assert svg.find("line", class_="sla-line") is not None
    label = svg.find("text", class_="sla-label")
    assert label is not None
    assert label.string == "SLA 500 ms"


def test_axes_are_titled() -> None:
    svg = parse(latency_chart([point(0)], frame())).svg
    assert svg is not None
    titles = [t.string for t in svg.find_all("text", class_="axis-title")]
    assert titles == ["Latency", "Time (Europe/Berlin)"]


def test_a_period_without_data_says_so() -> None:
    svg = parse(latency_chart([], frame())).svg
    assert svg is not None
    assert svg.find("text", class_="no-data") is not None
    assert svg.find("polyline") is None


def test_the_latency_axis_ends_just_above_the_slowest_p95_or_the_sla() -> None:
    assert [nice_ceiling(v) for v in (220, 1000, 1001, 45)] == [240, 1000, 1200, 50]


def test_hour_ticks_fall_on_local_wall_clock_hours() -> None:
    labels = [label for _, label in hour_ticks(START, START + 24 * HOUR, BERLIN, every_hours=6)]
    assert labels == ["12:00", "18:00", "00:00", "06:00"]  # 11:00 to 11:00 in Berlin


def test_day_ticks_can_be_weekly_on_mondays() -> None:
    start = datetime(2026, 10, 27, 23, tzinfo=UTC)  # midnight in Berlin, a Wednesday
    ticks = day_ticks(start, start + timedelta(days=30), BERLIN, weekday=0)
    assert [label for _, label in ticks] == ["2 Nov", "9 Nov", "16 Nov", "23 Nov"]
