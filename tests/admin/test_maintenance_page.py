"""The schedule-maintenance page and what a posted form becomes, from hand-made data:
no database, no request."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from statuspage.admin.incident_context import ComponentNow, Form
from statuspage.admin.pages import Chrome
from statuspage.admin.views_maintenance import (
    DEFAULT_MAINTENANCE_MESSAGE,
    maintenance_components,
    maintenance_page,
    new_maintenance,
)
from storage.vocabulary import ComponentStatus, IncidentKind, IncidentStatus

CHROME = Chrome("t", "Acme Status", "alice", "token", "Asia/Tokyo", (), None)
COMPONENTS = (
    ComponentNow("api", "API", "Platform", ComponentStatus.PARTIAL_OUTAGE),
    ComponentNow("db", "Database", "Platform", None),
    ComponentNow("web", "Website", None, ComponentStatus.OPERATIONAL),
)
UNDER = ComponentStatus.UNDER_MAINTENANCE
TYPED = {
    "name": "Database upgrade",
    "body": "",
    "scheduled_for": "2026-03-03T22:00",
    "scheduled_until": "2026-03-03T21:00",
    "notify_subscribers": "yes",
}


def ticked(form: Form) -> dict[str, str]:
    return {c.id: c.selected for c in form.components if c.selected}


def test_the_empty_form_lists_every_component_unticked_with_its_status_now() -> None:
    page = maintenance_page(CHROME, COMPONENTS, "Europe/Berlin")
    assert (page.chrome, page.time_zone) == (CHROME, "Europe/Berlin")
    assert (dict(page.form.values), dict(page.form.errors)) == ({}, {})
    assert [(c.id, c.current.label) for c in page.form.components] == [
        ("api", "Partial Outage"),
        ("db", "No Data Yet"),
        ("web", "Operational"),
    ]
    assert ticked(page.form) == {}


def test_only_ticked_boxes_naming_a_component_are_put_under_maintenance() -> None:
    chosen = maintenance_components(["web", "gone", "api", "web"], ["api", "db", "web"])
    assert chosen == {"api": UNDER, "web": UNDER}
    assert maintenance_components([], ["api"]) == {}


def test_a_refused_form_comes_back_as_typed_with_the_problem_under_its_label() -> None:
    errors = {"scheduled_until": "the window must end after it starts"}
    selected = {"db": UNDER}
    page = maintenance_page(CHROME, COMPONENTS, "Europe/Berlin", TYPED, selected, errors)
    assert page.form.values == TYPED
    assert page.form.errors == errors
    assert page.form.label("scheduled_until") == "Ends"
    assert ticked(page.form) == {"db": UNDER}
    assert page.time_zone == "Europe/Berlin"  # the site's, not the chrome's


def test_the_window_is_read_in_the_zone_given_and_a_blank_message_is_filled_in() -> None:
    values = TYPED | {"scheduled_until": "2026-03-04T01:00"}
    new = new_maintenance(values, {"api": UNDER}, ZoneInfo("Europe/Berlin"), author="alice")
    assert (new.kind, new.status, new.author) == (
        IncidentKind.MAINTENANCE,
        IncidentStatus.SCHEDULED,
        "alice",
    )
    assert new.scheduled_for == datetime(2026, 3, 3, 21, 0, tzinfo=UTC)
    assert new.scheduled_until == datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    assert new.body == DEFAULT_MAINTENANCE_MESSAGE
    assert dict(new.components) == {"api": UNDER}
    assert new.notify_subscribers is True
    tokyo = new_maintenance(values, {}, ZoneInfo("Asia/Tokyo"), author="alice")
    assert tokyo.scheduled_for == datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


def test_a_message_typed_is_kept_and_subscribers_are_told_only_when_asked() -> None:
    values = TYPED | {"body": "Ten minutes, read-only.", "notify_subscribers": ""}
    new = new_maintenance(values, {}, ZoneInfo("Europe/Berlin"), author="bob")
    assert (new.body, new.notify_subscribers) == ("Ten minutes, read-only.", False)
