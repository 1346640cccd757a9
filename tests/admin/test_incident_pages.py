"""The incident pages and the audit log assembled from hand-made data: the logic of
what each form starts from, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from statuspage.admin.incident_context import ComponentNow, Form, IncidentPage
from statuspage.admin.incident_pages import (
    NOTHING_TYPED,
    IncidentData,
    NewIncidentData,
    Shown,
    incident_page,
    new_incident_page,
)
from statuspage.admin.pages import Chrome
from statuspage.admin.views_audit import AUDIT_PAGE_SIZE, audit_page
from storage.alerts.reads import GroupView
from storage.audit import AuditPage, AuditView
from storage.tables.templates import IncidentTemplate
from storage.vocabulary import (
    AlertSeverity,
    ComponentStatus,
    Impact,
    IncidentKind,
    IncidentStatus,
    Severity,
)
from tests.admin.helpers import NOW
from tests.storage.builders import incident_view

BERLIN = ZoneInfo("Europe/Berlin")
CHROME = Chrome("t", "Acme Status", "alice", "token", "Europe/Berlin", (), None)
SITE_URL = "http://status.acme.test"
COMPONENTS = (
    ComponentNow("api", "API", "Platform", ComponentStatus.PARTIAL_OUTAGE),
    ComponentNow("db", "Database", "Platform", None),
    ComponentNow("web", "Website", None, ComponentStatus.OPERATIONAL),
)
OUTAGE = incident_view(
    NOW,
    id=7,
    name="Checkout fails",
    status=IncidentStatus.IDENTIFIED,
    impact=Impact.MAJOR,
    severity=Severity.P1,
    components={"api": ComponentStatus.MAJOR_OUTAGE, "db": ComponentStatus.MAJOR_OUTAGE},
)
TEMPLATE = IncidentTemplate(
    id=3,
    name="Mail delays",
    title="Mail is slow",
    body="Mail is **late**.",
    components={"web": ComponentStatus.DEGRADED_PERFORMANCE},
    created_at=NOW,
    updated_at=NOW,
)


def group(incident_id: int, proposed: str | None = "API recovered.") -> GroupView:
    return GroupView(
        id=11,
        subject="api",
        component_id="api",
        severity=AlertSeverity.CRITICAL,
        opened_at=NOW,
        resolved_at=NOW + timedelta(minutes=5),
        acknowledged_at=None,
        acknowledged_by=None,
        incident_id=incident_id,
        proposed_update=proposed,
        alerts=(),
    )


def page(data: IncidentData, shown: Shown = NOTHING_TYPED) -> IncidentPage:
    return incident_page(data, CHROME, BERLIN, SITE_URL, shown)


def selected(form: Form) -> dict[str, tuple[str, str]]:
    """Each component the form names: (what it shows, what it showed first)."""
    return {c.id: (c.selected, c.was) for c in form.components if c.selected or c.was}


def test_the_update_form_shows_each_affected_components_status_now() -> None:
    form = page(IncidentData(OUTAGE, COMPONENTS, ())).update_form
    assert form.values == {"status": IncidentStatus.IDENTIFIED}
    assert selected(form) == {
        "api": (ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.PARTIAL_OUTAGE),
        "db": (ComponentStatus.OPERATIONAL, ComponentStatus.OPERATIONAL),  # nothing recorded
    }


def test_a_drafts_update_form_shows_what_the_draft_gives_its_components() -> None:
    draft = replace(OUTAGE, draft=True)
    form = page(IncidentData(draft, COMPONENTS, ())).update_form
    assert selected(form) == {
        "api": (ComponentStatus.MAJOR_OUTAGE, ComponentStatus.MAJOR_OUTAGE),
        "db": (ComponentStatus.MAJOR_OUTAGE, ComponentStatus.MAJOR_OUTAGE),
    }


def test_a_finished_maintenance_starts_its_update_form_at_the_last_status() -> None:
    done = replace(OUTAGE, kind=IncidentKind.MAINTENANCE, status=IncidentStatus.RESOLVED)
    form = page(IncidentData(done, COMPONENTS, ())).update_form
    assert form.values == {"status": IncidentStatus.COMPLETED}


def test_a_recoverys_proposal_fills_the_update_form_to_resolve() -> None:
    form = page(IncidentData(OUTAGE, COMPONENTS, (), proposal=group(7))).update_form
    assert form.values == {"status": IncidentStatus.RESOLVED, "body": "API recovered."}
    assert selected(form)["api"] == (ComponentStatus.PARTIAL_OUTAGE,) * 2


def test_a_proposal_of_another_incident_or_without_text_is_not_offered() -> None:
    for proposal in (group(8), group(7, proposed=None), group(7, proposed="")):
        form = page(IncidentData(OUTAGE, COMPONENTS, (), proposal=proposal)).update_form
        assert form.values == {"status": IncidentStatus.IDENTIFIED}, proposal


def test_a_template_sets_its_message_and_its_components_over_the_ones_shown() -> None:
    data = IncidentData(OUTAGE, COMPONENTS, (TEMPLATE,), template=TEMPLATE)
    form = page(data).update_form
    assert form.values == {"status": IncidentStatus.IDENTIFIED, "body": "Mail is **late**."}
    assert selected(form) == {
        "api": (ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.PARTIAL_OUTAGE),
        "db": (ComponentStatus.OPERATIONAL, ComponentStatus.OPERATIONAL),
        "web": (ComponentStatus.DEGRADED_PERFORMANCE, ""),  # a change from what was shown
    }


def test_a_proposal_comes_before_a_template() -> None:
    data = IncidentData(OUTAGE, COMPONENTS, (), template=TEMPLATE, proposal=group(7))
    assert page(data).update_form.values["body"] == "API recovered."


def test_a_form_as_typed_replaces_the_default_and_the_others_stay() -> None:
    typed = Form({"body": "typed"}, {"body": "too long"})
    data = IncidentData(OUTAGE, COMPONENTS, (), template=TEMPLATE, proposal=group(7))
    shown = page(data, Shown(update_form=typed, delete_error="Tick the box."))
    assert shown.update_form is typed
    assert shown.delete_error == "Tick the box."
    assert shown.edit_form.values == {"name": "Checkout fails", "severity": "P1", "impact": "auto"}
    assert shown.postmortem_form.values == {"postmortem_body": ""}


def test_templates_are_offered_on_an_incident_not_on_a_maintenance() -> None:
    offered = page(IncidentData(OUTAGE, COMPONENTS, (TEMPLATE,))).templates
    assert [(c.value, c.label) for c in offered] == [("3", "Mail delays")]
    maintenance = replace(OUTAGE, kind=IncidentKind.MAINTENANCE)
    assert page(IncidentData(maintenance, COMPONENTS, (TEMPLATE,))).templates == ()


def test_the_new_incident_form_starts_investigating_with_the_impact_derived() -> None:
    shown = new_incident_page(NewIncidentData(COMPONENTS, (TEMPLATE,)), CHROME, "Europe/Berlin")
    assert shown.form.values == {"status": IncidentStatus.INVESTIGATING, "impact": "auto"}
    assert selected(shown.form) == {}
    assert [c.value for c in shown.templates] == ["3"]


def test_a_template_fills_the_new_incident_form_to_review() -> None:
    data = NewIncidentData(COMPONENTS, (TEMPLATE,), template=TEMPLATE)
    form = new_incident_page(data, CHROME, "Europe/Berlin").form
    assert form.values == {
        "status": IncidentStatus.INVESTIGATING,
        "impact": "auto",
        "name": "Mail is slow",
        "body": "Mail is **late**.",
    }
    assert selected(form) == {"web": (ComponentStatus.DEGRADED_PERFORMANCE,) * 2}


def test_a_new_incident_form_as_typed_replaces_the_first() -> None:
    typed = Form({"name": ""}, {"name": "a name is required"})
    data = NewIncidentData(COMPONENTS, (), template=TEMPLATE)
    assert new_incident_page(data, CHROME, "Europe/Berlin", typed).form is typed


def entries(count: int) -> tuple[AuditView, ...]:
    return tuple(AuditView(n, NOW, "bob", f"test.{n}", None, None, None) for n in range(count))


def test_the_audit_log_counts_its_pages_and_links_its_neighbours() -> None:
    middle = audit_page(AuditPage(entries(2), 2 * AUDIT_PAGE_SIZE + 1), CHROME, 2, BERLIN)
    assert (middle.page, middle.pages) == (2, 3)
    assert (middle.previous_url, middle.next_url) == ("/admin/audit?page=1", "/admin/audit?page=3")
    last = audit_page(AuditPage(entries(1), 2 * AUDIT_PAGE_SIZE), CHROME, 2, BERLIN)
    assert (last.pages, last.next_url) == (2, None)
    empty = audit_page(AuditPage((), 0), CHROME, 1, BERLIN)
    assert (empty.pages, empty.previous_url, empty.next_url) == (1, None, None)
