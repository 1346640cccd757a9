"""The pure v2 serialisers: timestamps, enum mapping at the edge, and the schemas' teeth."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statuspage.api.v2 import PageInfo, incident_v2, public_component_status, timestamp
from statuspage.api.views import json_text
from storage.incidents.reads import IncidentView
from tests.api.factories import TIMESTAMP
from tests.api.schemas import validator
from tests.storage.builders import incident_view

PAGE = PageInfo("p", "Page", "http://status.example.test", "UTC", datetime(2026, 1, 1, tzinfo=UTC))


def view(**fields: Any) -> IncidentView:
    return incident_view(datetime(2026, 1, 1, 12, tzinfo=UTC), **({"id": 7} | fields))


def test_a_whole_second_still_has_milliseconds() -> None:
    at = datetime(2026, 11, 26, 10, 15, 2, tzinfo=UTC)
    assert timestamp(at, ZoneInfo("UTC")) == "2026-11-26T10:15:02.000+00:00"


def test_timestamps_are_written_in_the_page_zone() -> None:
    at = datetime(2026, 11, 26, 10, 15, 2, 113999, tzinfo=UTC)
    assert timestamp(at, ZoneInfo("America/New_York")) == "2026-11-26T05:15:02.113-05:00"
    assert timestamp(at, ZoneInfo("Asia/Kolkata")) == "2026-11-26T15:45:02.113+05:30"


@given(
    st.datetimes(min_value=datetime(1800, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(["UTC", "Pacific/Chatham", "America/St_Johns", "Europe/Amsterdam"]),
)
def test_every_instant_matches_the_pattern_and_keeps_its_moment(at: datetime, zone: str) -> None:
    written = timestamp(at, ZoneInfo(zone))
    assert re.match(TIMESTAMP, written), written
    parsed = datetime.fromisoformat(written)
    assert timedelta(0) <= at - parsed < timedelta(milliseconds=1)  # truncated, same instant


def test_no_data_is_operational_at_the_edge() -> None:
    assert public_component_status(None) == "operational"
    assert public_component_status("major_outage") == "major_outage"


def test_an_incident_with_maintenance_impact_reads_none() -> None:
    assert incident_v2(view(impact="maintenance"), {}, PAGE)["impact"] == "none"


def test_a_stray_status_is_mapped_into_the_enum() -> None:
    assert incident_v2(view(status="completed"), {}, PAGE)["status"] == "resolved"
    stray = incident_v2(view(kind="maintenance", status="resolved"), {}, PAGE)
    assert stray["status"] == "completed"


def test_an_incident_without_updates_gets_a_stand_in() -> None:
    body = incident_v2(view(), {}, PAGE)
    assert [u["id"] for u in body["incident_updates"]] == ["incident-7"]
    validator("incidents.json").validate({"page": _page(), "incidents": [body]})


def _page() -> dict[str, str]:
    return {"id": "p", "name": "Page", "url": "http://x.test", "time_zone": "UTC",
            "updated_at": "2026-01-01T00:00:00.000+00:00"}  # fmt: skip


def _valid_incidents() -> dict[str, Any]:
    return {"page": _page(), "incidents": [incident_v2(view(), {}, PAGE)]}


@pytest.mark.parametrize(
    "spoil",
    [
        lambda b: b["incidents"][0].update(extra=1),
        lambda b: b["incidents"][0].pop("resolved_at"),
        lambda b: b["incidents"][0].update(id=7),
        lambda b: b["incidents"][0].update(created_at="2026-01-01T12:00:00+00:00"),
        lambda b: b["incidents"][0].update(impact="maintenance"),
        lambda b: b["incidents"][0].update(incident_updates=[]),
        lambda b: b["page"].pop("time_zone"),
    ],
    ids=["extra key", "missing key", "integer id", "no milliseconds", "bad enum", "no update",
         "page key"],
)  # fmt: skip
def test_the_schemas_reject_what_clients_would_trip_on(spoil: Any) -> None:
    body = copy.deepcopy(_valid_incidents())
    validator("incidents.json").validate(body)
    spoil(body)
    assert list(validator("incidents.json").iter_errors(body))


def test_lone_surrogates_and_controls_never_reach_the_json() -> None:
    body = incident_v2(view(name="bad \ud800 \x00 name"), {}, PAGE)
    text = json_text(body)
    assert json.loads(text)["name"] == "bad ?  name"
    text.encode("utf-8")  # strict: would raise on a surrogate
