"""What a message about an alert group says, decided when it is queued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from statuspage.notify.channels.slack import slack_body
from statuspage.notify.message import Message, Site, group_payload, subject_name
from storage.notify.outbox import FiringAlert, GroupFacts
from storage.vocabulary import AlertSeverity, NotificationEvent
from tests.alerting.helpers import NOW

SITE = Site("Acme Status", "http://status.acme.test")
CRITICAL = AlertSeverity.CRITICAL
ALERT = FiringAlert(
    "error-rate-critical",
    CRITICAL,
    NOW,
    None,
    {"error_rate_percent": 7.5, "failures": 3, "results": 40, "reason": "x"},
)


def group(**changes: object) -> GroupFacts:
    values: dict[str, object] = {
        "id": 3,
        "subject": "component:api",
        "component_id": "api",
        "severity": CRITICAL,
        "opened_at": NOW - timedelta(minutes=14),
        "resolved_at": None,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "incident_id": None,
        "firing": (ALERT,),
        "under_maintenance": False,
    }
    return GroupFacts(**(values | changes))  # type: ignore[arg-type]


def test_a_firing_message_names_the_component_and_reads_the_figures() -> None:
    payload = group_payload(
        group(),
        NotificationEvent.FIRING,
        CRITICAL,
        [ALERT],
        component_name="API",
        site=SITE,
        now=NOW,
    )
    assert payload["title"] == "Critical: API: error-rate-critical"
    assert payload["lines"] == ["error-rate-critical: error rate: 7.5 %, failures: 3, results: 40"]
    assert payload["alerts_url"] == "http://status.acme.test/admin/alerts#group-3"
    assert "incident_url" not in payload


def test_a_resolved_group_says_how_long_it_lasted() -> None:
    resolved = group(resolved_at=NOW, firing=())
    payload = group_payload(
        resolved, NotificationEvent.RESOLVED, CRITICAL, [], component_name="API", site=SITE, now=NOW
    )
    assert payload["title"] == "Resolved: API"
    assert payload["lines"] == ["Every alert resolved; it lasted 14 min."]


def test_a_channel_resolved_while_the_group_goes_on_is_told_so() -> None:
    payload = group_payload(
        group(), NotificationEvent.RESOLVED, CRITICAL, [], component_name="API", site=SITE, now=NOW
    )
    assert payload["lines"] == ["No critical alert is firing any more; others are still open."]


def test_subjects_without_a_component_read_as_the_admin_area_reads_them() -> None:
    assert subject_name("site", None, None) == "The whole site"
    assert subject_name("address:203.0.113.9", None, None) == "Client address 203.0.113.9"
    assert subject_name("incident:42", None, None) == "Incident 42"
    assert subject_name("component:api", "api", "API") == "API"


BERLIN = Site("Acme Status", "http://status.acme.test", ZoneInfo("Europe/Berlin"))
OPENED = datetime(2026, 12, 6, 4, 47, 18, 477696, tzinfo=UTC)
SILENT = FiringAlert(
    "no-recent-data", AlertSeverity.WARNING, OPENED, None,
    {"component": "web", "since_last_result_minutes": 7.5},
)  # fmt: skip


def silent_group(**changes: object) -> GroupFacts:
    values: dict[str, object] = {
        "subject": "silent:web",
        "component_id": "web",
        "opened_at": OPENED,
    }
    return group(**(values | changes))


def test_a_no_recent_data_message_names_the_component_and_its_silence() -> None:
    payload = group_payload(
        silent_group(firing=(SILENT,)), NotificationEvent.FIRING, AlertSeverity.WARNING,
        [SILENT], component_name="Web", site=BERLIN, now=OPENED,
    )  # fmt: skip
    assert payload["title"] == "Warning: Web: no-recent-data"
    assert payload["lines"] == ["no-recent-data: component: web, since last result: 7.5 min"]


def test_its_resolution_names_the_component() -> None:
    payload = group_payload(
        silent_group(resolved_at=OPENED + timedelta(minutes=9), firing=()),
        NotificationEvent.RESOLVED, AlertSeverity.WARNING, [], component_name="Web",
        site=BERLIN, now=OPENED + timedelta(minutes=9),
    )  # fmt: skip
    assert payload["title"] == "Resolved: Web"


def test_when_the_group_opened_reads_in_the_sites_zone_and_stays_iso_for_machines() -> None:
    payload = group_payload(
        silent_group(firing=(SILENT,)), NotificationEvent.FIRING, AlertSeverity.WARNING,
        [SILENT], component_name="Web", site=BERLIN, now=OPENED,
    )  # fmt: skip
    assert payload["opened_text"] == "6 Dec 2026, 05:47 CET (04:47 UTC)"
    assert payload["opened_at"] == "2026-12-06T04:47:18.477696Z"
    message = Message(1, "incidents", NotificationEvent.FIRING, AlertSeverity.WARNING, 3, payload)
    fields = [f["text"] for f in slack_body(message, None)["blocks"][1]["fields"]]
    assert "*Since*\n6 Dec 2026, 05:47 CET (04:47 UTC)" in fields


def test_on_a_utc_site_the_time_is_written_once() -> None:
    payload = group_payload(
        silent_group(firing=(SILENT,)), NotificationEvent.FIRING, AlertSeverity.WARNING,
        [SILENT], component_name="Web", site=SITE, now=OPENED,
    )  # fmt: skip
    assert payload["opened_text"] == "6 Dec 2026, 04:47 UTC"


def test_a_day_apart_from_utc_the_utc_date_is_written_too() -> None:
    tokyo = Site("Acme Status", "http://status.acme.test", ZoneInfo("Asia/Tokyo"))
    late = OPENED.replace(hour=20)
    payload = group_payload(
        silent_group(firing=(SILENT,), opened_at=late), NotificationEvent.FIRING,
        AlertSeverity.WARNING, [SILENT], component_name="Web", site=tokyo, now=late,
    )  # fmt: skip
    assert payload["opened_text"] == "7 Dec 2026, 05:47 JST (6 Dec 2026, 20:47 UTC)"
