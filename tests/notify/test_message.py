"""What a message about an alert group says, decided when it is queued."""

from __future__ import annotations

from datetime import timedelta

from statuspage.notify.message import Site, group_payload, subject_name
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
    assert subject_name("site", None) == "The whole site"
    assert subject_name("address:203.0.113.9", None) == "Client address 203.0.113.9"
    assert subject_name("incident:42", None) == "Incident 42"
    assert subject_name("component:api", "API") == "API"
