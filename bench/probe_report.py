"""The probe benchmark's figures and how they are printed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.probe_target import Usage


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Rate:
    label: str
    per_s: float  # for the service: results committed by the writer
    usage: Usage
    done_per_s: float | None = None  # service only: results handed to the writer
    pending: int | None = None  # service only: results still buffered at the window's end
    note: str = ""


@dataclass(frozen=True, slots=True)
class Timings:
    label: str
    bias_ms: list[float]
    lateness_ms: list[float]
    usage: Usage
    note: str = ""


def pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _maybe(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def print_rates(title: str, rates: list[Rate]) -> None:
    print(f"\n{title}")
    cpu = f"{'prober':>6} {'target':>6} {'others':>6}"  # others: the busier CPU's
    head = f"{'per s':>7} {'done/s':>7} {'pending':>7} {'µs/each':>7}   CPU: {cpu}"
    print(f"  {'':40} {head}")
    for r in rates:
        u = r.usage
        # CPU per result stays comparable when other work on the machine slows us down.
        each_us = u.prober / (r.done_per_s or r.per_s) * 1e6
        figures = (
            f"{r.per_s:7.0f} {_maybe(r.done_per_s, '7.0f'):>7} {_maybe(r.pending, '7d'):>7}"
            f" {each_us:7.0f}        {pct(u.prober):>6} {pct(u.target):>6} {pct(u.others):>6}"
        )
        print(f"  {r.label:40} {figures}  {r.note}".rstrip())


def _triple(values: Sequence[float]) -> str:
    return " ".join(f"{percentile(values, q):7.2f}" for q in (50, 99, 100))


def print_timings(title: str, rows: list[Timings]) -> None:
    print(f"\n{title}")
    head = f"{'p50':>7} {'p99':>7} {'max':>7}"
    print(f"  {'':38} {'n':>5}  bias ms {head}  lateness ms {head}  CPU: prober others")
    for t in rows:
        cpu = f"{pct(t.usage.prober):>6} {pct(t.usage.others):>6}"
        line = f"  {t.label:38} {len(t.bias_ms):5}  {'':7} {_triple(t.bias_ms)}"
        print(f"{line}  {'':11} {_triple(t.lateness_ms)}       {cpu}  {t.note}".rstrip())


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_targets(rates: list[Rate], timings: tuple[Timings, Timings] | None) -> None:
    print("\nTargets")
    for r in rates:
        if r.done_per_s is not None:  # a service row
            name, ok = r.label.removeprefix("service, "), verdict(r.per_s >= 2000)
            print(f"  >= 2000 probes/s committed ({name}): {r.per_s:.0f}/s  {ok}")
    if timings is None:
        return
    bare, ours = timings
    d50 = percentile(ours.bias_ms, 50) - percentile(bare.bias_ms, 50)
    d99 = percentile(ours.bias_ms, 99) - percentile(bare.bias_ms, 99)
    late99 = percentile(ours.lateness_ms, 99)
    print(f"  bias p50 within 0.5 ms of the bare loop's: {d50:+.2f} ms  {verdict(d50 <= 0.5)}")
    print(f"  bias p99 within 3 ms of the bare loop's:   {d99:+.2f} ms  {verdict(d99 <= 3.0)}")
    print(f"  start lateness p99 under 20 ms:            {late99:.2f} ms  {verdict(late99 < 20)}")
