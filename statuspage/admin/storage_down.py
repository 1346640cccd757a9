"""What the admin area, the write API and sign-in answer while storage fails.

One answer for all of them: 503 with `Retry-After` (`STORAGE_RETRY_AFTER_S`) and a
short message (JSON under /api/, the admin message page otherwise, or a form re-rendered by
the view that owns it, as sign-in does). The guard (`statuspage.admin.guard`)
gives it for every database failure that reaches it, so no view can forget.

"Storage fails" is anything `storage.failures.diagnose` reads as a database
failure, except a statement the database refused (a constraint, a missing
table or column): that is a bug or an out-of-date schema, a 500 with its
traceback. A database that did not answer (down, cut off, locked, too slow) and
one that cannot be used (a full disk, a read-only or damaged file) both answer
503: neither is the client's fault, and what it sent may not be stored, so it
keeps it and tries again. Each such answer logs one line with the reason,
never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from statuspage import keys
from statuspage.admin.api import error
from statuspage.admin.pages import message
from statuspage.admin.paths import Area
from statuspage.admin.state import AREA
from statuspage.http.errors import STORAGE_RETRY_AFTER_S
from storage.failures import Severity, StorageProblem, diagnose

log = logging.getLogger("statuspage.admin")

NOT_ANSWERING = "the database did not answer in time"
NOT_WORKING = (
    "the database cannot be used right now (a full disk, or a read-only or damaged "
    "file: the service's log says which)"
)
NOT_STORED = (
    ", so this request may not have been stored: send it again later (pushed metric "
    "points replace themselves; check other writes before repeating them)"
)
FILE_GONE = (
    "the database file was removed or replaced, so this request was not stored: an "
    "operator must restore it or restart the service; send it again after that"
)
PAGE_TEXT = (
    "The database is not working right now, so this could not be shown or saved. "
    "Try again in a minute; if you sent a change, check whether it was saved first."
)

Form = Callable[[int], Awaitable[web.Response]]  # the page again, with its message, at a status


def storage_problem(request: web.Request, failure: BaseException) -> StorageProblem | None:
    """What is wrong when `failure` is storage failing; None when it is anything else
    (a refused statement, not a database error at all)."""
    problem = diagnose(failure, request.app[keys.SETTINGS].current.database_url)
    return None if problem is None or problem.refused_statement else problem


async def storage_failed(
    request: web.Request, failure: BaseException, form: Form | None = None
) -> web.Response:
    """The 503 for `failure`, or `failure` raised again when storage is not what failed.
    `form(status)` re-renders the page the request came from, if given, saying why."""
    problem = storage_problem(request, failure)
    if problem is None:
        raise failure
    fields = {"event": "storage_failed", "method": request.method, "path": request.path}
    log.warning("admin request answered 503", extra={"fields": fields | {"reason": str(problem)}})
    if request.get(AREA) is Area.API:
        return error(503, _api_text(request, problem), retry_after_s=STORAGE_RETRY_AFTER_S)
    response = (
        message(request, 503, "Temporarily unavailable", PAGE_TEXT)
        if form is None
        else await form(503)
    )
    response.headers["Retry-After"] = str(STORAGE_RETRY_AFTER_S)
    return response


def _api_text(request: web.Request, problem: StorageProblem) -> str:
    if problem.file_gone:  # refused before anything was written: certainly not stored
        return FILE_GONE
    cause = NOT_ANSWERING if problem.severity is Severity.UNAVAILABLE else NOT_WORKING
    if request.method in ("GET", "HEAD"):
        return f"{cause}: try again later"
    return cause + NOT_STORED
