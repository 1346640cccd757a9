"""Time to acknowledgement and to the first human update, against a target."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from statuspage.rules.response_checks import Verdict, check_response, first_human_update_at
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
