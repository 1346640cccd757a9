"""The two incident pages, assembled from what was loaded.

Each page is loaded plain (`IncidentData`, `NewIncidentData`: what storage returned,
read by `views_incidents.load_incident` and `load_new_incident`), then assembled here
(`incident_page`, `new_incident_page`) without I/O, so tests can check the assembly
with data built inline (tests/admin/test_incident_pages.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from statuspage.admin.forms import (
    INCIDENT_UPDATE_STATUSES,
    MAINTENANCE_UPDATE_STATUSES,
    input_time,
)
from statuspage.admin.incident_context import (
    Choice,
    ComponentNow,
    Form,
    IncidentPage,
    NewIncidentPage,
    component_fields,
    incident_header,
    update_row,
    update_statuses_for,
)
from statuspage.admin.pages import Chrome
from statuspage.presentation.display import clean_text
from storage.alerts.reads import GroupView
from storage.incidents.reads import IncidentView
from storage.tables.templates import IncidentTemplate
from storage.vocabulary import ComponentStatus, IncidentStatus


def template_choices(templates: Sequence[IncidentTemplate]) -> tuple[Choice, ...]:
    """Every template, to offer as links: value is its id, label its name."""
    return tuple(Choice(str(t.id), clean_text(t.name)) for t in templates)


@dataclass(frozen=True, slots=True)
class NewIncidentData:
    """What the new-incident page shows, as loaded."""

    components: tuple[ComponentNow, ...]  # every component, with its status now
    templates: tuple[IncidentTemplate, ...]  # every template, to offer
    template: IncidentTemplate | None = None  # the one `?template=` named, if it exists


def first_form(data: NewIncidentData) -> Form:
    """The form, empty or filled in from the template asked for, to review."""
    values = {"status": IncidentStatus.INVESTIGATING, "impact": "auto"}
    selected: dict[str, str] = {}
    if data.template is not None:
        values |= {"name": data.template.title, "body": data.template.body}
        selected = dict(data.template.components)
    return Form(values=values, components=component_fields(data.components, selected))


def new_incident_page(
    data: NewIncidentData, chrome: Chrome, time_zone: str, form: Form | None = None
) -> NewIncidentPage:
    """The new-incident page; a form passed in (typed values, errors) replaces the first."""
    templates = template_choices(data.templates)
    return NewIncidentPage(chrome, form or first_form(data), time_zone, templates=templates)


@dataclass(frozen=True, slots=True)
class IncidentData:
    """What the incident page shows, as loaded: the incident, every component with its
    status now, every template, and what the address asked the update form to start
    from (`?template=`, `?proposal=`), when it exists."""

    incident: IncidentView
    components: tuple[ComponentNow, ...]
    templates: tuple[IncidentTemplate, ...]
    template: IncidentTemplate | None = None
    proposal: GroupView | None = None  # the alert group `?proposal=` named


@dataclass(frozen=True, slots=True)
class Shown:
    """What a handler shows in place of the incident page's defaults: a form as typed
    (with its errors or preview), or the delete box's refusal."""

    update_form: Form | None = None
    edit_form: Form | None = None
    postmortem_form: Form | None = None
    delete_error: str | None = None


NOTHING_TYPED = Shown()  # the page as loaded: every form at its default


def incident_page(
    data: IncidentData,
    chrome: Chrome,
    tz: ZoneInfo,
    site_url: str,
    shown: Shown = NOTHING_TYPED,
) -> IncidentPage:
    """The incident page; a form in `shown` replaces its default. The update form
    starts from a recovery's proposal, else from a template, else from the incident."""
    incident = data.incident
    update_form = shown.update_form or proposal_form(data) or template_form(data)
    postmortem = Form(values={"postmortem_body": incident.postmortem_body or ""})
    return IncidentPage(
        chrome=chrome,
        incident=incident_header(incident, tz, site_url),
        updates=tuple(update_row(u, tz) for u in incident.updates),
        update_form=update_form or default_update_form(data),
        edit_form=shown.edit_form or Form(values=edit_values(incident, tz)),
        postmortem_form=shown.postmortem_form or postmortem,
        delete_error=shown.delete_error,
        time_zone=tz.key,
        update_statuses=update_statuses_for(incident),
        templates=() if incident.is_maintenance else template_choices(data.templates),
    )


def default_update_form(data: IncidentData) -> Form:
    """Pre-filled with the incident's status and each affected component's status now
    (a draft's: the status it gives the component, since it has not acted yet)."""
    incident = data.incident
    current = {c.id: c.status for c in data.components}
    shown = {
        cid: link if incident.draft else (current.get(cid) or ComponentStatus.OPERATIONAL)
        for cid, link in incident.components.items()
    }
    return Form(
        values={"status": _default_status(incident)},
        components=component_fields(data.components, shown),
    )


def _default_status(incident: IncidentView) -> str:
    statuses = MAINTENANCE_UPDATE_STATUSES if incident.is_maintenance else INCIDENT_UPDATE_STATUSES
    return incident.status if incident.status in statuses else statuses[-1]


def template_form(data: IncidentData) -> Form | None:
    """`?template=<id>`: the update form with the template's message and its components'
    statuses over the ones shown now (only those differences are posted)."""
    if data.template is None:
        return None
    form = default_update_form(data)
    shown = {c.id: c.selected for c in form.components if c.selected}
    fields = component_fields(data.components, shown | data.template.components, shown)
    return replace(form, values={**form.values, "body": data.template.body}, components=fields)


def proposal_form(data: IncidentData) -> Form | None:
    """`?proposal=<alert group>`: the update form filled in with the resolving update
    recovery proposed for this incident, to review and post. The text is read from the
    group, never from the address, so a link cannot put words in an operator's mouth."""
    group = data.proposal
    if group is None or group.incident_id != data.incident.id or not group.proposed_update:
        return None
    form = default_update_form(data)
    values = {**form.values, "status": IncidentStatus.RESOLVED, "body": group.proposed_update}
    return replace(form, values=values)


def edit_values(incident: IncidentView, tz: ZoneInfo) -> dict[str, str]:
    values = {
        "name": incident.name,
        "severity": incident.severity or "",
        "impact": incident.impact if incident.impact_override else "auto",
    }
    if incident.scheduled_for is not None:
        values["scheduled_for"] = input_time(incident.scheduled_for, tz)
    if incident.scheduled_until is not None:
        values["scheduled_until"] = input_time(incident.scheduled_until, tz)
    return values
