"""`/api/openapi.json`: an OpenAPI 3.1 document of the whole HTTP API.

Built from the same tables the routes are registered from (`V2_ENDPOINTS`,
`FEEDS`), so a new read endpoint cannot be forgotten here; a test checks that
every route under /api/ appears. The JSON Schemas in `schemas/` are embedded
under `components.schemas` (their `$ref`s rewritten to point there), so the
document stands alone; the same files are served raw under /api/schemas/.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from statuspage.api.admin_spec import admin_paths, admin_schemas
from statuspage.api.uptime import UPTIME_WINDOWS
from statuspage.api.v2 import Json
from statuspage.api.views import V2_ENDPOINTS

# The repository's top-level schemas/ folder; an installed wheel carries it as
# statuspage/schemas (setup.py maps it), where this falls back to.
_SOURCE_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
SCHEMA_DIR = (
    _SOURCE_SCHEMAS if _SOURCE_SCHEMAS.is_dir() else Path(__file__).resolve().parents[1] / "schemas"
)
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
FEEDS = {
    "/history.rss": ("application/rss+xml", "Incidents and maintenance, one item per incident"),
    "/history.atom": ("application/atom+xml", "Incidents and maintenance, one entry per incident"),
    "/updates.rss": ("application/rss+xml", "One item per incident update"),
    "/updates.atom": ("application/atom+xml", "One entry per incident update"),
    "/components/{component_id}/history.rss": (
        "application/rss+xml",
        "Incidents and maintenance touching one component",
    ),
    "/components/{component_id}/history.atom": (
        "application/atom+xml",
        "Incidents and maintenance touching one component",
    ),
}


def schema_files() -> list[str]:
    return sorted(p.name for p in SCHEMA_DIR.glob("*.json"))


@cache
def load_schema(name: str) -> Json:
    """A schema file as stored (the raw /api/schemas/ response)."""
    with (SCHEMA_DIR / name).open(encoding="utf-8") as handle:
        loaded: Json = json.load(handle)
    return loaded


def schema_name(file_name: str) -> str:
    """`incidents-unresolved.json` -> `incidents_unresolved_response`: the key of a
    response schema in components.schemas, apart from common.json's building blocks
    (`status.json` would otherwise meet the `status` object)."""
    return file_name.removesuffix(".json").replace("-", "_") + "_response"


def schema_ref(file_name: str) -> Json:
    return {"$ref": f"#/components/schemas/{schema_name(file_name)}"}


def _rewrite(node: Any, local_prefix: str) -> Any:
    """Point `common.json#/$defs/x` and local `#/$defs/x` at components.schemas."""
    if isinstance(node, list):
        return [_rewrite(item, local_prefix) for item in node]
    if not isinstance(node, dict):
        return node
    rewritten: Json = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            target = value.removeprefix("common.json")
            prefix = "" if target != value else local_prefix
            rewritten[key] = "#/components/schemas/" + prefix + target.removeprefix("#/$defs/")
        elif key not in ("$schema", "$defs"):
            rewritten[key] = _rewrite(value, local_prefix)
    return rewritten


def embedded_schemas() -> Json:
    schemas: Json = {}
    for file_name in schema_files():
        schema = load_schema(file_name)
        name = schema_name(file_name)
        prefix = "" if file_name == "common.json" else name + "_"
        for def_name, definition in schema.get("$defs", {}).items():
            schemas[prefix + def_name] = _rewrite(definition, prefix)
        if file_name != "common.json":
            schemas[name] = _rewrite(schema, prefix)
    return schemas


def json_response(description: str, file_name: str) -> Json:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema_ref(file_name)}},
    }


ERRORS = {
    "404": json_response("No such component", "error.json"),
    "503": json_response("Storage unavailable and nothing served before", "error.json"),
}
CORS_NOTE = "Served with `Access-Control-Allow-Origin: *`; OPTIONS answers CORS preflight."
CACHE_NOTE = "ETag and Last-Modified are set; conditional requests get 304."


def v2_paths() -> Json:
    paths: Json = {}
    for path, (_, schema_file) in V2_ENDPOINTS.items():
        summary = str(load_schema(schema_file).get("description", path))
        paths[f"/api/v2/{path}"] = {
            "get": {
                "tags": ["Statuspage v2"],
                "operationId": "v2_" + schema_file.removesuffix(".json").replace("-", "_"),
                "summary": summary,
                "description": f"{CORS_NOTE} {CACHE_NOTE}",
                "responses": {"200": json_response("OK", schema_file), "503": ERRORS["503"]},
            },
            "options": _preflight(),
        }
    return paths


def _preflight() -> Json:
    return {
        "tags": ["CORS"],
        "summary": "CORS preflight",
        "responses": {"204": {"description": "Allowed: GET, HEAD, OPTIONS from any origin"}},
    }


COMPONENT_ID = {
    "name": "component_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"},
    "description": "The component's id, as in components.json",
}


def extra_paths() -> Json:
    return {
        "/api/v2/components/{component_id}/uptime.json": _uptime_path(),
        "/api/metrics.json": _metrics_path(),
        "/components/{component_id}/badge.svg": _badge_path(),
        "/api/openapi.json": {
            "get": {
                "tags": ["Meta"],
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}
                },
            },
            "options": _preflight(),
        },
        "/api/schemas/{name}": _schemas_path(),
    }


def _uptime_path() -> Json:
    return {
        "parameters": [COMPONENT_ID],
        "get": {
            "tags": ["Beyond Statuspage"],
            "operationId": "component_uptime",
            "summary": "Measured availability, SLA compliance and latency of one component",
            "description": (
                "Windows 24h, 7d, 30d and 90d and the 90 day cells, cut in the page's time "
                "zone; figures are null where nothing was measured. A component without a "
                "check has its days and windows from its reported status history, as its "
                "day bar and page show them (`source`: `reported_status`, else `probes`): "
                "the uptime over the time a status was known, its 24h the 24 hours up to "
                f"now; no SLA compliance or latency. {CORS_NOTE}"
            ),
            "responses": {"200": json_response("OK", "uptime.json"), "404": ERRORS["404"]},
        },
        "options": _preflight(),
    }


def _metrics_path() -> Json:
    return {
        "get": {
            "tags": ["Beyond Statuspage"],
            "operationId": "public_metrics",
            "summary": "The application's own metrics marked public (docs/metrics.md)",
            "description": f"Latest value and the last 24 hours as hourly means. {CORS_NOTE}",
            "responses": {"200": json_response("OK", "metrics.json"), "503": ERRORS["503"]},
        },
        "options": _preflight(),
    }


def _schemas_path() -> Json:
    name = {"name": "name", "in": "path", "required": True, "schema": {"enum": schema_files()}}
    return {
        "parameters": [name],
        "get": {
            "tags": ["Meta"],
            "operationId": "json_schema",
            "summary": "One JSON Schema (Draft 2020-12) as a file, for validating responses",
            "responses": {
                "200": {"description": "The schema", "content": {"application/schema+json": {}}},
                "404": ERRORS["404"],
            },
        },
        "options": _preflight(),
    }


def _badge_path() -> Json:
    return {
        "parameters": [COMPONENT_ID],
        "get": {
            "tags": ["Beyond Statuspage"],
            "operationId": "component_badge",
            "summary": "A shields-style SVG badge: status, uptime or p95 latency",
            "parameters": [
                {
                    "name": "type",
                    "in": "query",
                    "schema": {"enum": ["status", "uptime", "latency"], "default": "status"},
                },
                {
                    "name": "window",
                    "in": "query",
                    "description": "For uptime (default 30d) and latency (default 24h)",
                    "schema": {"enum": list(UPTIME_WINDOWS)},  # as the badge checks it
                },
            ],
            "responses": {
                "200": {"description": "The badge", "content": {"image/svg+xml": {}}},
                "400": {"description": "An unknown type or window"},
                "404": {"description": "No such component"},
            },
        },
    }


def feed_paths() -> Json:
    paths: Json = {}
    for path, (media_type, summary) in FEEDS.items():
        operation: Json = {
            "tags": ["Feeds"],
            "operationId": "feed_" + "_".join(re.findall(r"[a-z]+", path)),
            "summary": summary,
            "description": CACHE_NOTE,
            "responses": {"200": {"description": "The feed", "content": {media_type: {}}}},
        }
        entry: Json = {"get": operation}
        if "{component_id}" in path:
            entry["parameters"] = [COMPONENT_ID]
            operation["responses"]["404"] = {"description": "No such component"}
        paths[path] = entry
    return paths


API_DESCRIPTION = """\
Statuspage-compatible read API v2 (no authentication, CORS `*`), measured uptime,
badges, feeds, and the admin write API (bearer token).

Our rules where Statuspage leaves a choice:

- A component with no status recorded yet is `operational` in v2 (the pages say
  "No Data Yet"; Statuspage has no such state). The roll-up counts it the same way.
- A component whose results stopped arriving (the pages say "No Recent Data") is
  never `operational` in v2: it keeps a worse last status (`partial_outage`,
  `major_outage`), else reads `degraded_performance`. Its `data` object (beyond
  Statuspage, on every component) says `"fresh": false` with `stale_since` and
  `last_result_at`; a status an operator or a maintenance window holds still shows.
  The roll-up counts the status the row says, and `status.description` then ends
  with `; no recent data from N component(s)`.
- Timestamps are written in the page's time zone, always with milliseconds and a
  numeric offset: `2026-11-26T11:15:02.113+01:00`.
- `page.id` is the slug of the site name; `page.updated_at` is the latest change of
  any component, incident or update shown.
- A group row takes the position of its first child; leaves keep their configured
  position. Leaves carry no `components` key; group rows always do.
- `incidents.json` lists incidents only; maintenance is under `scheduled-maintenances`.
- `shortlink` is the incident's permalink, `<site url>/incidents/<id>`.
- Drafts and deleted incidents never appear.
- `/api/v2/components/{id}/uptime.json` and `/components/{id}/badge.svg` go beyond
  Statuspage; uptime figures are `null` where nothing was measured, never 0 or 1.
"""


def openapi_document(site_name: str, site_url: str) -> Json:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": JSON_SCHEMA_DIALECT,
        "info": {
            "title": f"{site_name} status API",
            "version": "2.0.0",
            "description": API_DESCRIPTION,
        },
        "servers": [{"url": site_url}],
        "paths": {**v2_paths(), **extra_paths(), **feed_paths(), **admin_paths()},
        "components": {
            "schemas": {**embedded_schemas(), **admin_schemas()},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An admin API token"}
            },
        },
    }
