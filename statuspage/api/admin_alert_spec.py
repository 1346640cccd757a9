"""The write API's alerts and error budgets (statuspage/admin/api_alerts.py) as the
OpenAPI document describes them; merged into the admin part by `admin_spec`."""

from __future__ import annotations

from statuspage.api.v2 import Json
from storage.vocabulary import AlertSeverity, AlertState

SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]
ALERT_ID = {
    "name": "alert_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
}
STAMP = {"type": "string", "description": "The v2 API's format, in the page's time zone"}
MAYBE_STAMP = {"type": ["string", "null"], "description": STAMP["description"]}
MAYBE_TEXT = {"type": ["string", "null"]}
FIGURES = {
    "type": "object",
    "description": "What the rule measured: numbers and short texts by name",
    "additionalProperties": {"type": ["number", "string", "null"]},
}


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: Json) -> Json:
    return {"type": "object", "required": list(properties), "properties": properties}


def alert_schemas() -> Json:
    return {
        "admin_alert": _object(
            {
                "id": {"type": "string"},
                "group_id": {"type": "string"},
                "rule": {"type": "string", "description": "The rule's name, e.g. outage"},
                "severity": {"enum": list(AlertSeverity)},
                "subject": {"type": "string", "description": "component:<id>, site, ..."},
                "component_id": MAYBE_TEXT,
                "metric_id": {**MAYBE_TEXT, "description": "the metric a metric rule fired on"},
                "state": {"enum": list(AlertState)},
                "started_at": STAMP,
                "fired_at": MAYBE_STAMP,
                "resolved_at": MAYBE_STAMP,
                "resolved_by": {**MAYBE_TEXT, "description": "null: the rule cleared"},
                "acknowledged_at": MAYBE_STAMP,
                "acknowledged_by": MAYBE_TEXT,
                "silenced_until": MAYBE_STAMP,
                "silenced_by": MAYBE_TEXT,
                "figures": FIGURES,
                "resolve_figures": {"anyOf": [FIGURES, {"type": "null"}]},
            }
        ),
        "admin_alert_list": _object({"alerts": {"type": "array", "items": _ref("admin_alert")}}),
        "admin_silence": {
            "type": "object",
            "additionalProperties": False,
            "required": ["minutes"],
            "properties": {
                "minutes": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 10080,
                    "description": "How long from now; 0 lifts a silence",
                }
            },
        },
        "admin_budgets": _object(
            {
                "window_days": {"const": 30},
                "floor_percent": {"type": "number", "description": "remaining_percent's floor"},
                "budgets": {"type": "array", "items": _ref("admin_budget")},
            }
        ),
        "admin_budget": _object(
            {
                "component_id": {"type": "string"},
                "name": {"type": "string"},
                "objective_percent": {"type": "number", "exclusiveMaximum": 100},
                "window_days": {"const": 30},
                "results": {"type": "integer", "minimum": 0},
                "failures": {"type": "integer", "minimum": 0},
                "remaining_percent": {
                    "type": ["number", "null"],
                    "maximum": 100,
                    "description": "Below 0: overspent; null: nothing measured in the window",
                },
                "overspent": {"type": "boolean"},
            }
        ),
    }


def _answers(ok: Json, *, missing: bool = True, body: bool = False) -> Json:
    error = {"content": {"application/json": {"schema": _ref("error")}}}
    answers: Json = {
        "200": {"description": "OK", "content": {"application/json": {"schema": ok}}},
        "400": {"description": "A refused parameter or field; error.field names it", **error},
        "401": {"description": "No bearer token, or an unknown or revoked one", **error},
    }
    if missing:
        answers["404"] = {"description": "No such alert", **error}
    if body:
        answers["415"] = {"description": "The body is not application/json", **error}
    return answers


def _action(name: str, summary: str, description: str) -> Json:
    return {
        "parameters": [ALERT_ID],
        "post": {
            "tags": ["Admin"],
            "operationId": f"admin_{name}_alert",
            "summary": summary,
            "description": description,
            "security": SECURITY,
            "responses": _answers(_ref("admin_alert")),
        },
    }


def _query(name: str, schema: Json, description: str) -> Json:
    return {"name": name, "in": "query", "schema": schema, "description": description}


def alert_paths() -> Json:
    listing = {
        "tags": ["Admin"],
        "operationId": "admin_list_alerts",
        "summary": "Alerts, newest first (by when their condition began)",
        "security": SECURITY,
        "parameters": [
            _query("state", {"enum": list(AlertState)}, "Only alerts in this state"),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}, ""),
            _query("offset", {"type": "integer", "minimum": 0, "maximum": 1000000}, ""),
        ],
        "responses": _answers(_ref("admin_alert_list"), missing=False),
    }
    silence = _action("silence", "Silence an alert", "For `minutes` from now; 0 lifts a silence.")
    silence["post"]["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": _ref("admin_silence")}},
    }
    silence["post"]["responses"] = _answers(_ref("admin_alert"), body=True)
    budgets = {
        "tags": ["Admin"],
        "operationId": "admin_budgets",
        "summary": "Each probed component's error budget over the last 30 days",
        "security": SECURITY,
        "responses": _answers(_ref("admin_budgets"), missing=False),
    }
    base = "/api/admin/alerts/{alert_id}"
    return {
        "/api/admin/alerts": {"get": listing},
        base + "/ack": _action(
            "acknowledge",
            "Acknowledge an alert",
            "Also acknowledges its group and the group's incident. Again: no change.",
        ),
        base + "/silence": silence,
        base + "/resolve": _action(
            "resolve",
            "Resolve an alert by hand",
            "If its condition still holds, the rule opens a new alert. Again: no change.",
        ),
        "/api/admin/budgets": {"get": budgets},
    }
