"""Latency objectives: set for the whole page in `[site.objectives]`, per component in
`objectives`, each one optional, shown as "Objective"."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from statuspage.config import Settings
from statuspage.http.render import Renderer
from statuspage.web.component_rows import (
    ComponentBlock,
    ComponentData,
    about_figures,
    component_block,
)
from storage.figures.windows import LatencyFigures
from tests.web.factories import SITE, settings_for

COMPONENTS = """
[[components]]
id = "api"
name = "API"
url = "http://127.0.0.1:9/api"
sla_ms = 2000

[[components]]
id = "search"
name = "Search"
url = "http://127.0.0.1:9/search"
sla_ms = 2000
objectives = { p95_ms = 300, average_ms = false }

[[components]]
id = "batch"
name = "Batch"
url = "http://127.0.0.1:9/batch"
sla_ms = 2000
objectives = { p95_ms = false, p99_ms = false, average_ms = false }
"""
LATENCY = LatencyFigures(100, 450, 10, 3000, p50_ms=100, p95_ms=800, p99_ms=1500)


def blocks(settings: Settings) -> dict[str, ComponentBlock]:
    """Each component as its own page heads with it (the latency table lives there)."""
    return {
        c.id: component_block(
            c,
            ComponentData(
                status=None, windows={}, days=[], latency_24h=LATENCY, latest=None,
                incidents_by_day={},
            ),
            tz=settings.tz,
        )
        for c in settings.components
    }  # fmt: skip


def objectives_of(block: ComponentBlock) -> dict[str, str | None]:
    assert block.performance is not None
    return {c.metric: c.objective for c in block.performance.checks}


def test_without_configuration_every_component_has_the_default_objectives(
    tmp_path: Path,
) -> None:
    found = blocks(settings_for(tmp_path, components=COMPONENTS))
    assert objectives_of(found["api"]) == {
        "p50": None, "p95": "< 1 s", "p99": "< 2 s", "average": "< 500 ms",
    }  # fmt: skip


def test_the_site_sets_its_own_objectives_and_turns_one_off(tmp_path: Path) -> None:
    site = SITE + "[site.objectives]\np95_ms = 600\np99_ms = false\n"
    found = blocks(settings_for(tmp_path, site=site, components=COMPONENTS))
    assert objectives_of(found["api"]) == {
        "p50": None, "p95": "< 600 ms", "p99": None, "average": "< 500 ms",
    }  # fmt: skip
    assert found["api"].performance is not None
    assert [c.objective_met for c in found["api"].performance.checks] == [True, False, True, True]


def test_a_component_overrides_some_objectives_and_follows_the_site_for_the_rest(
    tmp_path: Path,
) -> None:
    site = SITE + "[site.objectives]\np99_ms = 1200\n"
    found = blocks(settings_for(tmp_path, site=site, components=COMPONENTS))
    assert objectives_of(found["search"]) == {
        "p50": None, "p95": "< 300 ms", "p99": "< 1.2 s", "average": None,
    }  # fmt: skip


def test_a_component_may_turn_every_objective_off(tmp_path: Path) -> None:
    found = blocks(settings_for(tmp_path, components=COMPONENTS))
    assert set(objectives_of(found["batch"]).values()) == {None}
    assert found["batch"].performance is not None
    assert found["batch"].performance.all_ok


def render_component(block: ComponentBlock) -> BeautifulSoup:
    template = Renderer().environment.from_string(
        '{% import "macros.html" as m %}{{ m.component_body(c) }}'
    )
    return BeautifulSoup(template.render(c=block), "html.parser")


def test_the_table_names_the_column_objective_and_says_met_or_missed(tmp_path: Path) -> None:
    found = blocks(settings_for(tmp_path, components=COMPONENTS))
    soup = render_component(found["search"])
    assert [th.get_text(strip=True) for th in soup.select("thead th")][-1] == "Objective"
    cells = [" ".join(tr.select("td")[-1].get_text(" ").split()) for tr in soup.select("tbody tr")]
    assert cells == ["none", "Missed (< 300 ms)", "Met (< 2 s)", "none"]


def test_a_component_without_objectives_shows_no_objective_column(tmp_path: Path) -> None:
    found = blocks(settings_for(tmp_path, components=COMPONENTS))
    soup = render_component(found["batch"])
    headers = [th.get_text(strip=True) for th in soup.select("thead th")]
    assert headers == ["Latency", "Value", "SLA 2 s"]


def test_about_these_figures_states_the_sites_objectives(tmp_path: Path) -> None:
    site = SITE + "[site.objectives]\naverage_ms = false\n"
    about = about_figures(settings_for(tmp_path, site=site, components=COMPONENTS))
    assert about.objectives == (("p95", "< 1 s"), ("p99", "< 2 s"))
    assert about.own_objectives
