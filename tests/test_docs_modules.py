"""The docs name modules that exist: docs/storage.md describes every module under
storage/, and every module path or dotted name that README.md and docs/ mention, and
every path the mutation settings in pyproject.toml name, is in the tree."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
STORAGE_DOC = ROOT / "docs" / "storage.md"
PACKAGES = ("storage", "statuspage", "probes", "bench", "tests")

# Named on purpose though not in the tree, each with why.
NOT_IN_TREE = {
    "statuspage/notify/channels/": "where notification channels go (architecture.md, issue 17)",
    "probes/safe_regex.py": "testing.md keeps its mutation score; RE2 replaced it",
    "statuspage/templates/": "where setup.py puts templates/ in the wheel (page.md)",
}

_PREFIX = "|".join(PACKAGES)
# `storage/results/writer.py`, `statuspage/rules/`: a package's module or folder.
FULL_PATH = re.compile(rf"(?<![\w./-])((?:{_PREFIX})/(?:[\w-]+/)*(?:[\w-]+\.py)?)(?![\w/-])")
# `service/runner.py`, as architecture.md writes paths inside a package.
SHORT_PATH = re.compile(r"(?<![\w./-])((?:[\w-]+/)+[\w-]+\.py)\b")
# `storage.queries.latest.data_stamp`. Two parts are left out: README's config keys
# (`storage.url`, `probes.interval_s`) look like them.
DOTTED = re.compile(rf"(?<![\w./-])((?:{_PREFIX})(?:\.\w+){{2,}})")
MUTANT = re.compile(r"^x_(\w+?)__mutmut_\d+$")  # mutmut's name for a mutant of a function


def storage_modules() -> list[str]:
    return sorted(
        str(path.relative_to(ROOT / "storage"))
        for path in (ROOT / "storage").rglob("*.py")
        if path.name != "__init__.py" and "versions" not in path.parts
    )


def test_docs_storage_names_every_storage_module() -> None:
    text = STORAGE_DOC.read_text("utf-8")
    missing = [m for m in storage_modules() if f"`{m}`" not in text]
    assert missing == [], f"docs/storage.md: describe {missing} under ## Modules"


def test_every_module_docs_storage_describes_exists() -> None:
    text = STORAGE_DOC.read_text("utf-8")
    section = text.split("\n## Modules\n", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"^\| `([\w/]+\.py)` \|", section, flags=re.MULTILINE)
    assert named, "docs/storage.md: ## Modules has no table rows of the form | `module.py` |"
    assert [m for m in named if not (ROOT / "storage" / m).is_file()] == []


def module_paths(text: str) -> Iterator[str]:
    """Every path to one of our modules or folders that the text names, written in
    full, inside a package (`web/views.py`), or in a file tree of a code block."""
    yield from FULL_PATH.findall(text)
    for short in SHORT_PATH.findall(text):
        if short.split("/")[0] not in PACKAGES:
            yield next((f"{p}/{short}" for p in PACKAGES if (ROOT / p / short).exists()), short)
    yield from tree_paths(text)


def tree_paths(text: str) -> Iterator[str]:
    """Modules listed under a folder in a code block, as docs/page.md lays them out:
    `statuspage/web/` on its own line, then `  views.py   what it holds`."""
    for block in re.findall(r"^```\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        folder = None
        for line in block.splitlines():
            if head := re.match(rf"((?:{_PREFIX})/(?:[\w-]+/)*)(\s|$)", line):
                folder = head.group(1)
            elif folder and (names := re.match(r"\s+((?:[\w-]+\.py, )*[\w-]+\.py)\s", line)):
                yield from (folder + name.strip() for name in names.group(1).split(","))
            elif not line.startswith(" "):
                folder = None


def test_every_module_path_the_docs_mention_exists() -> None:
    missing = [
        f"{doc.name}: {path}"
        for doc in DOCS
        for path in module_paths(doc.read_text("utf-8"))
        if not (ROOT / path).exists() and path not in NOT_IN_TREE
    ]
    assert missing == []


@cache
def top_level_names(module: Path) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.parse(module.read_text("utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        else:  # assignments, also inside `if` and `try`
            stored = (n for n in ast.walk(node) if isinstance(n, ast.Name))
            names.update(n.id for n in stored if isinstance(n.ctx, ast.Store))
    return frozenset(names)


def module_file(parts: list[str]) -> Path | None:
    path = ROOT.joinpath(*parts)
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


def dotted_name_problem(dotted: str) -> str | None:
    """None if `dotted` is a module, or a module and a name defined at its top level."""
    parts = dotted.split(".")
    known = next((k for k in range(len(parts), 0, -1) if module_file(parts[:k])), 0)
    module = module_file(parts[:known])
    if module is None:
        return f"{dotted}: no such module"
    if known == len(parts):
        return None
    name = MUTANT.sub(r"\1", parts[known])
    if name in top_level_names(module):
        return None
    return f"{dotted}: {'.'.join(parts[:known])} has no {parts[known]}"


def test_every_dotted_module_name_the_docs_mention_exists() -> None:
    problems = [
        f"{doc.name}: {problem}"
        for doc in DOCS
        for dotted in DOTTED.findall(doc.read_text("utf-8"))
        if (problem := dotted_name_problem(dotted))
    ]
    assert problems == []


def test_the_mutation_settings_name_modules_and_tests_that_exist() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    assert [glob for glob in settings["only_mutate"] if not list(ROOT.glob(glob))] == []
    tests = settings["pytest_add_cli_args_test_selection"]
    assert [path for path in tests if not _names_a_test(path)] == []


def _names_a_test(selection: str) -> bool:
    """A file or folder, or `file::test_name` with that test in the file."""
    path, _, name = selection.partition("::")
    if not (ROOT / path).exists():
        return False
    return not name or f"def {name}(" in (ROOT / path).read_text("utf-8")
