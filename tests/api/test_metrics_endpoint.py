"""/metrics serves the service's figures in Prometheus's text format."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from statuspage.config import ConfigError, load_settings
from storage.migrate import upgrade_database
from tests.api.factories import CONFIG, NOW
from tests.app_client import Client, app_client


async def test_metrics_serves_probe_figures_recorded_by_the_runner(client: Client) -> None:
    client.app[keys.METRICS].probes.record("api", "up", 0.125, 0.001)
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(await response.text())}
    results = families["statuspage_probes"]
    assert [(s.labels, s.value) for s in results.samples if s.name.endswith("_total")] == [
        ({"component": "api", "status": "up"}, 1.0)
    ]
    assert "statuspage_probe_start_lateness_seconds" in families
    assert "statuspage_results_pending" in families


async def test_metrics_serves_skipped_probe_runs_by_reason_from_zero(client: Client) -> None:
    client.app[keys.METRICS].probes.skipped("late")
    response = await client.get("/metrics")
    families = {f.name: f for f in text_string_to_metric_families(await response.text())}
    skipped = families["statuspage_probe_runs_skipped"]
    assert {s.labels["reason"]: s.value for s in skipped.samples if s.name.endswith("_total")} == {
        "still_running": 0.0,
        "late": 1.0,
    }


TOKEN = "scrape-token-0123456789"


@pytest.fixture
async def guarded(aiohttp_client: AiohttpClient, tmp_path: Path) -> Client:
    """The app with `metrics_token` set, from the environment as a deployment sets it."""
    path = tmp_path / "statuspage.toml"
    path.write_text(CONFIG, "utf-8")
    settings = load_settings(path, {"STATUSPAGE_METRICS_TOKEN": TOKEN})
    await upgrade_database(settings.database_url)
    return await app_client(aiohttp_client, settings, lambda: NOW)


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        f"Basic {TOKEN}",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        "Bearer \u00e9\u00e9\u00e9",
    ],
)
async def test_with_a_token_set_metrics_refuses_a_request_without_it(
    guarded: Client, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await guarded.get("/metrics", headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert response.headers["Cache-Control"] == "no-store"
    assert "statuspage_" not in await response.text()


@pytest.mark.parametrize("scheme", ["Bearer", "bearer"])
async def test_with_a_token_set_metrics_serves_a_request_with_it(
    guarded: Client, scheme: str
) -> None:
    response = await guarded.get("/metrics", headers={"Authorization": f"{scheme} {TOKEN}"})
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "statuspage_results_pending" in await response.text()


async def test_the_token_guards_only_metrics(guarded: Client) -> None:
    assert (await guarded.get("/healthz")).status == 200
    assert (await guarded.get("/")).status == 200


async def test_without_a_token_metrics_are_served_to_anyone_and_not_cached(client: Client) -> None:
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("token", ["short", "sixteen chars ok", "tab\tinside-the-token"])
def test_a_metrics_token_too_short_or_with_spaces_stops_start_up(
    tmp_path: Path, token: str
) -> None:
    path = tmp_path / "statuspage.toml"
    path.write_text(CONFIG, "utf-8")
    with pytest.raises(ConfigError, match=r"server\.metrics_token"):
        load_settings(path, {"STATUSPAGE_METRICS_TOKEN": token})
