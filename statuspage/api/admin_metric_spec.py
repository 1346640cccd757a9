"""The write API's metrics (statuspage/admin/api_metrics.py) as the OpenAPI document
describes them; merged into the admin part by `admin_spec`."""

from __future__ import annotations

from statuspage.api.admin_alert_spec import MAYBE_STAMP, MAYBE_TEXT, STAMP
from statuspage.api.spec_parts import SECURITY, answers, closed_object, ref
from statuspage.api.v2 import Json
from storage.vocabulary import MetricProblemSide

METRIC_ID = {
    "name": "metric_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"},
}
MAYBE_NUMBER = {"type": ["number", "null"]}


def metric_schemas() -> Json:
    point = closed_object({"at": STAMP, "value": {"type": "number"}})
    problem = closed_object(
        {"at": STAMP, "side": {"enum": list(MetricProblemSide)}, "message": {"type": "string"}}
    )
    return {
        "admin_metric": closed_object(
            {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "kind": {"enum": ["gauge", "rate", "ratio", "quantile", "promql", "push"]},
                "source": MAYBE_TEXT,
                "unit": {"type": "string"},
                "public": {"type": "boolean"},
                "group": MAYBE_TEXT,
                "target_below": MAYBE_NUMBER,
                "target_above": MAYBE_NUMBER,
                "value": MAYBE_NUMBER,
                "at": MAYBE_STAMP,
                "problem": {
                    "anyOf": [problem, {"type": "null"}],
                    "description": "Why the latest scrape gave no value, if it gave none",
                },
            }
        ),
        "admin_metric_list": closed_object(
            {"metrics": {"type": "array", "items": ref("admin_metric")}}
        ),
        "admin_metric_data": closed_object(
            {
                "metric_id": {"type": "string"},
                "unit": {"type": "string"},
                "since": STAMP,
                "points": {"type": "array", "items": point},
            }
        ),
        "admin_metric_push": {
            "type": "object",
            "additionalProperties": False,
            "required": ["points"],
            "properties": {
                "points": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1000,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["at", "value"],
                        "properties": {
                            "at": {"type": "string", "description": "ISO 8601"},
                            "value": {"type": "number"},
                        },
                    },
                }
            },
        },
        "admin_metric_stored": closed_object(
            {"metric_id": {"type": "string"}, "stored": {"type": "integer"}}
        ),
    }


def metric_paths() -> Json:
    query = {
        "name": "since",
        "in": "query",
        "description": "ISO 8601; without an offset, in the site's time zone; a + written %2B",
        "schema": {"type": "string"},
    }
    limit = {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1000},
    }
    return {
        "/api/admin/metrics": {
            "get": {
                "tags": ["Admin"],
                "operationId": "admin_list_metrics",
                "summary": "Every configured metric with its latest value and time",
                "security": SECURITY,
                "responses": answers(ref("admin_metric_list")),
            }
        },
        "/api/admin/metrics/{metric_id}/data": {
            "parameters": [METRIC_ID],
            "get": {
                "tags": ["Admin"],
                "operationId": "admin_metric_data",
                "summary": "A metric's points since a time (default: the last 24 hours)",
                "security": SECURITY,
                "parameters": [query, limit],
                "responses": answers(ref("admin_metric_data"), missing="metric"),
            },
            "post": {
                "tags": ["Admin"],
                "operationId": "admin_push_metric",
                "summary": "Push points of a push metric; idempotent by time",
                "security": SECURITY,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("admin_metric_push")}},
                },
                "responses": answers(ref("admin_metric_stored"), missing="metric", body=True),
            },
        },
    }
