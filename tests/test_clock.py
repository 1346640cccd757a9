"""Every wall-clock read in the product goes through `probes.clock`, so a test (or a
site) that injects a clock moves every part of the service at once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("probes", "storage", "statuspage")
THE_CLOCK = ROOT / "probes" / "clock.py"

# Calls that read the wall clock; monotonic time is a stopwatch, not a clock read.
WALL_CLOCK_READS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
}


def wall_clock_reads(source: str) -> list[int]:
    """Line numbers of calls such as `datetime.now(...)` or `time.time()`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
        if (name, node.func.attr) in WALL_CLOCK_READS and not _converts_a_given_time(node):
            lines.append(node.lineno)
    return lines


def _converts_a_given_time(call: ast.Call) -> bool:
    # time.gmtime(ts) / time.localtime(ts) convert a timestamp; only the bare call reads.
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr
        in {
            "gmtime",
            "localtime",
            "ctime",
        }
        and bool(call.args)
    )


def product_modules() -> list[Path]:
    return sorted(p for package in PRODUCT for p in (ROOT / package).rglob("*.py"))


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in product_modules()
        if path != THE_CLOCK and (lines := wall_clock_reads(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime, UTC\ndatetime.now(UTC)",
        "import datetime\ndatetime.datetime.now()",
        "import time\ntime.time()",
        "from datetime import date\ndate.today()",
        "import time\ntime.gmtime()",
    ],
)
def test_the_scan_finds_each_kind_of_wall_clock_read(source: str) -> None:
    assert wall_clock_reads(source) == [2]


def test_the_scan_leaves_conversions_and_stopwatches_alone() -> None:
    source = "import time\ntime.gmtime(5)\ntime.monotonic()\ntime.perf_counter()"
    assert wall_clock_reads(source) == []


def test_the_clock_module_is_where_the_reads_are() -> None:
    assert wall_clock_reads(THE_CLOCK.read_text(encoding="utf-8")) != []
