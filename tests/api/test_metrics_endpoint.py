"""/metrics serves the service's figures in Prometheus's text format."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from statuspage import keys
from tests.app_client import Client


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
