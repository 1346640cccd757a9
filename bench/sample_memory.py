"""Memory the alert evaluator holds per raw sample: `SampleWindow`s filled as the
evaluator fills them, measured with tracemalloc.

Run: .venv/bin/python bench/sample_memory.py [--windows 200] [--samples 3600]

An hour of samples at one a second per window (a component every 30 s from 120
regions, or every second from one), 1 in 97 failed, latencies 40-200 ms. What it
prints times the samples an evaluator holds (components x regions x an hour's
results) is its memory for them: docs/scaling.md, "What breaks first".
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import tracemalloc

from statuspage.rules.alerts.samples import SampleWindow


def bytes_per_sample(windows: int, samples: int) -> float:
    tracemalloc.start()
    try:
        held = [SampleWindow(3600.0, 1000.0) for _ in range(windows)]
        before = tracemalloc.get_traced_memory()[0]
        for window in held:
            for i in range(samples):
                latency = 40.0 + (i * 7919 % 16001) / 100  # distinct floats, as measured ones are
                window.append(float(i), i % 97 == 0, latency, False)
        return (tracemalloc.get_traced_memory()[0] - before) / (windows * samples)
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=200)
    parser.add_argument("--samples", type=int, default=3600)
    args = parser.parse_args()
    per_sample = bytes_per_sample(args.windows, args.samples)
    print(
        f"{args.windows} windows of {args.samples} samples: {per_sample:.0f} bytes per sample held"
    )


if __name__ == "__main__":
    main()
