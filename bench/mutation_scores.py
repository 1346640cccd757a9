"""Mutation scores per module, from the results a `mutmut run` left in mutants/.

Run: .venv/bin/python bench/mutation_scores.py [--survivors]

Reads mutmut 3's `mutants/**/*.py.meta` files (one exit code per mutant) and prints, for
each mutated module, killed/checked and the score. Killed counts mutants a test failed on
and mutants stopped for running too long (an endless loop is caught, not missed);
checked leaves out mutants not run yet. A mutant that no selected test reaches counts
as surviving. `--survivors` lists the surviving mutants' names (`mutmut show NAME`
prints each one's diff). docs/testing.md has the commands and the results.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

# mutmut's exit codes (mutmut/stats.py): 1 and 3 killed; 24, 36, 152, 255 and -24 a
# timeout (SIGXCPU); 0 survived; 5 and 33 no test reached the mutant; None not run.
KILLED = {1, 3, 24, 36, 152, 255, -24}


def results(root: Path) -> Iterator[tuple[str, dict[str, int | None]]]:
    for meta in sorted(root.glob("**/*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        if codes:
            yield str(meta.relative_to(root)).removesuffix(".meta"), codes


def main() -> None:
    show_survivors = "--survivors" in sys.argv
    print(f"{'module':40} {'killed/checked':>15} {'score':>7}")
    for module, codes in results(Path("mutants")):
        checked = [code for code in codes.values() if code is not None]
        killed = sum(code in KILLED for code in checked)
        score = f"{100 * killed / len(checked):.1f}%" if checked else "-"
        print(f"{module:40} {f'{killed}/{len(checked)}':>15} {score:>7}")
        if show_survivors:
            for name, code in codes.items():
                if code is not None and code not in KILLED:
                    print(f"    {name}")


if __name__ == "__main__":
    main()
