"""Handlers of the eight Statuspage v2 read endpoints. Thin: name the document, load
through named queries, serialise with `statuspage.api.v2`.

Each response starts with `page`. Lists follow Statuspage: incidents newest
first; open maintenance soonest first.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from statuspage import keys
from statuspage.api.data import V2Snapshot, load_snapshot, rollup
from statuspage.api.v2 import Json, incident_v2, page_v2, status_v2
from statuspage.http.serving import JSON, Document, serve
from storage.database import Database
from storage.incidents.reads import (
    IncidentFilter,
    IncidentView,
    list_incidents,
    open_maintenances,
    unresolved_incidents,
)
from storage.vocabulary import MAINTENANCE_UNDER_WAY, IncidentKind, IncidentStatus

RECENT_LIMIT = 50  # incidents.json and scheduled-maintenances.json, as Statuspage

Body = Callable[[Database, V2Snapshot], Awaitable[Json]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_text(body: Json) -> str:
    """Compact, UTF-8 (not \\u-escaped) JSON; the text was cleaned of lone
    surrogates on the way in, so it always encodes."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def endpoint(body: Body) -> Handler:
    """A handler serving `{"page": ..., **body}` through the shared cache."""

    async def handler(request: web.Request) -> web.StreamResponse:
        app = request.app

        async def build() -> Document:
            settings, now = app[keys.SETTINGS].current, app[keys.WEB].clock()
            snapshot = await load_snapshot(app[keys.DATABASE], settings, now=now)
            rest = await body(app[keys.DATABASE], snapshot)
            return Document(json_text({"page": page_v2(snapshot.page), **rest}), JSON)

        return await serve(request, request.path, build)

    return handler


def incidents_v2(snapshot: V2Snapshot, views: Sequence[IncidentView]) -> list[Json]:
    return [incident_v2(v, snapshot.components_by_id, snapshot.page) for v in views]


async def summary_body(db: Database, snapshot: V2Snapshot) -> Json:
    unresolved, maintenances = await unresolved_incidents(db), await open_maintenances(db)
    return {
        "components": snapshot.components,
        "incidents": incidents_v2(snapshot, unresolved),
        "scheduled_maintenances": incidents_v2(snapshot, maintenances),
        "status": status_v2(rollup(snapshot, unresolved, maintenances)),
    }


async def status_body(db: Database, snapshot: V2Snapshot) -> Json:
    unresolved, maintenances = await unresolved_incidents(db), await open_maintenances(db)
    return {"status": status_v2(rollup(snapshot, unresolved, maintenances))}


async def components_body(db: Database, snapshot: V2Snapshot) -> Json:
    return {"components": snapshot.components}


async def incidents_body(db: Database, snapshot: V2Snapshot) -> Json:
    found = await list_incidents(
        db, IncidentFilter(kinds=(IncidentKind.INCIDENT,), limit=RECENT_LIMIT)
    )
    return {"incidents": incidents_v2(snapshot, found)}


async def unresolved_body(db: Database, snapshot: V2Snapshot) -> Json:
    return {"incidents": incidents_v2(snapshot, await unresolved_incidents(db))}


async def maintenances_body(db: Database, snapshot: V2Snapshot) -> Json:
    found = await list_incidents(
        db, IncidentFilter(kinds=(IncidentKind.MAINTENANCE,), limit=RECENT_LIMIT)
    )
    return {"scheduled_maintenances": incidents_v2(snapshot, found)}


async def upcoming_body(db: Database, snapshot: V2Snapshot) -> Json:
    found = [m for m in await open_maintenances(db) if m.status == IncidentStatus.SCHEDULED]
    return {"scheduled_maintenances": incidents_v2(snapshot, found)}


async def active_body(db: Database, snapshot: V2Snapshot) -> Json:
    found = [m for m in await open_maintenances(db) if m.status in MAINTENANCE_UNDER_WAY]
    return {"scheduled_maintenances": incidents_v2(snapshot, found)}


# path under /api/v2/ -> (body, schema file): the routes, the OpenAPI document
# and the tests all walk this one table.
V2_ENDPOINTS: dict[str, tuple[Body, str]] = {
    "summary.json": (summary_body, "summary.json"),
    "status.json": (status_body, "status.json"),
    "components.json": (components_body, "components.json"),
    "incidents.json": (incidents_body, "incidents.json"),
    "incidents/unresolved.json": (unresolved_body, "incidents-unresolved.json"),
    "scheduled-maintenances.json": (maintenances_body, "scheduled-maintenances.json"),
    "scheduled-maintenances/upcoming.json": (
        upcoming_body,
        "scheduled-maintenances-upcoming.json",
    ),
    "scheduled-maintenances/active.json": (active_body, "scheduled-maintenances-active.json"),
}
