"""Latency objectives in the configuration: `[site.objectives]` and a component's `objectives`."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import ConfigError, load_settings

COMPONENT = """
[[components]]
name = "System"
url = "http://127.0.0.1:9/api/health/system"
sla_ms = 100
"""


def objectives(tmp_path: Path, text: str) -> dict[str, float]:
    path = tmp_path / "statuspage.toml"
    path.write_text(text, encoding="utf-8")
    (component,) = load_settings(path, {}).components
    return dict(component.objectives)


def problems(tmp_path: Path, text: str) -> str:
    path = tmp_path / "statuspage.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    return str(caught.value)


def test_the_defaults_are_p95_one_second_p99_two_seconds_average_half_a_second(
    tmp_path: Path,
) -> None:
    assert objectives(tmp_path, COMPONENT) == {"p95": 1000, "p99": 2000, "average": 500}


def test_the_site_changes_them_and_false_turns_one_off(tmp_path: Path) -> None:
    text = "[site.objectives]\np95_ms = 750\naverage_ms = false\n" + COMPONENT
    assert objectives(tmp_path, text) == {"p95": 750, "p99": 2000}


def test_a_component_replaces_the_keys_it_gives_and_keeps_the_sites_others(
    tmp_path: Path,
) -> None:
    text = "[site.objectives]\np99_ms = 1500\n" + COMPONENT + "objectives = { p95_ms = 250.5 }\n"
    assert objectives(tmp_path, text) == {"p95": 250.5, "p99": 1500, "average": 500}


def test_a_component_turns_one_off_that_the_site_sets(tmp_path: Path) -> None:
    text = COMPONENT + "objectives = { p99_ms = false }\n"
    assert objectives(tmp_path, text) == {"p95": 1000, "average": 500}


@pytest.mark.parametrize("value", ["0", "-5", "600001", "true", '"1s"'])
def test_a_bad_site_objective_stops_start_up_naming_file_and_key(
    tmp_path: Path, value: str
) -> None:
    message = problems(tmp_path, f"[site.objectives]\np95_ms = {value}\n" + COMPONENT)
    assert message.startswith(f"{tmp_path / 'statuspage.toml'}: site.objectives.p95_ms: ")
    assert "expected milliseconds above 0 and at most 600000, or false for none" in message
    assert message.count("\n") == 0  # one problem, said once


def test_a_bad_component_objective_names_the_component(tmp_path: Path) -> None:
    message = problems(tmp_path, COMPONENT + "objectives = { average_ms = -1 }\n")
    assert "components[0] ('System').objectives.average_ms: expected milliseconds" in message


def test_an_unknown_objective_is_refused_by_name(tmp_path: Path) -> None:
    message = problems(tmp_path, "[site.objectives]\np90_ms = 800\n" + COMPONENT)
    assert "site.objectives.p90_ms: unknown key" in message


def test_a_manual_component_cannot_have_objectives(tmp_path: Path) -> None:
    text = '[[components]]\nname = "Notices"\nobjectives = { p95_ms = 100 }\n'
    assert "objectives are set but url is missing" in problems(tmp_path, text)
