"""Time to acknowledgement and to the first human update, against a target."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from statuspage.rules.response_checks import (
    IncidentResponse,
    IncidentTimes,
    Verdict,
    check_response,
    first_human_update_at,
    incident_response,
)
from statuspage.rules.response_times import DEFAULT_CALENDAR
from storage.incidents.writes import AUTOMATION

START = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
DUE = START + timedelta(minutes=5)


def minutes(n: float) -> datetime:
    return START + timedelta(minutes=n)


def test_done_before_the_target_is_on_time() -> None:
    check = check_response(START, minutes(4), DUE, minutes(20))
    assert (check.took, check.done, check.verdict) == (timedelta(minutes=4), True, Verdict.ON_TIME)


def test_done_exactly_at_the_target_is_on_time() -> None:
    assert check_response(START, DUE, DUE, minutes(20)).verdict is Verdict.ON_TIME


def test_done_after_the_target_missed_it() -> None:
    assert check_response(START, minutes(6), DUE, minutes(20)).verdict is Verdict.MISSED


def test_not_done_before_the_target_is_waiting_for_so_long() -> None:
    check = check_response(START, None, DUE, minutes(3))
    assert (check.took, check.done, check.verdict) == (
        timedelta(minutes=3),
        False,
        Verdict.WAITING,
    )


def test_not_done_exactly_at_the_target_is_still_waiting() -> None:
    assert check_response(START, None, DUE, DUE).verdict is Verdict.WAITING


def test_not_done_after_the_target_has_missed_it_already() -> None:
    assert check_response(START, None, DUE, minutes(6)).verdict is Verdict.MISSED


def test_without_a_target_there_is_no_verdict() -> None:
    assert check_response(START, minutes(60), None, minutes(90)).verdict is None


def test_without_a_target_a_response_still_says_how_long_it_took() -> None:
    check = check_response(START, minutes(60), None, minutes(90))
    assert (check.took, check.done) == (timedelta(minutes=60), True)


def test_without_a_target_a_wait_still_says_how_long_so_far() -> None:
    check = check_response(START, None, None, minutes(90))
    assert (check.took, check.done) == (timedelta(minutes=90), False)


def test_an_acknowledgement_before_a_backdated_start_took_no_time() -> None:
    assert check_response(START, minutes(-5), DUE, minutes(1)).took == timedelta(0)


def test_the_first_human_update_skips_what_alerting_wrote() -> None:
    updates = [(minutes(0), AUTOMATION), (minutes(9), "alice"), (minutes(7), "token:pager")]
    assert first_human_update_at(updates) == minutes(7)


def test_an_update_without_an_author_is_not_a_persons() -> None:
    assert first_human_update_at([(minutes(1), None), (minutes(0), AUTOMATION)]) is None


def p1(resolved: float | None, acknowledged: float | None = None) -> IncidentTimes:
    return IncidentTimes(
        severity="P1",
        started_at=START,
        resolved_at=None if resolved is None else minutes(resolved),
        acknowledged_at=None if acknowledged is None else minutes(acknowledged),
        updates=((START, AUTOMATION),),
    )


def judged(incident: IncidentTimes, now: float) -> IncidentResponse:
    return incident_response(incident, minutes(now), ZoneInfo("UTC"), DEFAULT_CALENDAR)


def test_a_resolved_incidents_clock_stops_at_resolution() -> None:
    ack = judged(p1(resolved=20), now=600).acknowledgement
    assert (ack.took, ack.done, ack.verdict) == (timedelta(minutes=20), False, Verdict.NOT_NEEDED)


def test_resolved_after_its_target_without_a_response_missed_it() -> None:
    assert judged(p1(resolved=45), now=600).first_update.verdict is Verdict.MISSED


def test_a_resolved_incidents_acknowledgement_keeps_its_verdict() -> None:
    response = judged(p1(resolved=45, acknowledged=12), now=600)
    assert response.due_at == minutes(30)
    assert (response.acknowledgement.took, response.acknowledgement.verdict) == (
        timedelta(minutes=12),
        Verdict.ON_TIME,
    )
