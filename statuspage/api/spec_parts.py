"""What every part of the write API's OpenAPI document is built from: the bearer
security, schema references, JSON bodies, closed objects and the usual answers."""

from __future__ import annotations

from statuspage.api.v2 import Json

SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: Json) -> Json:
    return {"content": {"application/json": {"schema": schema}}}


def closed_object(properties: Json) -> Json:
    """An object with exactly these properties, every one of them required."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def answers(ok: Json, *, missing: str | None = None, body: bool = False) -> Json:
    """200 with `ok`, 400, 401 and 503; 404 when the path names a `missing` thing that
    may not exist; 415 when the request has a JSON body."""
    error = json_body(ref("error"))
    found: Json = {
        "200": {"description": "OK", **json_body(ok)},
        "400": {"description": "A refused parameter or field; error.field names it", **error},
        "401": {"description": "No bearer token, or an unknown or revoked one", **error},
        "503": {
            "description": "The database did not answer: the request may not have been "
            "stored; send it again after Retry-After seconds",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            **error,
        },
    }
    if missing is not None:
        found["404"] = {"description": f"No such {missing}", **error}
    if body:
        found["415"] = {"description": "The body is not application/json", **error}
    return found
