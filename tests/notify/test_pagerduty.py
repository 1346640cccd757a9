"""PagerDuty Events API v2: one dedup_key per alert group, trigger, acknowledge and
resolve, severities mapped, and a reminder escalating one severity up."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from pytest_aiohttp import AiohttpServer

from statuspage.channel_specs import ChannelConfig
from statuspage.notify.channels.base import DeliveryError
from statuspage.notify.channels.pagerduty import PagerDutyChannel, pagerduty_event
from tests.notify.helpers import group_message, outside
from tests.notify.receivers import PAGERDUTY_OK, Answer, receiver

KEY = "statuspage-alert-group-3"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def test_firing_triggers_with_the_groups_key_and_severity() -> None:
    event = pagerduty_event(group_message(), "rk", KEY)
    assert (event["event_action"], event["dedup_key"], event["routing_key"]) == (
        "trigger",
        KEY,
        "rk",
    )
    assert event["payload"]["severity"] == "critical"
    assert event["payload"]["summary"] == "Critical: API: error-rate-critical"
    assert event["payload"]["source"] == "http://status.acme.test"
    assert event["payload"]["class"] == "error-rate-critical"
    at_group = "http://status.acme.test/admin/alerts#group-3"
    assert event["client_url"] == at_group
    assert event["links"] == [{"href": at_group, "text": "Alerts"}]


@pytest.mark.parametrize(
    ("event", "action"), [("acknowledged", "acknowledge"), ("resolved", "resolve")]
)
def test_acknowledge_and_resolve_name_the_same_incident_and_nothing_else(
    event: str, action: str
) -> None:
    assert pagerduty_event(group_message(event), "rk", KEY) == {
        "routing_key": "rk",
        "event_action": action,
        "dedup_key": KEY,
    }


@pytest.mark.parametrize(
    ("severity", "escalated"), [("info", "warning"), ("warning", "error"), ("critical", "critical")]
)
def test_a_reminder_re_triggers_one_severity_up(severity: str, escalated: str) -> None:
    event = pagerduty_event(group_message("reminder", severity=severity, reminder=1), "rk", KEY)
    assert (event["event_action"], event["payload"]["severity"]) == ("trigger", escalated)
    assert event["payload"]["custom_details"]["reminder"] == 1


async def test_an_event_is_posted_and_the_answer_kept(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    events = await receiver(aiohttp_server, PAGERDUTY_OK)
    config = ChannelConfig("pd", "pagerduty", url=events.url, routing_key="rk")
    answer = await PagerDutyChannel(config, outside(http)).notify(group_message())
    assert answer == 'HTTP 202: {"status":"success","message":"Event processed"}'
    assert events.bodies()[0]["dedup_key"] == KEY


async def test_a_refused_routing_key_is_permanent(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    events = await receiver(aiohttp_server, Answer(400, '{"status":"invalid event"}'))
    config = ChannelConfig("pd", "pagerduty", url=events.url, routing_key="wrong")
    with pytest.raises(DeliveryError) as caught:
        await PagerDutyChannel(config, outside(http)).notify(group_message())
    assert caught.value.permanent


async def test_a_test_message_is_triggered_and_resolved_at_once(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    from statuspage.notify.message import Message, Site, testing_payload
    from storage.vocabulary import NotificationEvent
    from tests.alerting.helpers import NOW

    events = await receiver(aiohttp_server, PAGERDUTY_OK)
    config = ChannelConfig("pd", "pagerduty", url=events.url, routing_key="rk")
    payload = testing_payload(Site("Acme", "http://s.test"), "pd", NOW)
    await PagerDutyChannel(config, outside(http)).notify(
        Message(None, "pd", NotificationEvent.TEST, None, None, payload)
    )
    opened, closed = events.bodies()
    assert (opened["event_action"], closed["event_action"]) == ("trigger", "resolve")
    assert opened["dedup_key"] == closed["dedup_key"]
    assert opened["payload"]["severity"] == "info"
