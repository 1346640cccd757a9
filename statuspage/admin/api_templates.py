"""The write API's incident templates, for scripts that keep them in version control.

    GET    /api/admin/templates        200, {"templates": [...]} by name
    POST   /api/admin/templates        201, the template; {"name", "title", "body"?, "components"?}
    PUT    /api/admin/templates/{id}   200, the template; the same body, replacing it
    DELETE /api/admin/templates/{id}   204

The same storage writes and checks as the admin pages (`storage/incidents/templates.py`),
audited as "token:<name>". Using a template stays a person's act in the admin area:
there is no endpoint that opens an incident from one (POST /api/admin/incidents does).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.admin import api_input as read
from statuspage.admin.api import actor_of, api_handler
from statuspage.admin.state import ADMIN
from statuspage.api.v2 import Json, timestamp
from storage.incidents.rules import IncidentError
from storage.incidents.templates import (
    TemplateInput,
    delete_template,
    get_template,
    list_templates,
    save_template,
)
from storage.tables.templates import IncidentTemplate

TEMPLATES = "/api/admin/templates"
ONE_TEMPLATE = TEMPLATES + r"/{template_id:[0-9]{1,9}}"
MISSING = "no such template"
KEYS = ("name", "title", "body", "components")


def setup_template_api(router: web.UrlDispatcher) -> None:
    router.add_get(TEMPLATES, api_handler(list_templates_api, MISSING))
    router.add_post(TEMPLATES, api_handler(create_template_api, MISSING))
    router.add_put(ONE_TEMPLATE, api_handler(replace_template_api, MISSING))
    router.add_delete(ONE_TEMPLATE, api_handler(delete_template_api, MISSING))


def template_json(template: IncidentTemplate, tz: ZoneInfo) -> Json:
    return {
        "id": str(template.id),
        "name": template.name,
        "title": template.title,
        "body": template.body,
        "components": template.components,
        "created_at": timestamp(template.created_at, tz),
        "updated_at": timestamp(template.updated_at, tz),
    }


async def list_templates_api(request: web.Request) -> web.Response:
    tz = request.app[keys.SETTINGS].current.tz
    found = await list_templates(request.app[keys.DATABASE])
    return web.json_response({"templates": [template_json(t, tz) for t in found]})


async def create_template_api(request: web.Request) -> web.Response:
    return await _save(request, None, 201)


async def replace_template_api(request: web.Request) -> web.Response:
    return await _save(request, int(request.match_info["template_id"]), 200)


async def _save(request: web.Request, template_id: int | None, status: int) -> web.Response:
    data = await read.json_object(request, KEYS)
    template = TemplateInput(
        name=read.text(data, "name", required=True) or "",
        title=read.text(data, "title", required=True) or "",
        body=read.text(data, "body") or "",
        components=read.component_map(data) or {},
    )
    db = request.app[keys.DATABASE]
    try:
        saved = await save_template(
            db, template, now=request.app[ADMIN].clock(), actor=actor_of(request),
            template_id=template_id,
        )  # fmt: skip
    except IncidentError as refused:
        # The admin form calls the template's name "template_name"; here it is "name".
        field = "name" if refused.field == "template_name" else refused.field
        raise IncidentError(field, refused.message) from None
    tz = request.app[keys.SETTINGS].current.tz
    return web.json_response(template_json(await get_template(db, saved), tz), status=status)


async def delete_template_api(request: web.Request) -> web.Response:
    await delete_template(
        request.app[keys.DATABASE], int(request.match_info["template_id"]),
        now=request.app[ADMIN].clock(), actor=actor_of(request),
    )  # fmt: skip
    return web.Response(status=204)
