"""How alert figures and subjects read on admin pages."""

from __future__ import annotations

from statuspage.presentation.alerts import MAX_FIGURE_TEXT, figure_lines, subject_text

NAMES = {"api": "API"}


def test_units_come_from_the_figures_names() -> None:
    figures = {"error_rate_percent": 7.5, "p95_ms": 1240.0, "window_minutes": 5.0, "results": 40}
    assert figure_lines(figures) == (
        "error rate: 7.5 %",
        "p95: 1.24 s",
        "window: 5.0 min",
        "results: 40",
    )


def test_a_missing_value_reads_none() -> None:
    assert figure_lines({"status": None}) == ("status: none",)


def test_control_characters_are_dropped_and_long_text_is_cut() -> None:
    (line,) = figure_lines({"reason": "bad\x1b[31m" + "x" * 1000})
    assert "\x1b" not in line
    assert len(line) == len("reason: ") + MAX_FIGURE_TEXT


def test_a_component_subject_reads_as_its_name() -> None:
    assert subject_text("component:api", NAMES) == "API"


def test_other_subjects_say_what_they_are() -> None:
    assert subject_text("address:10.0.0.9", NAMES) == "Client address 10.0.0.9"
    assert subject_text("prober:eu", NAMES) == "Prober in region eu"
    assert subject_text("site", NAMES) == "The whole site"
    assert subject_text("site:bad-tokens", NAMES) == "Site bad-tokens"
    assert subject_text("elsewhere", NAMES) == "elsewhere"
