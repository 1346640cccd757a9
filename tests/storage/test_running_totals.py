"""Running totals answer any span of days exactly as adding the days up would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.figures.running_totals import NO_COUNTS, WIDTH, Counts, RunningTotals, added

FIRST = date(2026, 1, 1)
DAY = timedelta(days=1)

counts = st.tuples(*[st.integers(min_value=0, max_value=100_000)] * WIDTH)
day_maps = st.dictionaries(
    st.integers(min_value=0, max_value=40).map(lambda n: FIRST + n * DAY), counts
)
offsets = st.integers(min_value=-10, max_value=50)


def summed(days: dict[date, Counts], start: date, stop: date) -> Counts:
    total = NO_COUNTS
    for day, values in days.items():
        if start <= day < stop:
            total = tuple(a + b for a, b in zip(total, values, strict=True))
    return total


@given(day_maps, offsets, offsets)
def test_a_span_of_days_sums_the_days_inside_it(days: dict[date, Counts], a: int, b: int) -> None:
    end = FIRST + 30 * DAY
    totals = RunningTotals.of_days(FIRST, end, days)
    start, stop = FIRST + a * DAY, FIRST + b * DAY
    assert totals.between(start, stop) == summed(days, max(start, FIRST), min(stop, end))


@given(day_maps, offsets)
def test_each_day_is_its_own_counts_and_uncovered_days_are_none(
    days: dict[date, Counts], offset: int
) -> None:
    end = FIRST + 30 * DAY
    first = FIRST + offset * DAY
    cells = RunningTotals.of_days(FIRST, end, days).per_day(first, 20)
    for n, cell in enumerate(cells):
        day = first + n * DAY
        assert cell == (days.get(day, NO_COUNTS) if FIRST <= day < end else None)


@given(day_maps, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_cutting_and_carrying_on_gives_the_same_totals_as_building_at_once(
    days: dict[date, Counts], cut: int, drop: int
) -> None:
    end = FIRST + 30 * DAY
    whole = RunningTotals.of_days(FIRST, end, days)
    rebuilt = whole.ending(FIRST + cut * DAY).extended(end, days)
    assert rebuilt == whole
    later = whole.starting(FIRST + drop * DAY)
    assert later.first_day == FIRST + drop * DAY
    assert later.end_day == end
    assert later.per_day(FIRST, 30) == [None] * drop + whole.per_day(FIRST + drop * DAY, 30 - drop)


def test_totals_survive_encoding_byte_for_byte() -> None:
    totals = RunningTotals.of_days(FIRST, FIRST + 3 * DAY, {FIRST + DAY: (1, 2, 3, 4, 5)})
    encoded = totals.encode()
    assert len(encoded) == 4 * WIDTH * 4  # three days and the leading zeros, 4 bytes each
    assert RunningTotals.decode(FIRST, encoded) == totals
    assert encoded[4 * WIDTH * 2 : 4 * WIDTH * 2 + 4] == (1).to_bytes(4, "little")


def test_damaged_bytes_are_refused_rather_than_misread() -> None:
    with pytest.raises(ValueError, match="damaged"):
        RunningTotals.decode(FIRST, b"\x00" * 7)


def test_cutting_outside_the_covered_days_is_an_error() -> None:
    totals = RunningTotals.of_days(FIRST, FIRST + 3 * DAY, {})
    with pytest.raises(ValueError, match="outside"):
        totals.ending(FIRST + 4 * DAY)


def test_empty_totals_cover_no_day() -> None:
    empty = RunningTotals.empty(FIRST)
    assert (empty.day_count, empty.end_day) == (0, FIRST)
    assert empty.between(FIRST - DAY, FIRST + DAY) == NO_COUNTS
    assert empty.per_day(FIRST, 2) == [None, None]


def test_per_day_stops_at_the_count_asked_for_when_more_days_are_covered() -> None:
    totals = RunningTotals.of_days(FIRST, FIRST + 5 * DAY, {FIRST: (1, 0, 0, 0, 1)})
    assert totals.per_day(FIRST, 1) == [(1, 0, 0, 0, 1)]
    assert totals.per_day(FIRST + DAY, 2) == [NO_COUNTS, NO_COUNTS]


def test_empty_totals_survive_encoding() -> None:
    empty = RunningTotals.empty(FIRST)
    assert RunningTotals.decode(FIRST, empty.encode()) == empty


@pytest.mark.parametrize("length", [0, 4, 24, 30, 41])
def test_bytes_that_are_not_whole_days_are_refused_as_damaged(length: int) -> None:
    with pytest.raises(ValueError, match=f"running totals of {length} bytes are damaged"):
        RunningTotals.decode(FIRST, b"\x00" * length)


def test_a_day_with_the_wrong_number_of_counters_is_refused() -> None:
    with pytest.raises(ValueError, match="argument 2 is shorter"):
        RunningTotals.of_days(FIRST, FIRST + DAY, {FIRST: (1, 2, 3, 4)})
    with pytest.raises(ValueError, match="argument 2 is longer"):
        added(NO_COUNTS, (1,) * (WIDTH + 1))


def test_counts_add_counter_by_counter() -> None:
    assert added((1, 2, 3, 4, 5), (10, 20, 30, 40, 50)) == (11, 22, 33, 44, 55)


def test_a_span_starting_before_the_first_day_counts_from_the_first_day() -> None:
    totals = RunningTotals.of_days(FIRST, FIRST + 3 * DAY, {FIRST: (1, 0, 0, 0, 1)})
    assert totals.between(FIRST - 3 * DAY, FIRST + DAY) == (1, 0, 0, 0, 1)


def test_cut_totals_end_where_they_were_cut() -> None:
    totals = RunningTotals.of_days(FIRST, FIRST + 5 * DAY, {FIRST: (1, 0, 0, 0, 1)})
    cut = totals.ending(FIRST + 2 * DAY)
    assert (cut.day_count, cut.end_day) == (2, FIRST + 2 * DAY)


def test_totals_of_the_same_span_with_other_counts_give_their_own_days() -> None:
    """Each day's counts are kept by the bytes they come from: totals read again after
    a correction to a past day give the corrected days, not the ones asked for before."""
    days = {FIRST + n * DAY: (10, 0, 0, 0, 10) for n in range(5)}
    before = RunningTotals.of_days(FIRST, FIRST + 5 * DAY, days).per_day(FIRST, 5)
    corrected = days | {FIRST + 2 * DAY: (9, 0, 1, 0, 9)}
    after = RunningTotals.of_days(FIRST, FIRST + 5 * DAY, corrected).per_day(FIRST, 5)
    assert before[2] == (10, 0, 0, 0, 10)
    assert after[2] == (9, 0, 1, 0, 9)
    assert after[:2] == before[:2]
