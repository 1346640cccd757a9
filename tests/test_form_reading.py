"""Every form is read through `statuspage.http.form_body.posted_form`, which answers 400
for a body that cannot be read, so no form reader can forget to (a forgotten one
answered 500 to a charset nobody knows)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("probes", "storage", "statuspage")
THE_READER = ROOT / "statuspage" / "http" / "form_body.py"
FORM_READS = {"post", "multipart"}  # aiohttp's request.post() and request.multipart()


def form_reads(source: str) -> list[int]:
    """Line numbers of calls such as `request.post()`: a method of that name called with
    no arguments (a client's `session.post(url, ...)` always has some)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in FORM_READS
        and not node.args
        and not node.keywords
    ]


def test_only_the_form_reader_calls_request_post() -> None:
    offenders = {
        str(path.relative_to(ROOT)): lines
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != THE_READER and (lines := form_reads(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        "async def f(request):\n    return await request.post()",
        "async def f(r):\n    return (await r.post()).get('x')",
        "async def f(request):\n    return await request.multipart()",
    ],
)
def test_the_scan_finds_a_form_read(source: str) -> None:
    assert form_reads(source) == [2]


def test_the_scan_leaves_http_clients_alone() -> None:
    source = "async def f(session, url):\n    await session.post(url, json={})"
    assert form_reads(source) == []


def test_the_form_reader_is_where_the_read_is() -> None:
    assert form_reads(THE_READER.read_text(encoding="utf-8")) != []
