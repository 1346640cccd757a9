"""Layers run one way (docs/architecture.md): each package imports only from the
layers below it, there are no import circles, a probe-only process never loads
the web layer, and the tests' oracles stay in tests/."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Starts real processes (`pytest -m "not slow"` skips it).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import from its own layer's package and from lower
# layers; `statuspage.keys` only names app keys, so every layer may use it.
LAYERS: list[tuple[str, ...]] = [
    ("probes",),
    ("storage",),
    ("statuspage.rules",),
    ("statuspage.shard",),
    ("statuspage.settings_model",),
    ("statuspage.alert_specs", "statuspage.channel_specs", "statuspage.metric_specs"),
    ("statuspage.config",),
    ("statuspage.presentation",),
    ("statuspage.service", "statuspage.http"),
    # Beside each other: the app wires the notifications' planner into the evaluator.
    ("statuspage.alerting", "statuspage.notify"),
    ("statuspage.web", "statuspage.api", "statuspage.feeds", "statuspage.admin"),
    ("statuspage.app",),
    ("statuspage.simulated_app",),
    ("statuspage.simulated_push",),
    ("statuspage.process", "statuspage.export", "statuspage.demo_history"),
    ("statuspage.commands",),
    ("statuspage.cli",),
    ("statuspage.__main__",),
]
EVERYWHERE = ("statuspage.keys", "statuspage.__init__")
# Same layer, one way only: the write API answers in the API's v2 shape.
SIDEWAYS = {("statuspage.admin", "statuspage.api")}
# The web edges and the service sit side by side and never meet: the edges import
# no scheduler code, and the service renders nothing.
EDGES = ("statuspage.http", "statuspage.web", "statuspage.api", "statuspage.feeds")
APART = {
    (service, edge)
    for service in ("statuspage.service", "statuspage.alerting", "statuspage.notify")
    for edge in (*EDGES, "statuspage.admin")
}


def package_of(module: str) -> str | None:
    for layer in LAYERS:
        for package in layer:
            if module == package or module.startswith(package + "."):
                return package
    return None


def rank_of(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def product_modules() -> Iterator[tuple[str, Path]]:
    for top in ("probes", "storage", "statuspage"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts), path


def runtime_imports(path: Path, *, submodules: bool = False) -> Iterator[str]:
    """Imported module names, leaving out `if TYPE_CHECKING:` blocks; with `submodules`,
    also `package.name` for each `from package import name` (it may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            if submodules:
                yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def allowed(importer: str, imported: str) -> bool:
    if imported.startswith(EVERYWHERE):
        return True
    mine, theirs = package_of(importer), package_of(imported)
    if mine is None or theirs is None or mine == theirs:
        return True
    if (mine, theirs) in SIDEWAYS:
        return True
    if {(mine, theirs), (theirs, mine)} & APART:
        return False
    return rank_of(theirs) < rank_of(mine)


def test_every_import_goes_down_the_layers() -> None:
    wrong = sorted(
        f"{module} imports {imported}"
        for module, path in product_modules()
        for imported in runtime_imports(path)
        if not allowed(module, imported)
    )
    assert wrong == []


def import_graph() -> dict[str, set[str]]:
    """Each product module and the product modules it imports at run time (a package
    stands for its `__init__`)."""
    paths = dict(product_modules())
    name_of = {m.removesuffix(".__init__"): m for m in paths}
    return {
        module: {name_of[i] for i in runtime_imports(path, submodules=True) if i in name_of}
        - {module}
        for module, path in paths.items()
    }


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    return seen


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module: each module reaches
    every other one of its component, so they import each other in a circle."""
    reach = {module: reachable(graph, module) for module in graph}
    found = {
        tuple(sorted({m} | {other for other in reach[m] if m in reach[other]}))
        for m in graph
        if m in reach[m]
    }
    return sorted(list(component) for component in found)


def test_no_import_cycles() -> None:
    assert circles(import_graph()) == []


def test_a_circle_is_found_however_long() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}}
    assert circles(graph) == [["a", "b", "c"]]


# Every query and write is a named function in storage/ (docs/architecture.md): no
# module of statuspage/ imports the SQL libraries, so SQL cannot come back into the
# web edges. Catching a database error by its class is not SQL.
SQL_LIBRARIES = ("sqlmodel", "sqlalchemy")
SQL_ERRORS = ("sqlalchemy.exc",)


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def imports_sql(imported: str) -> bool:
    return within(imported, SQL_LIBRARIES) and not within(imported, SQL_ERRORS)


def every_import(path: Path) -> Iterator[str]:
    """Imported module names, `if TYPE_CHECKING:` blocks included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_sql_library_is_imported_above_storage() -> None:
    wrong = sorted(
        f"{module} imports {imported}"
        for module, path in product_modules()
        if module.startswith("statuspage.")
        for imported in every_import(path)
        if imports_sql(imported)
    )
    assert wrong == [], "add a named query or write to storage/ and call it"


@pytest.mark.parametrize(
    ("imported", "sql"),
    [
        ("sqlmodel", True),
        ("sqlalchemy", True),
        ("sqlalchemy.ext.asyncio", True),
        ("sqlalchemy.exc", False),
        ("sqlalchemy_utils", False),
        ("storage.sql", False),
    ],
)
def test_what_counts_as_sql(imported: str, sql: bool) -> None:
    assert imports_sql(imported) is sql


def defined_names(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id


def test_test_oracles_live_in_the_tests() -> None:
    # `*_from_raw`: figures worked out straight from raw results, which the tests hold
    # the roll-ups to (tests/storage/oracles.py); the product never needs them.
    oracles = sorted(
        f"{module}.{name}"
        for module, path in product_modules()
        for name in defined_names(path)
        if name.endswith("_from_raw")
    )
    assert oracles == []


def test_every_product_package_has_a_layer() -> None:
    unplaced = {module for module, _ in product_modules() if package_of(module) is None} - {
        "statuspage",
        "statuspage.keys",
        "statuspage.__init__",
    }
    assert unplaced == set()


@pytest.mark.parametrize(
    ("importer", "imported", "ok"),
    [
        ("statuspage.web.views", "statuspage.http.serving", True),
        ("statuspage.http.serving", "statuspage.web.views", False),
        ("statuspage.web.views", "statuspage.service.scheduler", False),
        ("statuspage.service.jobs", "statuspage.http.cache", False),
        ("statuspage.feeds.routes", "statuspage.api.v2", False),
        ("statuspage.admin.api", "statuspage.api.v2", True),
        ("storage.status", "statuspage.config", False),
        ("statuspage.rules.status", "storage.vocabulary", True),
    ],
)
def test_the_rule_itself(importer: str, imported: str, ok: bool) -> None:
    assert allowed(importer, imported) is ok


def test_a_probe_only_process_does_not_load_the_web_layer() -> None:
    # What `statuspage probe` imports: the CLI (every command module, to build the
    # parser), the process runner and the app with the probe roles.
    script = (
        "import sys\n"
        "from statuspage.cli import build_parser\n"
        "build_parser()\n"
        "import statuspage.process\n"
        "from statuspage.app import create_app\n"
        "loaded = sorted(m for m in sys.modules if m == 'jinja2' or m.startswith(("
        "'statuspage.web', 'statuspage.http', 'statuspage.api', 'statuspage.feeds', "
        "'statuspage.export')))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
