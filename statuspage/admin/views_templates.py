"""Incident templates: list, create, edit, delete, and use one to fill the new-incident form.

Using a template never publishes anything: it opens the new-incident form filled in
with the template's title, message and components, for the operator to review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from statuspage import keys
from statuspage.admin.forms import COMPONENT_PREFIX, component_statuses, form_text
from statuspage.admin.incident_context import COMPONENT_CHOICES, Choice, Form, component_fields
from statuspage.admin.pages import Chrome, chrome, message, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.admin.views_incidents import chosen, component_ids, components_now
from statuspage.http.form_body import posted_form
from statuspage.presentation.display import clean_text
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


async def templates_page(request: web.Request) -> web.Response:
    names = {c.id: c.name for c in await components_now(request)}
    cards = tuple(_card(t, names) for t in await list_templates(request.app[keys.DATABASE]))
    return render(
        request, "admin/templates.html", TemplatesPage(await chrome(request, "Templates"), cards)
    )


def _card(template: IncidentTemplate, names: Mapping[str, str]) -> TemplateCard:
    affects = tuple(
        f"{clean_text(names.get(cid, cid))}: {ComponentStatus(status).label}"
        for cid, status in template.components.items()
    )
    assert template.id is not None
    return TemplateCard(template.id, clean_text(template.name), clean_text(template.title), affects)


async def new_template_form(request: web.Request) -> web.Response:
    form = Form(components=component_fields(await components_now(request), {}))
    return await _form_page(request, form, None)


async def edit_template_form(request: web.Request) -> web.Response:
    try:
        template = await get_template(request.app[keys.DATABASE], _id(request))
    except NotFound:
        return _not_found(request)
    values = {"template_name": template.name, "title": template.title, "body": template.body}
    fields = component_fields(await components_now(request), template.components)
    return await _form_page(request, Form(values=values, components=fields), template.id)


async def _form_page(
    request: web.Request, form: Form, template_id: int | None, status: int = 200
) -> web.Response:
    title = "New template" if template_id is None else "Edit template"
    page = TemplateFormPage(await chrome(request, title), form, template_id)
    return render(request, "admin/template_form.html", page, status)


async def create_template_view(request: web.Request) -> web.Response:
    return await _save(request, None)


async def edit_template_view(request: web.Request) -> web.Response:
    return await _save(request, _id(request))


async def _save(request: web.Request, template_id: int | None) -> web.Response:
    posted, ids = await posted_form(request), await component_ids(request)
    values = {name: form_text(posted, name) for name in FIELDS}
    try:
        template = TemplateInput(
            name=values["template_name"],
            title=values["title"],
            body=values["body"],
            components=component_statuses(posted, ids, AFFECTING_STATUSES),
        )
        await save_template(
            request.app[keys.DATABASE], template, now=request.app[ADMIN].clock(),
            actor=request[USER].name, template_id=template_id,
        )  # fmt: skip
    except IncidentError as refused:
        typed = chosen(posted, ids, COMPONENT_PREFIX)
        fields = component_fields(await components_now(request), typed)
        form = Form(values, {refused.field: refused.message}, None, fields)
        return await _form_page(request, form, template_id, 400)
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
