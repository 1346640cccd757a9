"""Incident templates: list, create, edit, delete, and use one to fill the new-incident form.

Using a template never publishes anything: it opens the new-incident form filled in
with the template's title, message and components, for the operator to review.

Each page is loaded plain (`load_templates`; `load_components_now` for the form), then
assembled (`templates_page`, `template_form_page`) without I/O, also when the form
comes back refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aiohttp import web

from statuspage import keys
from statuspage.admin.forms import COMPONENT_PREFIX, component_statuses, form_text
from statuspage.admin.incident_context import (
    COMPONENT_CHOICES,
    Choice,
    ComponentNow,
    Form,
    component_fields,
    load_component_ids,
    load_components_now,
)
from statuspage.admin.pages import Chrome, chrome, message, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.admin.views_incidents import chosen
from statuspage.http.form_body import posted_form
from statuspage.presentation.display import clean_text
from storage.components import list_components
from storage.database import Database
from storage.errors import NotFound
from storage.incidents.rules import IncidentError
from storage.incidents.templates import (
    TemplateInput,
    delete_template,
    get_template,
    list_templates,
    save_template,
)
from storage.tables.templates import IncidentTemplate
from storage.vocabulary import AFFECTING_STATUSES, ComponentStatus

TEMPLATE = r"/admin/templates/{template_id:[0-9]{1,9}}"
FIELDS = ("template_name", "title", "body")


@dataclass(frozen=True, slots=True)
class TemplateCard:
    id: int
    name: str
    title: str
    affects: tuple[str, ...]  # "API: Major Outage"


@dataclass(frozen=True, slots=True)
class TemplatesPage:
    """Context of admin/templates.html."""

    chrome: Chrome
    templates: tuple[TemplateCard, ...]


@dataclass(frozen=True, slots=True)
class TemplateFormPage:
    """Context of admin/template_form.html: a new template (`template_id` None) or one."""

    chrome: Chrome
    form: Form
    template_id: int | None
    component_statuses: tuple[Choice, ...] = COMPONENT_CHOICES[1:]


@dataclass(frozen=True, slots=True)
class TemplatesData:
    """What the templates page shows, as loaded."""

    templates: tuple[IncidentTemplate, ...]
    component_names: Mapping[str, str]  # id -> name, of every component not archived


async def load_templates(db: Database) -> TemplatesData:
    names = {c.id: c.name for c in await list_components(db)}
    return TemplatesData(tuple(await list_templates(db)), names)


def templates_page(data: TemplatesData, chrome: Chrome) -> TemplatesPage:
    return TemplatesPage(
        chrome, tuple(template_card(t, data.component_names) for t in data.templates)
    )


def template_card(template: IncidentTemplate, names: Mapping[str, str]) -> TemplateCard:
    """A component no longer listed is named by its id."""
    affects = tuple(
        f"{clean_text(names.get(cid, cid))}: {ComponentStatus(status).label}"
        for cid, status in template.components.items()
    )
    assert template.id is not None
    return TemplateCard(template.id, clean_text(template.name), clean_text(template.title), affects)


def template_form_page(
    chrome: Chrome,
    components: Sequence[ComponentNow],
    template_id: int | None,
    values: Mapping[str, str] | None = None,
    selected: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> TemplateFormPage:
    """The form for a new template (`template_id` None) or template `template_id`: empty,
    as saved, or as typed (`values`, each component's status in `selected`) with the
    refused field's message in `errors`."""
    form = Form(values or {}, errors or {}, None, component_fields(components, selected or {}))
    return TemplateFormPage(chrome, form, template_id)


def saved_values(template: IncidentTemplate) -> dict[str, str]:
    """The form's fields as `template` holds them."""
    return {"template_name": template.name, "title": template.title, "body": template.body}


def form_title(template_id: int | None) -> str:
    return "New template" if template_id is None else "Edit template"


async def templates_view(request: web.Request) -> web.Response:
    data = await load_templates(request.app[keys.DATABASE])
    page = templates_page(data, await chrome(request, "Templates"))
    return render(request, "admin/templates.html", page)


async def new_template_form(request: web.Request) -> web.Response:
    components = await load_components_now(request.app[keys.DATABASE])
    page = template_form_page(await chrome(request, form_title(None)), components, None)
    return render(request, "admin/template_form.html", page)


async def edit_template_form(request: web.Request) -> web.Response:
    db = request.app[keys.DATABASE]
    try:
        template = await get_template(db, _id(request))
    except NotFound:
        return _not_found(request)
    components, title = await load_components_now(db), form_title(template.id)
    page = template_form_page(
        await chrome(request, title), components, template.id,
        saved_values(template), template.components,
    )  # fmt: skip
    return render(request, "admin/template_form.html", page)


async def create_template_view(request: web.Request) -> web.Response:
    return await _save(request, None)


async def edit_template_view(request: web.Request) -> web.Response:
    return await _save(request, _id(request))


async def _save(request: web.Request, template_id: int | None) -> web.Response:
    db = request.app[keys.DATABASE]
    posted, ids = await posted_form(request), await load_component_ids(db)
    values = {name: form_text(posted, name) for name in FIELDS}
    try:
        template = TemplateInput(
            name=values["template_name"],
            title=values["title"],
            body=values["body"],
            components=component_statuses(posted, ids, AFFECTING_STATUSES),
        )
        await save_template(
            db, template, now=request.app[ADMIN].clock(),
            actor=request[USER].name, template_id=template_id,
        )  # fmt: skip
    except IncidentError as refused:
        typed, errors = chosen(posted, ids, COMPONENT_PREFIX), {refused.field: refused.message}
        page = template_form_page(
            await chrome(request, form_title(template_id)), await load_components_now(db),
            template_id, values, typed, errors,
        )  # fmt: skip
        return render(request, "admin/template_form.html", page, 400)
    except NotFound:
        return _not_found(request)
    return see_other("/admin/templates?done=template")


async def delete_template_view(request: web.Request) -> web.Response:
    try:
        await delete_template(
            request.app[keys.DATABASE], _id(request),
            now=request.app[ADMIN].clock(), actor=request[USER].name,
        )  # fmt: skip
    except NotFound:
        return _not_found(request)
    return see_other("/admin/templates?done=deleted")


def _id(request: web.Request) -> int:
    return int(request.match_info["template_id"])


def _not_found(request: web.Request) -> web.Response:
    return message(request, 404, "Not found", "There is no such template.")
