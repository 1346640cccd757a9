"""From a target going down to the people on call, and back: the evaluator as it runs
(the clock moved by the test), the outbox filled in its transactions, the sender
delivering to receivers on 127.0.0.1 standing in for Slack and PagerDuty."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pytest_aiohttp import AiohttpServer

from storage.alerts.reads import open_groups
from storage.alerts.writes import acknowledge, silence
from storage.status import record_status_change
from storage.vocabulary import StatusSource
from tests.alerting.helpers import lead, result
from tests.notify.helpers import (
    ROUTING_KEY,
    NotifySite,
    channels_config,
    notify_settings,
    notify_site,
)
from tests.notify.receivers import PAGERDUTY_OK, Receiver, receiver


async def feed(s: NotifySite, minutes: float, *, failed: bool, component: str = "api") -> None:
    """One result every 30 s, judged as it commits, a round after each, and the
    sender's pass after that (as its task would, woken)."""
    for _ in range(int(minutes * 2)):
        s.clock.advance(seconds=30)
        s.service.accept([result(component, s.clock.now, failed=failed)])
        await s.service.judge_arrived()
        await s.service.run_round()
        await s.deliver()


@asynccontextmanager
async def an_outage(
    tmp_path: Path, aiohttp_server: AiohttpServer, extra: str = ""
) -> AsyncIterator[tuple[NotifySite, Receiver, Receiver]]:
    """A site paging Slack and PagerDuty receivers, 10 healthy minutes behind it and then
    3 of failures: the outage the tests below follow (site, Slack, PagerDuty)."""
    slack, pagerduty = await receiver(aiohttp_server), await receiver(aiohttp_server, PAGERDUTY_OK)
    channels = channels_config(slack=slack.url, pagerduty=pagerduty.url, extra=extra)
    async with notify_site(notify_settings(tmp_path, channels)) as s:
        await lead(s.service)
        await feed(s, 10, failed=False)
        await feed(s, 3, failed=True)
        yield s, slack, pagerduty


def actions(pagerduty: Receiver) -> list[str]:
    return [body["event_action"] for body in pagerduty.bodies()]


async def test_an_outage_triggers_pagerduty_once_and_posts_to_slack_once(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    async with an_outage(tmp_path, aiohttp_server) as (s, slack, pagerduty):
        assert actions(pagerduty) == ["trigger"]
        (trigger,) = pagerduty.bodies()
        (group,) = await open_groups(s.db)
        assert trigger["dedup_key"] == f"statuspage-alert-group-{group.id}"
        assert trigger["routing_key"] == ROUTING_KEY
        assert trigger["payload"]["severity"] == "critical"
        assert trigger["payload"]["component"] == "API"
        at_group = f"{s.place.settings.current.file.site.url}/admin/alerts#group-{group.id}"
        assert trigger["client_url"] == at_group
        assert {"href": at_group, "text": "Alerts"} in trigger["links"]
        (message,) = slack.bodies()
        assert message["channel"] == "#incidents"
        assert message["text"].startswith("Critical: API")


async def test_the_slack_message_links_the_incident_the_group_opened(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    async with an_outage(tmp_path, aiohttp_server) as (s, slack, _pagerduty):
        (group,) = await open_groups(s.db)
        (message,) = slack.bodies()
        links = message["blocks"][-1]["elements"][0]["text"]
        assert f"/admin/incidents/{group.incident_id}|Incident #{group.incident_id}>" in links
        assert f"/admin/alerts#group-{group.id}|Alerts>" in links


async def test_recovery_resolves_pagerduty_once_when_the_critical_alerts_end(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    async with an_outage(tmp_path, aiohttp_server) as (s, slack, pagerduty):
        # The critical alerts (error rate, fast burn) clear; the 10-minute info holds.
        await feed(s, 12, failed=False)
        assert actions(pagerduty) == ["trigger", "resolve"]
        assert len({body["dedup_key"] for body in pagerduty.bodies()}) == 1
        assert await open_groups(s.db) != []

        await feed(s, 12, failed=False)
        assert actions(pagerduty) == ["trigger", "resolve"]
        assert [m["text"].split(":")[0] for m in slack.bodies()] == ["Critical", "Resolved"]
        assert await open_groups(s.db) == []


async def test_nothing_is_sent_for_a_component_under_maintenance(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    async with an_outage(tmp_path, aiohttp_server) as (s, slack, pagerduty):
        (group,) = await open_groups(s.db)
        await record_status_change(
            s.db, "api", "under_maintenance", at=s.clock.now, source=StatusSource.MAINTENANCE
        )
        s.clock.advance(hours=2)  # a reminder would be due
        await acknowledge(s.db, group.alerts[0].id, actor="alice", now=s.clock.now)

        await feed(s, 30, failed=True)

        assert actions(pagerduty) == ["trigger"]
        assert len(slack.received) == 1


async def test_acknowledging_acknowledges_pagerduty_and_stops_reminders(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    async with an_outage(tmp_path, aiohttp_server) as (s, slack, pagerduty):
        (group,) = await open_groups(s.db)

        await acknowledge(s.db, group.alerts[0].id, actor="alice", now=s.clock.now)
        await feed(s, 60, failed=True)

        assert actions(pagerduty) == ["trigger", "acknowledge"]
        assert slack.bodies()[-1]["text"] == "Acknowledged by alice: API"


async def test_an_unacknowledged_group_is_escalated_at_its_response_time(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    async with an_outage(tmp_path, aiohttp_server) as (s, slack, pagerduty):
        await feed(s, 27, failed=True)  # API is P1: 30 minutes
        assert actions(pagerduty) == ["trigger"]
        await feed(s, 3, failed=True)

        key = pagerduty.bodies()[0]["dedup_key"]
        about_group = [b for b in pagerduty.bodies() if b["dedup_key"] == key]
        assert [b["event_action"] for b in about_group] == ["trigger", "trigger"]
        assert about_group[1]["payload"]["custom_details"]["reminder"] == 1
        assert any("not acknowledged yet" in m["text"] for m in slack.bodies())
        # (Its draft incident, unacknowledged as long, raises an alert of its own: below.)


async def test_a_missed_response_target_pages_a_new_pagerduty_incident(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    """A critical group's reminder re-triggers its own dedup_key at the same severity,
    which PagerDuty merges into the incident already open: it escalates nothing. The
    escalation is `response-target-missed`, triggered under another group's key."""
    async with an_outage(tmp_path, aiohttp_server) as (s, _slack, pagerduty):
        outage_key = pagerduty.bodies()[0]["dedup_key"]
        await feed(s, 30, failed=True)  # API is P1: 30 minutes

        same_key = [b for b in pagerduty.bodies() if b["dedup_key"] == outage_key]
        assert [b["payload"]["severity"] for b in same_key] == ["critical", "critical"]
        missed = [b for b in pagerduty.bodies() if b["dedup_key"] != outage_key]
        assert [b["event_action"] for b in missed] == ["trigger"]
        assert missed[0]["payload"]["class"] == "response-target-missed"
        assert missed[0]["payload"]["severity"] == "critical"
        groups = {g.id for g in await open_groups(s.db)}
        assert missed[0]["dedup_key"] in {f"statuspage-alert-group-{g}" for g in groups}


async def test_a_silenced_group_is_not_reminded_until_the_silence_ends(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    async with an_outage(tmp_path, aiohttp_server) as (s, _slack, pagerduty):
        (group,) = await open_groups(s.db)
        for alert in group.alerts:
            await silence(s.db, alert.id, minutes=60, actor="alice", now=s.clock.now)
        key = pagerduty.bodies()[0]["dedup_key"]

        def about_group() -> list[str]:
            return [b["event_action"] for b in pagerduty.bodies() if b["dedup_key"] == key]

        await feed(s, 40, failed=True)  # the 30-minute reminder falls in the silence
        assert about_group() == ["trigger"]
        await feed(s, 25, failed=True)
        assert about_group() == ["trigger", "trigger"]


# A warning that holds the group open for an hour after an outage (as the slow burn does).
WARNING_HOLDS = '\n[[alerts]]\nname = "error-rate-warning"\nresolve_for_s = 3600\n'


async def test_a_second_outage_in_a_group_held_open_by_a_warning_pages_afresh(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    async with an_outage(tmp_path, aiohttp_server, WARNING_HOLDS) as (s, slack, pagerduty):
        (group,) = await open_groups(s.db)
        await acknowledge(s.db, group.alerts[0].id, actor="alice", now=s.clock.now)
        await feed(s, 12, failed=False)
        assert actions(pagerduty) == ["trigger", "acknowledge", "resolve"]
        (still,) = await open_groups(s.db)
        first_incident, told_slack = still.incident_id, len(slack.received)

        await feed(s, 3, failed=True)

        assert actions(pagerduty) == ["trigger", "acknowledge", "resolve", "trigger"]
        assert [b["text"].split(":")[0] for b in slack.bodies()[told_slack:]] == ["Critical"]
        (again,) = await open_groups(s.db)
        assert (again.id, again.acknowledged_at) == (group.id, None)
        assert again.opened_at > still.opened_at
        assert again.incident_id not in (None, first_incident)
