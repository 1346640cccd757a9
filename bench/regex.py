"""The slowest `matches` patterns RE2 accepts, on the text `matches` reads.

Run: .venv/bin/python bench/regex.py

RE2's time is linear in the text but grows with the compiled program, and counted
repeats make programs large. This tries nested counted repeats of several character
classes (the shape that makes RE2's DFA outgrow its memory), keeps those that
`probes.regex.compile_regex` accepts, runs each on 10,000 characters of several hostile
texts, and prints the slowest, with their program sizes: the figures behind
`probes.regex.MAX_PROGRAM_SIZE`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; the project's packages must be
# importable instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import itertools
import random
import time

from probes.assertions import MATCH_WINDOW_CHARS
from probes.regex import Regex, RegexError, compile_regex

CLASSES = (r"[a-z0-9]", r"\w", ".", r"\pL", "[^x]", r"(?i)\w", r"\d", "(?:a|b|1)")
INNER = (5, 10, 20, 50, 100, 200)
OUTER = (1, 2, 5, 10, 20, 40, 100)


def hostile_texts() -> list[str]:
    n = MATCH_WINDOW_CHARS
    rng = random.Random(2)
    repeated = [(unit * n)[:n] for unit in ("a", "1", "ab1", "é1", "中a")]
    return [*repeated, "".join(rng.choice("ab1 xyz_-Qé中") for _ in range(n))]


def slowest_s(regex: Regex, texts: list[str]) -> float:
    worst = 0.0
    for text in texts:
        started = time.perf_counter()
        regex.search(text)
        worst = max(worst, time.perf_counter() - started)
    return worst


def main() -> None:
    texts = hostile_texts()
    rows: list[tuple[float, int, str]] = []
    for cls, inner, outer, tail in itertools.product(CLASSES, INNER, OUTER, ("x", "$")):
        pattern = f"(?:{cls}{{0,{inner}}}){{{outer}}}{tail}"
        try:
            regex = compile_regex(pattern)
        except RegexError:
            continue
        rows.append((slowest_s(regex, texts), regex.program_size, pattern))
    rows.sort(reverse=True)
    print(f"{len(rows)} accepted patterns; the slowest on {MATCH_WINDOW_CHARS:,} characters:")
    for seconds, size, pattern in rows[:8]:
        print(f"{seconds * 1000:8.1f} ms  {size:5} instructions  {pattern}")


if __name__ == "__main__":
    main()
