"""The admin write API (statuspage/admin/api.py) as the OpenAPI document describes it.

Bodies are one JSON object with known keys only (an unknown key is a 400
naming it). Answers are the incident or maintenance in v2 shape, read back as
the public API shows it; errors are `{"error": {"status", "message", "field"}}`.
Times are ISO 8601; one without an offset is read in the page's time zone.
"""

from __future__ import annotations

from statuspage.api import v2
from statuspage.api.admin_alert_spec import alert_paths, alert_schemas
from statuspage.api.admin_metric_spec import metric_paths, metric_schemas
from statuspage.api.admin_template_spec import template_paths, template_schemas
from statuspage.api.spec_parts import SECURITY, json_body
from statuspage.api.v2 import Json
from statuspage.rules.response_checks import Verdict
from storage.incidents import rules
from storage.vocabulary import UNRESOLVED_INCIDENT, Impact, IncidentStatus, Severity

INCIDENT_STATUSES: list[str] = [*UNRESOLVED_INCIDENT, IncidentStatus.RESOLVED]
MAINTENANCE_STATUSES: list[str] = list(rules.MAINTENANCE_STATUSES)
IMPACTS: list[str] = [*v2.INCIDENT_IMPACTS, Impact.MAINTENANCE]
SEVERITIES: list[str | None] = [*Severity, None]
TIME = {"type": "string", "description": "ISO 8601; without an offset: the page's time zone"}
NAME = {"type": "string", "minLength": 1, "maxLength": 300}
BODY = {"type": "string", "maxLength": 20000, "description": "Markdown"}

ID_SCHEMA = {"type": "string", "pattern": "^[0-9]{1,18}$"}
INCIDENT_ID = {"name": "incident_id", "in": "path", "required": True, "schema": ID_SCHEMA}
UPDATE_ID = {"name": "update_id", "in": "path", "required": True, "schema": ID_SCHEMA}
EITHER = {
    "oneOf": [
        {"$ref": "#/components/schemas/incident"},
        {"$ref": "#/components/schemas/scheduled_maintenance"},
    ]
}


def _components_map() -> Json:
    return {
        "type": "object",
        "description": "Component id -> the status the incident gives it",
        "additionalProperties": {"$ref": "#/components/schemas/component_status"},
    }


def _object(required: list[str], properties: Json, **extra: object) -> Json:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
        **extra,
    }


DELIVER = {
    "type": "boolean",
    "default": True,
    "description": "Notify the page's subscribers (a draft's when it is published)",
}


def admin_schemas() -> Json:
    return {
        "admin_new_incident": _new_incident(),
        "admin_new_update": _object(
            ["status", "body"],
            {
                "status": {"enum": INCIDENT_STATUSES + MAINTENANCE_STATUSES},
                "body": BODY,
                "components": _components_map(),
                "deliver_notifications": DELIVER,
            },
        ),
        "admin_new_maintenance": _new_maintenance(),
        **_edits(),
        **alert_schemas(),
        **template_schemas(),
        "admin_component_status": _object(
            ["status"],
            {
                "status": {"$ref": "#/components/schemas/component_status"},
                "reason": {"type": "string", "maxLength": 200},
            },
        ),
        **metric_schemas(),
        "admin_response_times": _response_times(),
    }


def _response_times() -> Json:
    """`statuspage.admin.incident_response_times.response_times_json`: never inside the
    v2 incident."""
    seconds = {"type": ["integer", "null"], "minimum": 0, "description": "null: not yet"}
    verdict = {"enum": [*(v.value for v in Verdict), None], "description": "null: no target"}
    properties: Json = {
        "severity": {"enum": SEVERITIES},
        "target": {"type": "string", "description": "e.g. 30 min, next business day, none"},
        "due_at": {
            "type": ["string", "null"],
            "description": "Both responses' deadline; null: no severity, no target",
        },
        "time_to_ack_s": seconds,
        "ack_verdict": verdict,
        "time_to_first_update_s": seconds,
        "first_update_verdict": verdict,
    }
    # The list keys these by incident id; the one-incident path names it as well.
    return _object(list(properties), {"incident_id": ID_SCHEMA, **properties})


def _new_incident() -> Json:
    return _object(
        ["name", "status", "body"],
        {
            "name": NAME,
            "status": {"enum": INCIDENT_STATUSES},
            "body": BODY,
            "severity": {"enum": SEVERITIES},
            "components": _components_map(),
            "impact": {"enum": IMPACTS, "description": "Default: derived from the components"},
            "started_at": {**TIME, "description": "Back-dates the incident; not in the future"},
            "draft": {"type": "boolean", "default": False},
            "deliver_notifications": DELIVER,
        },
    )


def _new_maintenance() -> Json:
    ids = {
        "type": "array",
        "items": {"type": "string"},
        "description": "Ids; each is under_maintenance while it runs",
    }
    return _object(
        ["name", "scheduled_for", "scheduled_until"],
        {
            "name": NAME,
            "status": {"enum": MAINTENANCE_STATUSES, "default": IncidentStatus.SCHEDULED},
            "body": BODY,
            "scheduled_for": TIME,
            "scheduled_until": TIME,
            "draft": {"type": "boolean", "default": False},
            "components": {"anyOf": [ids, _components_map()]},
            "deliver_notifications": DELIVER,
        },
    )


def _edits() -> Json:
    return {
        "admin_edit_incident": _object(
            [],
            {
                "name": NAME,
                "impact": {"enum": IMPACTS},
                "severity": {"enum": SEVERITIES},
                "draft": {"const": False, "description": "false publishes a draft"},
                "scheduled_for": TIME,
                "scheduled_until": TIME,
            },
            minProperties=1,
        ),
        "admin_edit_update": _object(
            [],
            {"body": BODY, "status": {"enum": INCIDENT_STATUSES + MAINTENANCE_STATUSES}},
            minProperties=1,
        ),
        "admin_postmortem": _object(
            ["body"], {"body": BODY, "publish": {"type": "boolean", "default": True}}
        ),
    }


def _answers(success: str, schema: Json | None) -> Json:
    error = json_body({"$ref": "#/components/schemas/error"})
    ok = (
        {"description": "Done"}
        if schema is None
        else {"description": "In v2 shape", **json_body(schema)}
    )
    return {
        success: ok,
        "400": {"description": "A field is not acceptable; error.field names it", **error},
        "401": {"description": "No bearer token, or an unknown or revoked one", **error},
        "404": {"description": "No such incident or update", **error},
        "415": {"description": "The body is not application/json", **error},
    }


def _operation(
    name: str, summary: str, success: str, answer: Json | None, body: str | None
) -> Json:
    operation: Json = {
        "tags": ["Admin"],
        "operationId": name,
        "summary": summary,
        "security": SECURITY,
        "responses": _answers(success, answer),
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            **json_body({"$ref": f"#/components/schemas/{body}"}),
        }
    return operation


def _one(kind: str, answer: Json) -> Json:
    return {
        "parameters": [INCIDENT_ID],
        "patch": _operation(
            f"admin_edit_{kind}", f"Edit or publish a {kind}", "200", answer, "admin_edit_incident"
        ),
        "delete": _operation(
            f"admin_delete_{kind}", f"Delete a {kind} (kept in the audit log)", "204", None, None
        ),
    }


def admin_paths() -> Json:
    incident = {"$ref": "#/components/schemas/incident"}
    maintenance = {"$ref": "#/components/schemas/scheduled_maintenance"}
    create = _operation(
        "admin_create_incident", "Open an incident", "201", incident, "admin_new_incident"
    )
    schedule = _operation(
        "admin_schedule_maintenance", "Schedule maintenance", "201", maintenance,
        "admin_new_maintenance",
    )  # fmt: skip
    listing = _operation("admin_list_incidents", "Incidents, drafts included", "200", None, None)
    listing["parameters"] = [
        {
            "name": "draft",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["true", "false"]},
            "description": "true: only drafts (an alert's incident starts as one); false: none",
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 100},
        },
    ]
    listing["responses"]["200"] = {
        "description": "Incidents, newest first, in the v2 shape",
        **json_body(
            {
                "type": "object",
                "required": ["incidents"],
                "properties": {
                    "incidents": {"type": "array", "items": incident},
                    "response_times": {
                        "type": "object",
                        "description": "Incident id -> its response times",
                        "additionalProperties": {
                            "$ref": "#/components/schemas/admin_response_times"
                        },
                    },
                },
            }
        ),
    }
    one = _incident_paths("/api/admin/incidents/{incident_id}", incident)
    one["/api/admin/incidents/{incident_id}"]["get"] = _operation(
        "admin_get_incident", "An incident, a draft too", "200", incident, None
    )
    times = _operation(
        "admin_incident_response_times", "An incident's response times, open or resolved",
        "200", {"$ref": "#/components/schemas/admin_response_times"}, None,
    )  # fmt: skip
    times["responses"]["200"]["description"] = "Seconds to each response and the verdicts"
    one["/api/admin/incidents/{incident_id}/response-times"] = {
        "parameters": [INCIDENT_ID],
        "get": times,
    }
    return {
        "/api/admin/incidents": {"get": listing, "post": create},
        **one,
        "/api/admin/maintenances": {"post": schedule},
        "/api/admin/maintenances/{incident_id}": _one("maintenance", maintenance),
        **alert_paths(),
        "/api/admin/components/{component_id}": _component_status(),
        **template_paths(),
        **metric_paths(),
    }


def _component_status() -> Json:
    """Setting a component's status without an incident: it holds until set back."""
    component = {"$ref": "#/components/schemas/component"}
    operation = _operation(
        "admin_set_component_status", "Set a component's status without an incident", "200",
        component, "admin_component_status",
    )  # fmt: skip
    operation["responses"]["404"]["description"] = "No such component"
    slug = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}
    path = {"name": "component_id", "in": "path", "required": True, "schema": slug}
    return {"parameters": [path], "patch": operation}


def _incident_paths(base: str, incident: Json) -> Json:
    post = _operation("admin_post_update", "Post an update", "201", EITHER, "admin_new_update")
    edit = _operation("admin_edit_update", "Correct an update", "200", EITHER, "admin_edit_update")
    postmortem = _operation(
        "admin_postmortem", "Write (and publish) the post-mortem", "200", incident,
        "admin_postmortem",
    )  # fmt: skip
    return {
        base: _one("incident", incident),
        base + "/updates": {"parameters": [INCIDENT_ID], "post": post},
        base + "/updates/{update_id}": {
            "parameters": [INCIDENT_ID, UPDATE_ID],
            "patch": edit,
            "delete": _operation("admin_delete_update", "Delete an update", "204", None, None),
        },
        base + "/postmortem": {"parameters": [INCIDENT_ID], "post": postmortem},
    }
