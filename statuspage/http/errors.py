"""Errors render in one place: an HTML page for pages, JSON under /api/.

The HTML page wears the public site's look: the pages (`statuspage.web.error_page`)
hand its renderer to the shared state; without one the page is plain.

Views raise `PageError(status, message)`; the router's own 404 and 405 and any
unexpected exception end up here too. An unexpected exception is logged with
its traceback and shown as a plain 500 page that gives nothing away.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiohttp import web
from aiohttp.typedefs import Handler
from markupsafe import escape

from statuspage import keys
from statuspage.config import ComponentConfig, Settings

log = logging.getLogger("statuspage.web")

# What a 503 for storage that cannot be used asks a client to wait (`Retry-After`):
# long enough for a database restart or a freed disk, short enough that a reader
# retrying by hand is not put off. Pages, the admin area and the write API share it.
STORAGE_RETRY_AFTER_S = 30

TITLES = {
    400: "Bad request",
    404: "Page not found",
    405: "Method not allowed",
    408: "Request timeout",
    413: "Request too large",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}
MESSAGES = {
    404: "There is no page at this address.",
    405: "This address does not accept that kind of request.",
    500: "The page could not be shown. The error has been logged; please try again shortly.",
    503: "Live data is temporarily unavailable. Please try again in a minute.",
}
_PASSED_ON = ("Allow", "Retry-After", "Connection")  # headers an error response must keep


class PageError(Exception):
    """An HTTP error with a message for the reader."""

    def __init__(
        self, status: int, message: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message or TITLES.get(status, "Error"))
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def configured(settings: Settings, component_id: str) -> ComponentConfig:
    """The configured component with this id, or a 404 for the reader."""
    for config in settings.components:
        if config.id == component_id:
            return config
    raise PageError(404, "There is no component with this name on this status page.")


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except PageError as error:
        return error_response(request, error.status, error.message, error.headers)
    except web.HTTPException as error:
        if error.status < 400:
            raise  # redirects and 304s are answers, not errors
        kept = {k: v for k, v in error.headers.items() if k in _PASSED_ON}
        return error_response(request, error.status, None, kept)
    except Exception:
        log.exception("unhandled error serving %s %s", request.method, request.path)
        return error_response(request, 500)


def error_response(
    request: web.Request,
    status: int,
    message: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    heading = TITLES.get(status, "Error")
    text = message or MESSAGES.get(status, heading)
    # A missing page may appear soon (a new incident); a failure must not be cached.
    cache = "public, max-age=30" if status < 500 else "no-store"
    extra = {"Cache-Control": cache, **(headers or {})}
    response = (
        web.json_response({"error": {"status": status, "message": text}}, status=status)
        if request.path.startswith("/api/")
        else web.Response(
            text=_render(request, status, heading, text),
            status=status,
            content_type="text/html",
            charset="utf-8",
        )
    )
    response.headers.update(extra)
    if extra.get("Connection") == "close":
        response.force_close()  # e.g. a body still on its way: this connection is done
    return response


def _render(request: web.Request, status: int, heading: str, message: str) -> str:
    state = request.app.get(keys.WEB)
    try:
        if state is not None and state.error_page is not None:
            return state.error_page(request, status, heading, message)
    except Exception:
        # The error page itself failed (a broken template): still answer, plainly.
        log.exception("error page could not be rendered")
    return f"<!doctype html><title>{status}</title><h1>{status} {escape(heading)}</h1>"
