"""From an application's own counters to an alert: a prometheus_client Counter served
on 127.0.0.1, scraped every 15 s by the collector, and the evaluator's round after each
scrape, with the production configuration's rules (no `[[alerts]]`). 8 % of requests
failing for two minutes fires `error-rate-critical` about the metric; 0.5 % fires
nothing; one scrape interval of errors alone fires nothing (the statistical guard)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry, Counter

from probes.sessions import ProbeSessions
from statuspage.admin.api_alerts import alert_json
from statuspage.alerting.service import AlertingService
from statuspage.service.metric_collector import MetricCollector
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.startup import open_database, prepare_database
from storage.alerts.reads import AlertView, list_alerts
from storage.database import Database
from storage.vocabulary import AlertState
from tests.alerting.helpers import lead, settings_for, sqlite_url
from tests.metrics.helpers import ERROR_RATE as PLAIN_ERROR_RATE
from tests.metrics.helpers import MovingClock, collector, scrape_source, serving

SCRAPE_S = 15.0
REQUESTS = 1000  # served between two scrapes

ERROR_RATE = PLAIN_ERROR_RATE + "target_below = 1.0\n"  # as examples/production.toml has it


@dataclass
class App:
    """The application's traffic, the scraper and the evaluator on one database."""

    requests: Counter
    clock: MovingClock
    db: Database
    scraper: MetricCollector
    evaluator: AlertingService

    async def serve(self, scrapes: int, failing_percent: float) -> None:
        """`scrapes` intervals of traffic with that share of 5xx, each scraped and judged."""
        for _ in range(scrapes):
            errors = round(REQUESTS * failing_percent / 100)
            self.requests.labels(status="500").inc(errors)
            self.requests.labels(status="200").inc(REQUESTS - errors)
            self.clock.advance(SCRAPE_S)
            outcome = await self.scraper.collect("app")
            assert not outcome.problems, outcome
            await self.evaluator.run_round()

    async def firing(self) -> list[AlertView]:
        return await list_alerts(self.db, state=AlertState.FIRING)


@asynccontextmanager
async def application(tmp_path: Path, sessions: ProbeSessions) -> AsyncIterator[App]:
    registry = CollectorRegistry()
    requests = Counter("http_requests", "Requests served", ["status"], registry=registry)
    with serving(registry) as url:
        settings = settings_for(
            tmp_path, sqlite_url(tmp_path), extra=scrape_source(url) + ERROR_RATE
        )
        clock = MovingClock()
        db = open_database(settings)
        await prepare_database(db, settings, upgrade=True, clock=clock)
        try:
            evaluator = AlertingService(db, SettingsHolder(settings), clock=clock)
            await lead(evaluator)
            scraper = collector(db, sessions, settings.metrics, clock)
            app = App(requests, clock, db, scraper, evaluator)
            await app.serve(1, 0.0)  # the first scrape: a baseline, no point yet
            yield app
        finally:
            await db.dispose()


async def test_8_percent_of_requests_failing_for_2_minutes_fires_about_the_metric(
    tmp_path: Path, sessions: ProbeSessions
) -> None:
    async with application(tmp_path, sessions) as app:
        await app.serve(10, 8.0)  # two and a half minutes
        critical = [a for a in await app.firing() if a.rule == "error-rate-critical"]
        assert [a.subject for a in critical] == ["metric:api-error-rate"]
        assert alert_json(critical[0], ZoneInfo("UTC"))["metric_id"] == "api-error-rate"
        assert critical[0].figures["mean"] == 8.0


async def test_half_a_percent_of_requests_failing_fires_nothing(
    tmp_path: Path, sessions: ProbeSessions
) -> None:
    async with application(tmp_path, sessions) as app:
        await app.serve(40, 0.5)  # ten minutes: every default rule's window
        assert await list_alerts(app.db) == []


async def test_one_scrape_interval_of_errors_alone_fires_nothing(
    tmp_path: Path, sessions: ProbeSessions
) -> None:
    async with application(tmp_path, sessions) as app:
        await app.serve(8, 0.0)
        # Every request fails for one interval: the two-minute mean is 11 %, over the
        # critical threshold, but only one point broke it on its own.
        await app.serve(1, 100.0)
        await app.serve(8, 0.0)
        assert await app.firing() == []
