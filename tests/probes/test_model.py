"""The probe contract: which statuses a check accepts, and a result as JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from probes.model import CheckSpec, Phases, ProbeResult, ProbeStatus


@pytest.mark.parametrize(
    ("http_status", "accepted"), [(199, False), (200, True), (299, True), (300, False)]
)
def test_any_2xx_is_accepted_when_no_status_is_expected(http_status: int, accepted: bool) -> None:
    assert CheckSpec("api", "http://x", sla_ms=100).accepts_status(http_status) is accepted


def test_only_the_expected_statuses_are_accepted_when_some_are_listed() -> None:
    check = CheckSpec("api", "http://x", sla_ms=100, expect_status=(204, 401))
    assert [check.accepts_status(s) for s in (200, 204, 401)] == [False, True, True]


def test_a_result_as_json_names_every_field_and_rounds_times_to_microseconds() -> None:
    result = ProbeResult(
        status=ProbeStatus.DEGRADED,
        latency_ms=12.34567,
        started_at=datetime(2026, 3, 10, 15, 20, tzinfo=UTC),
        phases=Phases(dns_ms=1.00049, connect_ms=2.0, tls_ms=None, ttfb_ms=3.5, total_ms=12.34567),
        http_status=200,
        error=None,
        within_sla=False,
        dependencies={"database": "up"},
        attempts=2,
    )
    assert result.as_json() == {
        "status": "degraded",
        "latency_ms": 12.346,
        "started_at": "2026-03-10T15:20:00+00:00",
        "http_status": 200,
        "error": None,
        "within_sla": False,
        "phases": {
            "dns_ms": 1.0,
            "connect_ms": 2.0,
            "tls_ms": None,
            "ttfb_ms": 3.5,
            "total_ms": 12.346,
        },
        "dependencies": {"database": "up"},
        "attempts": 2,
    }
