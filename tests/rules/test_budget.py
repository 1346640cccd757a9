"""The error budget's figure: what is left of the failures an objective allows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statuspage.rules.alerts.budget import (
    OVERSPENT_FLOOR,
    availability_objective,
    budget_remaining,
)


def test_no_failures_leave_the_whole_budget() -> None:
    assert budget_remaining(1000, 0, 0.99) == 1.0


def test_failing_at_the_objective_spends_it_exactly() -> None:
    assert budget_remaining(1000, 10, 0.99) == pytest.approx(0.0)


def test_half_the_allowed_failures_leave_half() -> None:
    assert budget_remaining(2000, 10, 0.99) == pytest.approx(0.5)


def test_a_stricter_objective_spends_faster() -> None:
    assert budget_remaining(10_000, 5, 0.999) == pytest.approx(0.5)


def test_overspending_goes_below_zero() -> None:
    assert budget_remaining(1000, 15, 0.99) == pytest.approx(-0.5)


def test_overspending_stops_at_the_floor() -> None:
    assert budget_remaining(100, 100, 0.999) == OVERSPENT_FLOOR == -1.0


def test_a_100_percent_objective_without_failures_keeps_its_whole_budget() -> None:
    assert budget_remaining(1000, 0, 1.0) == 1.0


def test_a_100_percent_objective_is_overspent_by_one_failure() -> None:
    assert budget_remaining(1000, 1, 1.0) == OVERSPENT_FLOOR


def test_nothing_measured_is_no_figure_rather_than_a_full_budget() -> None:
    assert budget_remaining(0, 0, 0.99) is None


@given(
    results=st.integers(1, 10**7),
    failed_share=st.floats(0, 1),
    objective=st.floats(0.5, 0.99999),
)
def test_the_figure_is_always_between_the_floor_and_one(
    results: int, failed_share: float, objective: float
) -> None:
    remaining = budget_remaining(results, int(results * failed_share), objective)
    assert remaining is not None
    assert OVERSPENT_FLOOR <= remaining <= 1.0


def test_a_configured_objective_wins() -> None:
    assert availability_objective(99.5, critical=True) == pytest.approx(0.995)


def test_without_one_a_critical_component_aims_for_99_9() -> None:
    assert availability_objective(None, critical=True) == 0.999


def test_without_one_any_other_component_aims_for_99() -> None:
    assert availability_objective(None, critical=False) == 0.99
