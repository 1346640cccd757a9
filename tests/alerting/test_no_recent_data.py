"""The no-recent-data alert is about its component: it carries the component's id, so
`[[routes]]` that name components reach it, and it clears when results are back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from statuspage.alerting.evaluator import Evaluator, Scope
from statuspage.alerting.inputs import site_data
from statuspage.alerting.ruleset import build_ruleset
from statuspage.rules.alerts.site_rules import SiteData
from storage.alerts.writes import AlertStep
from storage.freshness import Staleness, record_staleness
from storage.vocabulary import AlertState
from tests.alerting.helpers import NOW, Clock, settings_for, site, sqlite_url


def evaluator(tmp_path: Path) -> Evaluator:
    return Evaluator(build_ruleset(settings_for(tmp_path, sqlite_url(tmp_path))))


def silence_steps(evaluator: Evaluator, stale: dict[str, float], now: float) -> list[AlertStep]:
    evaluator.set_site(SiteData(stale=stale))
    return [s for s in evaluator.evaluate(now, Scope.ROUND) if s.rule == "no-recent-data"]


def test_a_silent_component_fires_an_alert_about_that_component(tmp_path: Path) -> None:
    now = NOW.timestamp()
    (step,) = silence_steps(evaluator(tmp_path), {"api": now - 120}, now)
    assert (step.subject, step.component_id, step.state) == (
        "silent:api",
        "api",
        AlertState.FIRING,
    )


def test_the_alert_resolves_when_results_are_back(tmp_path: Path) -> None:
    now = NOW.timestamp()
    judge = evaluator(tmp_path)
    silence_steps(judge, {"api": now - 120}, now)
    (step,) = silence_steps(judge, {}, now + 10)
    assert (step.component_id, step.state) == ("api", AlertState.RESOLVED)


async def test_the_alert_reads_the_minutes_since_the_last_result(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, sqlite_url(tmp_path))
    async with site(settings, Clock()) as place:
        last = NOW - timedelta(minutes=7, seconds=30)
        marked = NOW - timedelta(seconds=30)  # the mark's age would read 0.5
        await record_staleness(place.db, {"api": Staleness(marked, last)}, now=marked)
        data = await site_data(place.db, settings, NOW)
    judge = evaluator(tmp_path)
    judge.set_site(data)
    (step,) = [
        s for s in judge.evaluate(NOW.timestamp(), Scope.ROUND) if s.rule == "no-recent-data"
    ]
    assert step.figures == {"component": "api", "since_last_result_minutes": 7.5}
