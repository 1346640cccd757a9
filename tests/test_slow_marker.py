"""Tests that start real processes are marked `slow` (README, "Tests"): a module that
starts one, itself or through the process helpers, says so in its `pytestmark`, so
`pytest -m "not slow"` is the quick in-process run it claims to be."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
STARTS_A_PROCESS = {
    ("asyncio", "create_subprocess_exec"),
    ("asyncio", "create_subprocess_shell"),
    ("subprocess", "run"),
    ("subprocess", "Popen"),
    ("subprocess", "check_call"),
    ("subprocess", "check_output"),
}
PROCESS_HELPERS = {"tests.service.cli_process", "tests.service.worker_cluster"}


def _starts_a_process(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        called = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        if called and (node.value.id, node.attr) in STARTS_A_PROCESS:  # type: ignore[attr-defined]
            return True
        if isinstance(node, ast.ImportFrom) and node.module in PROCESS_HELPERS:
            return True
    return False


def _marked_slow(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            return "pytest.mark.slow" in ast.unparse(node.value)
    return False


def test_every_test_module_that_starts_a_process_is_marked_slow() -> None:
    unmarked = []
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if _starts_a_process(tree) and not _marked_slow(tree):
            unmarked.append(str(path.relative_to(TESTS)))
    assert unmarked == []


def test_the_check_sees_a_process_started_through_a_helper_or_directly() -> None:
    helper = ast.parse("from tests.service.cli_process import Service\n")
    direct = ast.parse("import subprocess\ndef test_x():\n    subprocess.run(['true'])\n")
    marked = ast.parse("import pytest\npytestmark = [pytest.mark.slow, pytest.mark.postgres]\n")
    assert _starts_a_process(helper)
    assert _starts_a_process(direct)
    assert not _starts_a_process(marked)
    assert _marked_slow(marked)
