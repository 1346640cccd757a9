"""The write API's incident templates (statuspage/admin/api_templates.py) in the
OpenAPI document."""

from __future__ import annotations

from statuspage.api.spec_parts import SECURITY, json_body, ref
from statuspage.api.v2 import Json

ERROR = json_body(ref("error"))

TEMPLATE_ID = {
    "name": "template_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]{1,9}$"},
}


def template_schemas() -> Json:
    components = {
        "type": "object",
        "description": "Component id -> the status the incident gives it (not operational)",
        "additionalProperties": ref("component_status"),
    }
    fields: Json = {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "body": {"type": "string", "maxLength": 20000, "description": "Markdown"},
        "components": components,
    }
    stored = {"type": "string", "format": "date-time"}
    return {
        "admin_new_template": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "title"],
            "properties": fields,
        },
        "admin_template": {
            "type": "object",
            "required": [*fields, "id", "created_at", "updated_at"],
            "properties": {
                "id": {"type": "string"},
                **fields,
                "created_at": stored,
                "updated_at": stored,
            },
        },
    }


def _operation(name: str, summary: str, success: str, answer: Json | None, body: bool) -> Json:
    responses: Json = {
        success: {"description": "Done"}
        if answer is None
        else {"description": "OK", **json_body(answer)},
        "400": {"description": "A field is not acceptable; error.field names it", **ERROR},
        "401": {"description": "No bearer token, or an unknown or revoked one", **ERROR},
        "404": {"description": "No such template", **ERROR},
    }
    operation: Json = {
        "tags": ["Admin"], "operationId": name, "summary": summary, "security": SECURITY,
        "responses": responses,
    }  # fmt: skip
    if body:
        operation["requestBody"] = {"required": True, **json_body(ref("admin_new_template"))}
        responses["415"] = {"description": "The body is not application/json", **ERROR}
    return operation


def template_paths() -> Json:
    listing = {
        "type": "object",
        "required": ["templates"],
        "properties": {"templates": {"type": "array", "items": ref("admin_template")}},
    }
    one = ref("admin_template")
    return {
        "/api/admin/templates": {
            "get": _operation("admin_list_templates", "Incident templates, by name", "200",
                              listing, body=False),
            "post": _operation("admin_create_template", "Add an incident template", "201",
                               one, body=True),
        },
        "/api/admin/templates/{template_id}": {
            "parameters": [TEMPLATE_ID],
            "put": _operation("admin_replace_template", "Replace an incident template", "200",
                              one, body=True),
            "delete": _operation("admin_delete_template", "Delete an incident template", "204",
                                 None, body=False),
        },
    }  # fmt: skip
