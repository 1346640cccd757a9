"""`setup_api_routes(app)`: the JSON API, badges, the OpenAPI document and the schemas.

Called from `statuspage.web.routes.setup_routes`, after the page state exists:
the API is served through the pages' cache and error handling.
"""

from __future__ import annotations

from functools import partial

from aiohttp import web

from statuspage import keys
from statuspage.api import component_views, metrics, views
from statuspage.api.openapi import load_schema, openapi_document, schema_files
from statuspage.http.errors import PageError
from statuspage.http.serving import JSON, Document, serve

# Everything a browser script on another origin may read: the public, read-only API.
CORS_PREFIXES = ("/api/v2/", "/api/metrics.json", "/api/openapi.json", "/api/schemas/")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Max-Age": "86400",
}


def setup_api_routes(app: web.Application) -> None:
    app.on_response_prepare.append(add_cors_headers)
    router = app.router
    for path, (body, _) in views.V2_ENDPOINTS.items():
        _read(router, f"/api/v2/{path}", views.endpoint(body))
    _read(router, "/api/v2/components/{component_id}/uptime.json", component_views.uptime)
    _read(router, "/api/metrics.json", metrics.public_metrics)
    _read(router, "/api/openapi.json", openapi)
    _read(router, "/api/schemas/{name}", schema)
    router.add_get("/components/{component_id}/badge.svg", component_views.badge)


def _read(router: web.UrlDispatcher, path: str, handler: views.Handler) -> None:
    router.add_get(path, handler)
    router.add_route("OPTIONS", path, preflight)


async def add_cors_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare`: errors and 304s of the public API carry CORS too."""
    if request.path.startswith(CORS_PREFIXES):
        response.headers["Access-Control-Allow-Origin"] = "*"


async def preflight(request: web.Request) -> web.Response:
    asked = request.headers.get("Access-Control-Request-Headers")
    headers = dict(CORS_HEADERS)
    if asked:
        headers["Access-Control-Allow-Headers"] = asked
    return web.Response(status=204, headers=headers)


async def openapi(request: web.Request) -> web.StreamResponse:
    async def build() -> Document:
        site = request.app[keys.SETTINGS].current.file.site
        return Document(views.json_text(openapi_document(site.name, site.url)), JSON)

    return await serve(request, request.path, build)


async def schema(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in schema_files():
        raise PageError(404, "There is no schema with this name.")
    build = partial(_schema_document, name)
    return await serve(request, request.path, build)


async def _schema_document(name: str) -> Document:
    return Document(views.json_text(load_schema(name)), "application/schema+json")
