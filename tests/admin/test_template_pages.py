"""The incident-template pages assembled from hand-made data: the list's cards and the
form, new, as saved, or refused; no database, no request."""

from __future__ import annotations

from statuspage.admin.incident_context import COMPONENT_CHOICES, ComponentNow, Form
from statuspage.admin.pages import Chrome
from statuspage.admin.views_templates import (
    TemplatesData,
    form_title,
    saved_values,
    template_card,
    template_form_page,
    templates_page,
)
from storage.tables.templates import IncidentTemplate
from storage.vocabulary import ComponentStatus
from tests.admin.helpers import NOW

CHROME = Chrome("t", "Acme Status", "alice", "token", "Europe/Berlin", (), None)
COMPONENTS = (
    ComponentNow("api", "API", "Platform", ComponentStatus.PARTIAL_OUTAGE),
    ComponentNow("db", "Database", "Platform", None),
)
NAMES = {"api": "API", "db": "Data\u0007base"}


def template(template_id: int, name: str, components: dict[str, str]) -> IncidentTemplate:
    return IncidentTemplate(
        id=template_id,
        name=name,
        title="Payments are failing",
        body="We are **investigating**.",
        components=components,
        created_at=NOW,
        updated_at=NOW,
    )


PAYMENTS = template(
    4,
    "Payments\u0000 down",
    {"api": ComponentStatus.MAJOR_OUTAGE, "db": ComponentStatus.DEGRADED_PERFORMANCE},
)


def selected(form: Form) -> dict[str, str]:
    return {c.id: c.selected for c in form.components if c.selected}


def test_a_card_says_what_each_component_is_set_to_by_its_name() -> None:
    card = template_card(PAYMENTS, NAMES)
    assert (card.id, card.name, card.title) == (4, "Payments down", "Payments are failing")
    assert card.affects == ("API: Major Outage", "Database: Degraded Performance")


def test_a_component_no_longer_listed_is_named_by_its_id() -> None:
    card = template_card(template(5, "Old", {"legacy": ComponentStatus.PARTIAL_OUTAGE}), NAMES)
    assert card.affects == ("legacy: Partial Outage",)
    assert template_card(template(6, "Empty", {}), NAMES).affects == ()


def test_the_list_shows_one_card_per_template_in_the_order_loaded() -> None:
    empty = template(9, "Nothing broken", {})
    page = templates_page(TemplatesData((empty, PAYMENTS), NAMES), CHROME)
    assert page.chrome == CHROME
    assert [(c.id, c.name) for c in page.templates] == [(9, "Nothing broken"), (4, "Payments down")]
    assert templates_page(TemplatesData((), NAMES), CHROME).templates == ()


def test_a_new_template_form_is_empty_and_offers_only_statuses_that_affect() -> None:
    page = template_form_page(CHROME, COMPONENTS, None)
    assert (page.template_id, dict(page.form.values), selected(page.form)) == (None, {}, {})
    assert [c.id for c in page.form.components] == ["api", "db"]
    assert ComponentStatus.OPERATIONAL not in [c.value for c in page.component_statuses]
    assert page.component_statuses == COMPONENT_CHOICES[1:]
    assert (form_title(None), form_title(4)) == ("New template", "Edit template")


def test_editing_starts_from_the_template_as_saved() -> None:
    saved = template(4, "Payments down", PAYMENTS.components)
    page = template_form_page(CHROME, COMPONENTS, 4, saved_values(saved), saved.components)
    assert page.template_id == 4
    assert page.form.values == {
        "template_name": "Payments down",
        "title": "Payments are failing",
        "body": "We are **investigating**.",
    }
    assert selected(page.form) == {
        "api": ComponentStatus.MAJOR_OUTAGE,
        "db": ComponentStatus.DEGRADED_PERFORMANCE,
    }


def test_a_refused_component_comes_back_as_typed_under_the_components_name() -> None:
    typed = {"template_name": "Payments down", "title": "t", "body": ""}
    errors = {"components.api": "choose a component status: one of ..."}
    page = template_form_page(CHROME, COMPONENTS, 4, typed, {"api": "nope"}, errors)
    assert (page.form.values, page.form.errors) == (typed, errors)
    assert selected(page.form) == {"api": "nope"}
    assert page.form.label("components.api") == "API"
    assert page.template_id == 4
