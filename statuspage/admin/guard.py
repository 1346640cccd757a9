"""The one gate in front of /admin and /api/admin, whatever the spelling or method.

Default deny: the middleware decides the area before any handler runs, from
every reading of the request target (`area_of_request`): the target exactly as
sent, its path when it is in absolute form (`GET http://host/admin HTTP/1.1`,
which HTTP/1.1 servers must accept), the decoded path the router matched, and
the matched route's own pattern. The strictest reading wins. In the admin area
a request needs a good session, except exactly GET/POST /admin/sign-in and the
admin stylesheet; every method but GET and HEAD also needs a genuine CSRF
token, checked here so that no form can forget it. Unauthenticated GET and HEAD
are sent to the sign-in page; anything else is refused with 403. The write API
needs a bearer token and never looks at cookies. Sessions (and so cookies)
exist only in the admin area: public pages never set one.

A database failure anywhere behind the gate (its own session and token checks
included) is answered here, once for every view: 503 with `Retry-After`
(`statuspage.admin.storage_down`). Recording a token's last use is best-effort
(`statuspage.admin.token_use`): a GET that only reads still answers when the
database takes no writes.
"""

from __future__ import annotations

import logging
from functools import partial
from urllib.parse import quote

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from statuspage import keys
from statuspage.admin.csrf import request_is_genuine
from statuspage.admin.pages import message
from statuspage.admin.paths import Area, area_of
from statuspage.admin.sessions import current_session, signed_in_user, with_session
from statuspage.admin.state import ADMIN, AREA, TOKEN, USER
from statuspage.admin.storage_down import storage_failed, storage_problem
from statuspage.http.client_address import request_client
from statuspage.http.data_stamp import DATABASE_ERRORS
from statuspage.rules.bearer import bearer_token
from storage.accounts.tokens import find_token
from storage.alerts.writes import record_token_failure

log = logging.getLogger("statuspage.admin")

SIGN_IN = "/admin/sign-in"
STYLESHEET = "/admin/admin.css"
_OPEN_PATHS = frozenset({SIGN_IN, STYLESHEET})  # exact spellings only
_READ_METHODS = frozenset({"GET", "HEAD"})
_STRICTEST_FIRST = (Area.API, Area.ADMIN)

ADMIN_CSP = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
ADMIN_HEADERS = {
    "Content-Security-Policy": ADMIN_CSP,  # no script at all: the admin area needs none
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",  # pages hold tokens and unpublished drafts
}


def admin_middleware(app: web.Application) -> Middleware:
    storage = app[ADMIN].sessions

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        area = area_of_request(request)
        request[AREA] = area
        if area is Area.PUBLIC:
            return await handler(request)
        if area is Area.API:
            return await _answering_storage_failures(request, partial(_guard_api, handler=handler))
        # Inside the session, so a page answered instead still sends its cookie back.
        guarded = partial(
            _answering_storage_failures, handler=partial(_guard_admin, handler=handler)
        )
        return await with_session(request, guarded, storage)

    return guard


async def _answering_storage_failures(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except DATABASE_ERRORS as failure:
        return await storage_failed(request, failure)


def area_of_request(request: web.Request) -> Area:
    """The area of the request, read every way it could be read. A route in the admin
    area or the write API is guarded as such whatever its spelling; otherwise the
    strictest of the readings of the target decides (a path nobody routes, such as
    `/ADMIN`, is refused like an admin page rather than answered with a 404)."""
    route = request.match_info.route.resource
    if route is not None and (routed := area_of(route.canonical)) is not Area.PUBLIC:
        return routed
    # raw_path is the target as sent: in absolute form it starts "http://host", so
    # its first segment reads "http:"; rel_url holds the path part alone.
    readings = (request.raw_path, request.rel_url.raw_path, request.path)
    areas = {area_of(reading) for reading in readings}
    return next((area for area in _STRICTEST_FIRST if area in areas), Area.PUBLIC)


async def _guard_admin(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Open only when spelt exactly so (the path part alone, for an absolute-form target).
    is_open = request.path in _OPEN_PATHS and request.rel_url.raw_path == request.path
    if not is_open:
        now = request.app[ADMIN].clock()
        user = await signed_in_user(request, request.app[keys.DATABASE], now)
        if user is None:
            return _refuse_anonymous(request)
        request[USER] = user
    if request.method not in _READ_METHODS:
        site_url = request.app[keys.SETTINGS].current.file.site.url
        if not await request_is_genuine(request, current_session(request), site_url):
            # Nothing has been read or written yet: a forged request changes nothing.
            return message(
                request,
                403,
                "Form expired",
                "This form has expired or was sent from another site. Go back, reload the "
                "page and try again.",
            )
    return await handler(request)


def _refuse_anonymous(request: web.Request) -> web.StreamResponse:
    if request.method in _READ_METHODS:
        target = quote(request.rel_url.path_qs, safe="")
        return web.Response(status=303, headers={"Location": f"{SIGN_IN}?next={target}"})
    return message(request, 403, "Sign in first", "This needs you to be signed in.")


async def _guard_api(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        await _record_bad_token(request)
        return _unauthorised("send Authorization: Bearer <token>", None)
    state, db = request.app[ADMIN], request.app[keys.DATABASE]
    found = await find_token(db, token)
    if found is None:
        await _record_bad_token(request)
        return _unauthorised("the token is not valid or has been revoked", "invalid_token")
    url = request.app[keys.SETTINGS].current.database_url
    await state.token_use.record(db, found, now=state.clock(), url=url)
    request[TOKEN] = found
    return await handler(request)


async def _record_bad_token(request: web.Request) -> None:
    """Store a refused token for the `bad-tokens` alert rule. The answer is a 401
    whatever happens here: a database that cannot take the row is logged, not raised."""
    state = request.app[ADMIN]
    now = state.clock()
    request.app[keys.METRICS].token_failures.inc()
    if not state.token_failures.admit(now):
        return
    address = request_client(request)
    try:
        await record_token_failure(request.app[keys.DATABASE], address=address, at=now)
    except Exception as failure:  # whatever failed, the refusal stands
        # A database failure is one line with its reason; anything else is a bug
        # and keeps its traceback.
        problem = storage_problem(request, failure)
        reason = {"reason": str(problem)} if problem is not None else {}
        log.warning(
            "could not record a refused API token",
            exc_info=problem is None,
            extra={"fields": {"event": "api_token_refusal_not_recorded"} | reason},
        )
        return
    fields = {"event": "api_token_refused", "address": address, "at": now.isoformat()}
    log.info("API token refused", extra={"fields": fields})


def _unauthorised(text: str, error: str | None) -> web.Response:
    challenge = 'Bearer realm="statuspage admin API"'
    if error is not None:
        challenge += f', error="{error}"'
    body = {"error": {"status": 401, "message": text}}
    return web.json_response(body, status=401, headers={"WWW-Authenticate": challenge})


async def admin_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare`: the admin policy replaces the public one on every admin
    and write-API response, redirects and errors included."""
    area = request.get(AREA) or area_of_request(request)
    if area is not Area.PUBLIC:
        response.headers.update(ADMIN_HEADERS)
