"""Page contexts assembled from hand-made data: the logic, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from statuspage.config import Settings
from statuspage.http.assets import Assets
from statuspage.settings_model import safe_logo_src
from statuspage.web.component_page import phase_breakdown, phase_values
from statuspage.web.component_rows import dependency_key, public_target
from statuspage.web.context_home import HomeData, HomePage, home_page
from statuspage.web.context_site import site_context
from statuspage.web.front_rows import LatencySummary
from storage.figures.windows import Figures, LatencyFigures
from storage.incidents.reads import IncidentView
from storage.queries.latest import PhaseAverages
from storage.queries.summary import ComponentOverview
from tests.storage.builders import incident_view
from tests.web.factories import NOW, SITE, days_back, settings_for

COMPONENTS = """
[[components]]
id = "a"
name = "A"
group = "One"
url = "http://127.0.0.1:9/a"
sla_ms = 100

[[components]]
id = "solo"
name = "Solo"

[[components]]
id = "b"
name = "B"
group = "One"
url = "http://127.0.0.1:9/b"
sla_ms = 100
"""


def empty_data(
    *,
    statuses: dict[str, str | None] | None = None,
    overviews: dict[str, ComponentOverview] | None = None,
    latency_24h: dict[str, LatencyFigures] | None = None,
    maintenances: list[IncidentView] | None = None,
) -> HomeData:
    return HomeData(
        statuses=statuses or {},
        overviews=overviews or {},
        latency_24h=latency_24h or {},
        latest={},
        unresolved=[],
        maintenances=maintenances or [],
        recent=[],
        manual_intervals={},
    )


def page(settings: Settings, data: HomeData) -> HomePage:
    site = site_context(settings, Assets.load(), "/")
    return home_page(data, settings, site, NOW)


def test_groups_keep_the_configured_order_and_gather_their_members(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, components=COMPONENTS)
    groups = page(settings, empty_data()).groups
    assert [(g.name, [c.id for c in g.components]) for g in groups] == [
        ("One", ["a", "b"]),
        (None, ["solo"]),
    ]


def test_a_group_shows_its_worst_member(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, components=COMPONENTS)
    data = empty_data(statuses={"a": "operational", "b": "major_outage", "solo": None})
    assert page(settings, data).groups[0].status.label == "Major Outage"


def test_nothing_reported_yet_reads_no_data_yet(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, components=COMPONENTS)
    result = page(settings, empty_data())
    assert result.headline == "No Data Yet"
    assert {c.status.label for g in result.groups for c in g.components} == {"No Data Yet"}


def test_day_cells_come_from_the_overview_with_no_data_days(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, components=COMPONENTS)
    # A day with no counts stored (None) and one whose counts are all zero both read "none".
    counts = [(10, 0, 0, 0, 10) if i % 2 else (None if i % 4 else (0,) * 5) for i in range(90)]
    windows = {"24h": Figures(), "30d": Figures(), "90d": Figures()}
    overview = ComponentOverview("a", windows, days_back(90), counts)
    block = page(settings, empty_data(overviews={"a": overview})).groups[0].components[0]
    assert [c.level for c in block.days[:3]] == ["none", "good", "none"]
    assert block.bar_levels[:4] == ["none", "good", "none", "good"]
    assert block.bar is not None
    assert len(block.days) == 90


def test_the_front_page_shows_no_latency_unless_the_site_opts_in(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, components=COMPONENTS)
    latency = LatencyFigures(10, 120, 50, 200, p50_ms=110, p95_ms=190, p99_ms=199)
    row = page(settings, empty_data(latency_24h={"a": latency})).groups[0].components[0]
    assert row.latency is None


def test_the_opt_in_latency_line_judges_the_p95_against_the_sla(tmp_path: Path) -> None:
    site = SITE + "front_page_latency = true\n"
    settings = settings_for(tmp_path, site=site, components=COMPONENTS)
    latency = LatencyFigures(10, 120, 50, 200, p50_ms=110, p95_ms=190, p99_ms=199)
    row = page(settings, empty_data(latency_24h={"a": latency})).groups[0].components[0]
    assert row.latency == LatencySummary(p95="190 ms", sla="100 ms", within_sla=False)


def open_maintenance(status: str) -> IncidentView:
    return incident_view(
        NOW,
        id=len(status),
        kind="maintenance",
        name=status,
        status=status,
        impact="maintenance",
        scheduled_for=NOW + timedelta(hours=1),
        scheduled_until=NOW + timedelta(hours=2),
    )


def test_maintenance_is_split_into_now_and_upcoming(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, components=COMPONENTS)
    data = empty_data(maintenances=[open_maintenance("scheduled"), open_maintenance("verifying")])
    result = page(settings, data)
    assert [c.name for c in result.maintenance_now] == ["verifying"]
    assert [c.name for c in result.maintenance_upcoming] == ["scheduled"]
    assert result.banner.indicator == "maintenance"


def test_a_shown_target_keeps_neither_credentials_nor_query(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    api = next(c for c in settings.components if c.id == "api")
    assert api.check is not None
    check = replace(api.check, url="https://u:p@h.test:8443/x?t=1")
    shown = replace(api, show_url=True, check=check)
    assert public_target(shown) == "https://h.test:8443/x"
    assert public_target(api) is None  # not opted in


def test_dependency_words_map_to_plain_states() -> None:
    words = ["OK", "connected", "degraded", "Down", "timeout", "maybe"]
    assert [dependency_key(w) for w in words] == ["ok", "ok", "degraded", "down", "down", "unknown"]


def test_server_time_is_first_byte_minus_the_phases_before_it() -> None:
    averages = PhaseAverages(10, dns_ms=5, connect_ms=10, tls_ms=None, ttfb_ms=40, total_ms=45)
    assert phase_values(averages) == {"dns": 5, "connect": 10, "server": 25, "download": 5}
    breakdown = phase_breakdown(averages)
    assert breakdown is not None
    assert [r.name for r in breakdown.rows][-1] == "Whole request"


def test_logos_load_only_from_this_origin_or_inline() -> None:
    site = "https://status.acme.test"
    assert safe_logo_src("/logo.png", site) == "/logo.png"
    assert safe_logo_src("https://status.acme.test/a/logo.svg", site) == "/a/logo.svg"
    assert safe_logo_src("data:image/png;base64,AAAA", site) == "data:image/png;base64,AAAA"
    for foreign in ("https://cdn.test/logo.png", "//cdn.test/logo.png", "javascript:alert(1)"):
        assert safe_logo_src(foreign, site) is None
