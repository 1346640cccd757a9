"""Reading write-API request bodies: one JSON object, known keys, the right types.

Each function raises `IncidentError(field, message)` for the first problem, so
the API answers 400 naming the field, like the forms do. Unknown keys are
refused rather than ignored: a misspelt "severty" must not silently do nothing.
Times are ISO 8601; one without an offset is read in the site's time zone,
like a time typed into a form. A body nested deeper than `MAX_DEPTH` is
refused whole: no body the API takes nests more than three levels, and a very
deep one would otherwise exhaust the parser's recursion.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage.admin.forms import parse_local_time
from storage.incidents.rules import IncidentError

Body = dict[str, object]
REQUEST_FIELD = ""  # IncidentError.field for a problem with the request as a whole
MAX_DEPTH = 32  # arrays and objects inside each other
TOO_DEEP = f"the body nests arrays or objects more than {MAX_DEPTH} levels deep"


class UnsupportedMediaType(Exception):
    """The body is not declared as JSON."""


async def json_object(request: web.Request, allowed: Collection[str]) -> Body:
    if request.content_type != "application/json":
        raise UnsupportedMediaType
    try:
        data = json.loads(await request.text())
    except (ValueError, UnicodeDecodeError):
        raise IncidentError(REQUEST_FIELD, "the body is not valid JSON") from None
    except RecursionError:  # thousands of levels: the parser gave up before we could look
        raise IncidentError(REQUEST_FIELD, TOO_DEEP) from None
    if nesting_depth(data) > MAX_DEPTH:
        raise IncidentError(REQUEST_FIELD, TOO_DEEP)
    if not isinstance(data, dict):
        raise IncidentError(REQUEST_FIELD, "send one JSON object")
    for key in data:
        if key not in allowed:
            raise IncidentError(str(key)[:100], "unknown field")
    return data


def nesting_depth(value: object) -> int:
    """How many arrays and objects deep `value` goes; walked without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in item)
    return deepest


def text(data: Mapping[str, object], key: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise IncidentError(key, "required")
        return None
    if not isinstance(value, str):
        raise IncidentError(key, "expected a string")
    return value


def flag(data: Mapping[str, object], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise IncidentError(key, "expected true or false")
    return value


def moment(data: Mapping[str, object], key: str, tz: ZoneInfo) -> datetime | None:
    value = text(data, key)
    return None if value is None else parse_local_time(value, tz, key)


def component_map(data: Mapping[str, object], key: str = "components") -> dict[str, str] | None:
    """{"<component id>": "<component status>"}; None when absent."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise IncidentError(key, 'expected an object: {"<component id>": "<status>"}')
    for component_id, status in value.items():
        if not isinstance(status, str):
            raise IncidentError(f"{key}.{component_id}", "expected a component status string")
    return {str(k): str(v) for k, v in value.items()}


def component_list(data: Mapping[str, object], status: str) -> dict[str, str]:
    """Maintenance names its components as a list of ids (each gets `status`) or,
    like incidents, as an id -> status object."""
    value = data.get("components")
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise IncidentError("components", "expected a list of component ids")
        return dict.fromkeys((str(v) for v in value), status)
    return component_map(data) or {}
