"""The write API's alerts and error budgets (statuspage/admin/api_alerts.py) as the
OpenAPI document describes them; merged into the admin part by `admin_spec`."""

from __future__ import annotations

from statuspage.api.spec_parts import SECURITY, answers, closed_object, ref
from statuspage.api.v2 import Json
from storage.vocabulary import AlertSeverity, AlertState

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


def alert_schemas() -> Json:
    return {
        "admin_alert": closed_object(
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
        "admin_alert_list": closed_object(
            {"alerts": {"type": "array", "items": ref("admin_alert")}}
        ),
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
        "admin_budgets": closed_object(
            {
                "window_days": {"const": 30},
                "floor_percent": {"type": "number", "description": "remaining_percent's floor"},
                "budgets": {"type": "array", "items": ref("admin_budget")},
            }
        ),
        "admin_budget": closed_object(
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


def _action(name: str, summary: str, description: str) -> Json:
    return {
        "parameters": [ALERT_ID],
        "post": {
            "tags": ["Admin"],
            "operationId": f"admin_{name}_alert",
            "summary": summary,
            "description": description,
            "security": SECURITY,
            "responses": answers(ref("admin_alert"), missing="alert"),
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
        "responses": answers(ref("admin_alert_list")),
    }
    silence = _action("silence", "Silence an alert", "For `minutes` from now; 0 lifts a silence.")
    silence["post"]["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": ref("admin_silence")}},
    }
    silence["post"]["responses"] = answers(ref("admin_alert"), missing="alert", body=True)
    budgets = {
        "tags": ["Admin"],
        "operationId": "admin_budgets",
        "summary": "Each probed component's error budget over the last 30 days",
        "security": SECURITY,
        "responses": answers(ref("admin_budgets")),
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
