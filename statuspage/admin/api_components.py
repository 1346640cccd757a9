"""The write API's component status, as Statuspage lets an operator set it by hand.

    PATCH /api/admin/components/{id}   200, the component (v2); body {"status", "reason"?}

The same storage write as the admin form (`storage/manual_status.py`): a row of the
status history that holds until someone sets the component back to operational,
audited as "token:<name>". An unknown component answers 404, a refused field 400.
"""

from __future__ import annotations

from aiohttp import web

from statuspage import keys
from statuspage.admin import api_input as read
from statuspage.admin.api import actor_of, api_handler
from statuspage.admin.forms import COMPONENT_STATUSES, choice
from statuspage.admin.state import ADMIN
from statuspage.api.data import load_snapshot
from storage.errors import NotFound
from storage.incidents.rules import IncidentError
from storage.manual_status import MAX_REASON, set_component_status

ONE_COMPONENT = r"/api/admin/components/{component_id:[a-z0-9][a-z0-9-]{0,62}}"
MISSING = "no such component"


def setup_component_api(router: web.UrlDispatcher) -> None:
    router.add_patch(ONE_COMPONENT, api_handler(set_status_api, MISSING))


async def set_status_api(request: web.Request) -> web.Response:
    component_id = request.match_info["component_id"]
    data = await read.json_object(request, ("status", "reason"))
    status = choice(read.text(data, "status", required=True) or "", COMPONENT_STATUSES,
                    "status", "a component status")  # fmt: skip
    reason = read.text(data, "reason")
    if reason is not None and len(reason) > MAX_REASON:
        raise IncidentError("reason", f"at most {MAX_REASON} characters")
    db, now = request.app[keys.DATABASE], request.app[ADMIN].clock()
    await set_component_status(
        db, component_id, status, now=now, actor=actor_of(request), reason=reason
    )
    snapshot = await load_snapshot(db, request.app[keys.SETTINGS].current, now=now)
    row = snapshot.components_by_id.get(component_id)
    if row is None:  # in storage but no longer configured
        raise NotFound(component_id)
    return web.json_response(row)
