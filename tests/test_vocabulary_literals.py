"""Status words are spelt once, in `storage/vocabulary.py`; everywhere else names the
enum member or one of the vocabulary's tuples. The enums are `StrEnum`s, so a
misspelt bare string ("in-progress") compares unequal without any error: this test
finds bare status words where they decide something (compared, a dict key, a member
of a tuple or set literal) in every module of probes/, storage/ and statuspage/."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from storage.figures.windows import HISTORY_WINDOW
from storage.vocabulary import ComponentStatus, Impact, IncidentStatus, Severity

ROOT = Path(__file__).resolve().parent.parent
# The status enums whose words mean nothing else. Impact ("none", "major"), AlertState
# and the notification words ("resolved", "failed", "pending") are ordinary English and
# keys of unrelated tables (a dependency's health word, an admin notice), so they are
# left out everywhere rather than buried under exceptions, but for Impact in the rules.
WORDS = {str(m) for enum in (ComponentStatus, IncidentStatus, Severity) for m in enum}
# Impact's words are checked where they mean nothing else: the pure rules, where the
# page's indicator is decided.
IMPACT_WORDS = {"statuspage/rules/": {str(m) for m in Impact}}

# (module path, word): literal on purpose, each with why.
EXCEPTIONS = {
    # Words a dependency's own health endpoint may answer with, matched as received;
    # that ours are among them is a coincidence of English, not our vocabulary.
    ("statuspage/web/component_rows.py", "operational"),
    ("statuspage/web/component_rows.py", "degraded_performance"),
    ("statuspage/web/component_rows.py", "partial_outage"),
    ("statuspage/web/component_rows.py", "major_outage"),
    # The `?done=postmortem` notice after saving one: a URL word, not a status.
    ("statuspage/admin/pages.py", "postmortem"),
}


def product_modules() -> Iterator[Path]:
    for top in ("probes", "storage", "statuspage"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts or path == ROOT / "storage" / "vocabulary.py":
                continue
            yield path


def deciding_literals(tree: ast.AST) -> Iterator[ast.Constant]:
    """String constants compared, used as a dict key, or listed in a tuple or set
    literal (a list literal too, when it is the right side of `in`)."""
    for node in ast.walk(tree):
        places: list[ast.expr] = []
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                places.extend(
                    side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
                )
        elif isinstance(node, ast.Dict):
            places.extend(key for key in node.keys if key is not None)
        elif isinstance(node, ast.Tuple | ast.Set):
            places.extend(node.elts)
        yield from (p for p in places if isinstance(p, ast.Constant) and isinstance(p.value, str))


def words_checked_in(where: str) -> set[str]:
    return WORDS.union(*(words for top, words in IMPACT_WORDS.items() if where.startswith(top)))


def bare_status_words() -> list[str]:
    found = set()
    for path in product_modules():
        where = path.relative_to(ROOT).as_posix()
        words = words_checked_in(where)
        for literal in deciding_literals(ast.parse(path.read_text("utf-8"))):
            if literal.value in words and (where, literal.value) not in EXCEPTIONS:
                found.add(f"{where}:{literal.lineno}: {literal.value!r}")
    return sorted(found)


def test_no_status_word_is_written_as_a_bare_string() -> None:
    assert bare_status_words() == [], "name the storage.vocabulary member instead"


def test_the_check_sees_each_kind_of_place() -> None:
    source = (
        "a == 'scheduled'\n"
        "b in ('P0', x)\n"
        "c not in ['major_outage']\n"
        "{'verifying': 1}\n"
        "d = {'resolved'}\n"
        "e = ('in_progress', 2)\n"
        "f = g('completed')\n"  # a call's argument decides nothing by itself
    )
    words = {c.value for c in deciding_literals(ast.parse(source)) if c.value in WORDS}
    assert words == {"scheduled", "P0", "major_outage", "verifying", "resolved", "in_progress"}


def test_every_exception_is_still_needed() -> None:
    used = set()
    for path in product_modules():
        where = path.relative_to(ROOT).as_posix()
        used |= {
            (where, literal.value)
            for literal in deciding_literals(ast.parse(path.read_text("utf-8")))
        }
    assert EXCEPTIONS - used == set()


def window_keys_written_out() -> list[str]:
    """Every string constant spelling the history window's key ("90d"), wherever it is."""
    return sorted(
        f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"
        for path in product_modules()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Constant) and node.value == HISTORY_WINDOW
    )


def test_the_history_window_key_is_built_from_its_days() -> None:
    # `HISTORY_WINDOW` is `f"{HISTORY_DAYS}d"`: a key written out would stop matching
    # the figures' windows the day the page's days of history change.
    assert window_keys_written_out() == [], "name storage.figures.windows.HISTORY_WINDOW"
