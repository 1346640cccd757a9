"""The write API: the admin forms' writes for scripts, with a bearer token.

    GET    /api/admin/incidents[?draft=true|false&limit=N]   200, {"incidents": [...]}, drafts too
    GET    /api/admin/incidents/{id}                         200, incident (v2), a draft too
    GET    /api/admin/incidents/{id}/response-times          200, response times, open or resolved
    POST   /api/admin/incidents                              201, incident (v2)
    PATCH  /api/admin/incidents/{id}                         200, incident (v2)
    DELETE /api/admin/incidents/{id}                         204
    POST   /api/admin/incidents/{id}/updates                 201, incident (v2)
    PATCH  /api/admin/incidents/{id}/updates/{update_id}     200, incident (v2)
    DELETE /api/admin/incidents/{id}/updates/{update_id}     204
    POST   /api/admin/incidents/{id}/postmortem              200, incident (v2)
    POST   /api/admin/maintenances                           201, maintenance (v2)
    PATCH, DELETE /api/admin/maintenances/{id}               as for incidents

Alerts and error budgets: `statuspage.admin.api_alerts`.

The guard (`statuspage.admin.guard`) has already checked the token; cookies are
never read here, so there is nothing for a forged cross-site request to ride
on. Writes go through the same storage functions as the forms, with the same
checks and the same audit entries (actor "token:<name>"). Answers use the v2
shapes from `statuspage.api.v2`, so a client reads what it wrote exactly as
the public API will show it; response times, which the public never sees, come
beside an incident (the list's `response_times`, the `/response-times` path),
never inside it. Errors: {"error": {"status", "message", "field"}}.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from probes.digits import ascii_int
from statuspage import keys
from statuspage.admin import api_input as read
from statuspage.admin.incident_response_times import response_times_json
from statuspage.admin.state import ADMIN, TOKEN
from statuspage.api.data import load_snapshot
from statuspage.api.v2 import incident_v2
from statuspage.http.data_stamp import DATABASE_ERRORS
from storage.database_files import DatabaseFileReplaced
from storage.errors import NotFound
from storage.failures import Severity, diagnose
from storage.incidents.edits import (
    NO_SEVERITY,
    IncidentEdit,
    delete_incident,
    delete_update,
    edit_incident,
    edit_update,
    save_postmortem,
)
from storage.incidents.reads import IncidentFilter, IncidentView, get_incident, list_incidents
from storage.incidents.rules import MAINTENANCE_STATUSES, IncidentError, NewIncident, NewUpdate
from storage.incidents.writes import create_incident, post_update, publish_incident
from storage.vocabulary import IncidentKind, IncidentStatus

ApiHandler = Callable[[web.Request], Awaitable[web.Response]]
NEW_INCIDENT_KEYS = (
    "name",
    "status",
    "body",
    "severity",
    "components",
    "impact",
    "started_at",
    "draft",
    "deliver_notifications",
)
NEW_UPDATE_KEYS = ("status", "body", "components", "deliver_notifications")
NEW_MAINTENANCE_KEYS = (
    "name", "status", "body", "components", "scheduled_for", "scheduled_until", "draft",
    "deliver_notifications",
)  # fmt: skip
EDIT_KEYS = ("name", "impact", "severity", "draft", "scheduled_for", "scheduled_until")
DEFAULT_MAINTENANCE_MESSAGE = "We will be performing scheduled maintenance."


def setup_write_api(app: web.Application) -> None:
    router = app.router
    for base in ("/api/admin/incidents", "/api/admin/maintenances"):
        one = base + r"/{incident_id:[0-9]{1,18}}"
        router.add_patch(one, api_handler(edit_incident_api))
        router.add_delete(one, api_handler(delete_incident_api))
    incident = r"/api/admin/incidents/{incident_id:[0-9]{1,18}}"
    update = incident + r"/updates/{update_id:[0-9]{1,18}}"
    router.add_get("/api/admin/incidents", api_handler(list_incidents_api))
    router.add_get(incident, api_handler(get_incident_api))
    router.add_get(incident + "/response-times", api_handler(response_times_api))
    router.add_post("/api/admin/incidents", api_handler(create_incident_api))
    router.add_post(incident + "/updates", api_handler(post_update_api))
    router.add_patch(update, api_handler(edit_update_api))
    router.add_delete(update, api_handler(delete_update_api))
    router.add_post(incident + "/postmortem", api_handler(postmortem_api))
    router.add_post("/api/admin/maintenances", api_handler(create_maintenance_api))


def error(
    status: int, message: str, field: str | None = None, *, retry_after_s: int | None = None
) -> web.Response:
    body: dict[str, object] = {"status": status, "message": message}
    if field:
        body["field"] = field
    response = web.json_response({"error": body}, status=status)
    if retry_after_s is not None:
        response.headers["Retry-After"] = str(retry_after_s)
    return response


log = logging.getLogger(__name__)
DATABASE_RETRY_AFTER_S = 30
DATABASE_DOWN = (
    "the database did not answer in time, so this request may not have been stored: "
    "send it again later (pushed metric points replace themselves; check other writes "
    "before repeating them)"
)

FILE_REPLACED = (
    "the database file was removed or replaced, so this request was not stored: "
    "an operator must restore it or restart the service; send it again after that"
)


def database_unavailable(failure: BaseException, database_url: str) -> bool:
    """The database did not answer (down, cut off, locked, too slow): something that
    passes on its own, unlike a refused constraint or a schema out of date."""
    problem = diagnose(failure, database_url)
    return problem is not None and problem.severity is Severity.UNAVAILABLE


def api_handler(handler: ApiHandler, missing: str = "no such incident or update") -> ApiHandler:
    """Answers a refused field with 400, an unknown incident (or alert) with 404, and a
    database that does not answer with 503 and `Retry-After`: a client's cue to keep
    what it sent and try again, where a bare 500 says nothing of the kind."""

    async def wrapped(request: web.Request) -> web.Response:
        try:
            response = await handler(request)
        except IncidentError as refused:
            return error(400, refused.message, refused.field)
        except NotFound:
            return error(404, missing)
        except read.UnsupportedMediaType:
            return error(415, "send the body as JSON with Content-Type: application/json")
        except DatabaseFileReplaced as gone:
            log.error("write API %s %s refused: %s", request.method, request.path, gone)
            return error(503, FILE_REPLACED, retry_after_s=DATABASE_RETRY_AFTER_S)
        except DATABASE_ERRORS as failure:
            if not database_unavailable(failure, request.app[keys.SETTINGS].current.database_url):
                raise  # a constraint, a missing column, a bug: a 500, not "try again later"
            log.warning("write API %s %s: no database", request.method, request.path, exc_info=True)
            return error(503, DATABASE_DOWN, retry_after_s=DATABASE_RETRY_AFTER_S)
        return response

    return wrapped


def actor_of(request: web.Request) -> str:
    return f"token:{request[TOKEN].name}"[:100]


async def incident_json(request: web.Request, incident_id: int, status: int) -> web.Response:
    """The incident in the v2 shape exactly; the write API sees drafts (an alert's
    incident starts as one: `GET /api/admin/incidents?draft=true` lists them), the
    public API never does."""
    db, settings = request.app[keys.DATABASE], request.app[keys.SETTINGS].current
    view = await get_incident(db, incident_id, include_drafts=True)
    if view is None:
        raise NotFound(incident_id)
    snapshot = await load_snapshot(db, settings, now=request.app[ADMIN].clock())
    body = incident_v2(view, snapshot.components_by_id, snapshot.page)
    return web.json_response(body, status=status)


async def get_incident_api(request: web.Request) -> web.Response:
    return await incident_json(request, int(request.match_info["incident_id"]), 200)


async def response_times_api(request: web.Request) -> web.Response:
    """An incident's response times against its severity's target, open or resolved."""
    incident_id = int(request.match_info["incident_id"])
    view = await get_incident(request.app[keys.DATABASE], incident_id, include_drafts=True)
    if view is None or view.is_maintenance:
        raise NotFound(incident_id)
    body = {"incident_id": str(view.id), **_response_times(request, view)}
    return web.json_response(body)


def _response_times(request: web.Request, view: IncidentView) -> dict[str, object]:
    settings, now = request.app[keys.SETTINGS].current, request.app[ADMIN].clock()
    return response_times_json(view, now, settings.tz, settings.business_calendar)


MAX_LISTED = 100


async def list_incidents_api(request: web.Request) -> web.Response:
    """Incidents newest first, drafts included (`?draft=true`: only drafts), and beside
    them each one's response times by id (the incidents stay in the v2 shape exactly)."""
    draft = request.query.get("draft")
    if draft not in (None, "true", "false"):
        return error(400, "draft must be true or false", "draft")
    limit = ascii_int(request.query.get("limit", str(MAX_LISTED)))
    if limit is None or not 1 <= limit <= MAX_LISTED:
        return error(400, f"limit must be 1 to {MAX_LISTED}", "limit")
    db, settings = request.app[keys.DATABASE], request.app[keys.SETTINGS].current
    where = IncidentFilter(
        kinds=(IncidentKind.INCIDENT,),
        include_drafts=True,
        limit=limit if draft is None else None,
    )
    views = [
        v for v in await list_incidents(db, where) if draft is None or v.draft == (draft == "true")
    ]
    snapshot = await load_snapshot(db, settings, now=request.app[ADMIN].clock())
    listed = views[:limit]
    incidents = [incident_v2(v, snapshot.components_by_id, snapshot.page) for v in listed]
    times = {str(v.id): _response_times(request, v) for v in listed}
    return web.json_response({"incidents": incidents, "response_times": times})


async def create_incident_api(request: web.Request) -> web.Response:
    data = await read.json_object(request, NEW_INCIDENT_KEYS)
    tz = request.app[keys.SETTINGS].current.tz
    new = NewIncident(
        name=read.text(data, "name", required=True) or "",
        status=read.text(data, "status", required=True) or "",
        body=read.text(data, "body", required=True) or "",
        severity=read.text(data, "severity"),
        components=read.component_map(data) or {},
        impact=read.text(data, "impact"),
        started_at=read.moment(data, "started_at", tz),
        draft=read.flag(data, "draft", False),
        author=actor_of(request),
        notify_subscribers=read.flag(data, "deliver_notifications", True),
    )
    incident_id = await _create(request, new)
    return await incident_json(request, incident_id, 201)


async def _create(request: web.Request, new: NewIncident) -> int:
    now = request.app[ADMIN].clock()
    return await create_incident(request.app[keys.DATABASE], new, now=now, actor=actor_of(request))


async def create_maintenance_api(request: web.Request) -> web.Response:
    data = await read.json_object(request, NEW_MAINTENANCE_KEYS)
    tz = request.app[keys.SETTINGS].current.tz
    status = read.text(data, "status") or IncidentStatus.SCHEDULED
    if status not in MAINTENANCE_STATUSES:
        raise IncidentError("status", f"expected one of {', '.join(MAINTENANCE_STATUSES)}")
    new = NewIncident(
        name=read.text(data, "name", required=True) or "",
        status=status,
        body=(read.text(data, "body") or "").strip() or DEFAULT_MAINTENANCE_MESSAGE,
        kind=IncidentKind.MAINTENANCE,
        components=read.component_list(data, "under_maintenance"),
        scheduled_for=read.moment(data, "scheduled_for", tz),
        scheduled_until=read.moment(data, "scheduled_until", tz),
        draft=read.flag(data, "draft", False),
        author=actor_of(request),
        notify_subscribers=read.flag(data, "deliver_notifications", True),
    )
    return await incident_json(request, await _create(request, new), 201)


async def post_update_api(request: web.Request) -> web.Response:
    incident_id = int(request.match_info["incident_id"])
    data = await read.json_object(request, NEW_UPDATE_KEYS)
    status = read.text(data, "status", required=True) or ""
    if status == IncidentStatus.POSTMORTEM:
        raise IncidentError("status", "post a post-mortem to .../postmortem")
    update = NewUpdate(
        status=status,
        body=read.text(data, "body", required=True) or "",
        components=read.component_map(data),
        author=actor_of(request),
        notify_subscribers=read.flag(data, "deliver_notifications", True),
    )
    now = request.app[ADMIN].clock()
    await post_update(
        request.app[keys.DATABASE], incident_id, update, now=now, actor=actor_of(request)
    )
    return await incident_json(request, incident_id, 201)


async def edit_incident_api(request: web.Request) -> web.Response:
    incident_id = int(request.match_info["incident_id"])
    data = await read.json_object(request, EDIT_KEYS)
    if not data:
        raise IncidentError(read.REQUEST_FIELD, "send at least one field to change")
    tz = request.app[keys.SETTINGS].current.tz
    severity = read.text(data, "severity")
    edit = IncidentEdit(
        name=read.text(data, "name"),
        severity=NO_SEVERITY if "severity" in data and severity is None else severity,
        impact=read.text(data, "impact"),
        scheduled_for=read.moment(data, "scheduled_for", tz),
        scheduled_until=read.moment(data, "scheduled_until", tz),
    )
    if "draft" in data and read.flag(data, "draft", True):
        raise IncidentError("draft", "a published incident cannot become a draft again")
    db, now, actor = request.app[keys.DATABASE], request.app[ADMIN].clock(), actor_of(request)
    await edit_incident(db, incident_id, edit, now=now, actor=actor)
    if data.get("draft") is False:
        await publish_incident(db, incident_id, now=now, actor=actor)
    return await incident_json(request, incident_id, 200)


async def delete_incident_api(request: web.Request) -> web.Response:
    incident_id = int(request.match_info["incident_id"])
    now = request.app[ADMIN].clock()
    await delete_incident(request.app[keys.DATABASE], incident_id, now=now, actor=actor_of(request))
    return web.Response(status=204)


async def edit_update_api(request: web.Request) -> web.Response:
    incident_id = int(request.match_info["incident_id"])
    data = await read.json_object(request, ("body", "status"))
    await edit_update(
        request.app[keys.DATABASE],
        int(request.match_info["update_id"]),
        body=read.text(data, "body"),
        status=read.text(data, "status"),
        now=request.app[ADMIN].clock(),
        actor=actor_of(request),
        incident_id=incident_id,
    )
    return await incident_json(request, incident_id, 200)


async def delete_update_api(request: web.Request) -> web.Response:
    await delete_update(
        request.app[keys.DATABASE],
        int(request.match_info["update_id"]),
        now=request.app[ADMIN].clock(),
        actor=actor_of(request),
        incident_id=int(request.match_info["incident_id"]),
    )
    return web.Response(status=204)


async def postmortem_api(request: web.Request) -> web.Response:
    incident_id = int(request.match_info["incident_id"])
    data = await read.json_object(request, ("body", "publish"))
    await save_postmortem(
        request.app[keys.DATABASE],
        incident_id,
        read.text(data, "body", required=True) or "",
        publish=read.flag(data, "publish", True),
        now=request.app[ADMIN].clock(),
        actor=actor_of(request),
    )
    return await incident_json(request, incident_id, 200)
