"""/metrics reports firing alerts by rule and severity, read from the database at
each scrape: every configured rule from 0, and the rest of /metrics stands when
the alerts cannot be read."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from storage.database import Database
from storage.vocabulary import AlertSeverity, AlertState
from tests.admin.alert_builders import fire, resolve
from tests.app_client import Client

Families = dict[str, dict[tuple[str, ...], float]]


async def scrape(client: Client) -> Families:
    response = await client.get("/metrics")
    assert response.status == 200
    families: Families = {}
    for family in text_string_to_metric_families(await response.text()):
        samples = families.setdefault(family.name, {})
        for sample in family.samples:
            samples[tuple(sample.labels.values())] = sample.value
    return families


async def firing(client: Client) -> dict[tuple[str, ...], float]:
    return (await scrape(client))["statuspage_alerts_firing"]


async def test_every_configured_rule_reads_0_before_anything_fires(client: Client) -> None:
    counts = await firing(client)
    assert counts[("outage", "critical")] == 0
    assert counts[("bad-tokens", "warning")] == 0
    assert set(counts.values()) == {0}


async def test_a_firing_alert_counts_under_its_rule_and_severity(
    client: Client, db: Database
) -> None:
    await fire(db, "outage")
    await fire(db, "outage", subject="component:web")
    counts = await firing(client)
    assert counts[("outage", "critical")] == 2
    assert counts[("error-rate-critical", "critical")] == 0


async def test_a_resolved_alert_no_longer_counts(client: Client, db: Database) -> None:
    await fire(db, "outage")
    await resolve(db, "outage")
    assert (await firing(client))[("outage", "critical")] == 0


async def test_a_pending_alert_does_not_count(client: Client, db: Database) -> None:
    await fire(db, "outage", state=AlertState.PENDING)
    assert (await firing(client))[("outage", "critical")] == 0


async def test_a_rule_no_longer_configured_shows_while_it_fires(
    client: Client, db: Database
) -> None:
    await fire(db, "retired-rule", severity=AlertSeverity.WARNING)
    assert (await firing(client))[("retired-rule", "warning")] == 1


async def test_the_alerts_are_marked_readable(client: Client) -> None:
    assert (await scrape(client))["statuspage_alerts_readable"] == {(): 1.0}


async def test_without_the_alerts_the_rest_of_metrics_is_served(
    client: Client, db: Database
) -> None:
    async with db.write(pages=False) as session:
        await session.exec(text("DROP TABLE alerts"))  # type: ignore[call-overload]
    families = await scrape(client)
    assert families["statuspage_alerts_readable"] == {(): 0.0}
    assert "statuspage_alerts_firing" not in families
    assert "statuspage_results_pending" in families
