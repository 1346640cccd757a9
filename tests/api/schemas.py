"""Validate a response against its JSON Schema in schemas/ (Draft 2020-12)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


@cache
def registry() -> Registry[Any]:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text("utf-8")), DRAFT202012))
        for path in SCHEMA_DIR.glob("*.json")
    ]
    return Registry().with_resources(resources)


def validator(name: str) -> Draft202012Validator:
    schema = registry().contents(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry(), format_checker=FormatChecker())


def assert_valid(body: Any, name: str) -> None:
    errors = sorted(validator(name).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def assert_answers(document: Any, path: str, method: str, status: int, body: Any) -> None:
    """`body` is what the OpenAPI `document` says `method path` answers with `status`
    (its schema as embedded there, references resolved within the document)."""
    responses = document["paths"][path][method]["responses"]
    ref = responses[str(status)]["content"]["application/json"]["schema"]["$ref"]
    found = Registry().with_resource("openapi.json", DRAFT202012.create_resource(document))
    schema = {"$ref": f"openapi.json{ref}"}
    checker = Draft202012Validator(schema, registry=found, format_checker=FormatChecker())
    errors = sorted(checker.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
