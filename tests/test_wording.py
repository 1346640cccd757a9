"""Words the product never uses, in any file of the repository."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {
    ".git", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
    "__pycache__", "build", "dist", "node_modules", "site",
}  # fmt: skip
# The internal name of the customer's document. Spelt in two pieces so this
# file does not trip its own check.
INTERNAL_WORD = re.compile("se" + "ed", re.IGNORECASE)


def repository_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        found += [Path(folder) / name for name in files]
    return found


def test_the_internal_name_of_the_production_configuration_appears_nowhere() -> None:
    offenders = []
    for path in repository_files():
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue  # images and other binary files
        for number, line in enumerate(text.splitlines(), 1):
            if INTERNAL_WORD.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
