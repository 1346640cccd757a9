"""The probe benchmark's figures and how they are printed."""

from __future__ import annotations

import statistics
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


@dataclass(frozen=True, slots=True)
class Side:
    """One service run of an off/on pair (`bench/probes.py --pairs`)."""

    committed_per_s: float
    cpu_us: float  # this process's CPU (all threads) per committed result
    usage: Usage
    skipped_per_s: float
    late_ms: list[float]


def _side(s: Side) -> str:
    late = f"{percentile(s.late_ms, 50):6.0f} {percentile(s.late_ms, 99):6.0f}"
    return (
        f"{s.committed_per_s:6.0f} {s.cpu_us:6.0f} {s.skipped_per_s:6.0f} {late}"
        f" {pct(s.usage.prober):>5} {pct(s.usage.others):>5}"
    )


def print_pairs(title: str, pairs: list[tuple[Side, Side]], bound: float, busy: float) -> None:
    """Each pair's figures, off then on, their ratios, and the medians."""
    print(f"\n{title}")
    names = ("per s", "µs/res", "skip/s", "late50", "late99")
    side = " ".join(f"{n:>6}" for n in names) + f" {'CPU':>5} {'other':>5}"
    print(f"  {'':4} {'alerting off':^47}   {'alerting on':^47}   on/off: per s  µs/res")
    print(f"  {'pair':4} {side}   {side}")
    rates, cpus = [], []
    for n, (off, on) in enumerate(pairs, 1):
        rate, cpu = on.committed_per_s / off.committed_per_s, on.cpu_us / off.cpu_us
        rates.append(rate)
        cpus.append(cpu)
        print(f"  {n:4} {_side(off)}   {_side(on)}   {rate:13.3f} {cpu:7.3f}")
    offs, ons = [p[0] for p in pairs], [p[1] for p in pairs]
    rate, cpu = statistics.median(rates), statistics.median(cpus)
    print(
        f"  median on/off: committed/s {rate:.3f} ({(rate - 1) * 100:+.1f} %), "
        f"CPU per result {cpu:.3f} ({(cpu - 1) * 100:+.1f} %)"
    )
    for name, sides in (("off", offs), ("on", ons)):
        per_s = statistics.median(s.committed_per_s for s in sides)
        cpu_us = statistics.median(s.cpu_us for s in sides)
        skipped = statistics.median(s.skipped_per_s for s in sides)
        print(
            f"  median alerting {name + ':':4} {per_s:6.0f} committed/s, {cpu_us:4.0f} µs of"
            f" CPU per result, {skipped:5.0f} runs skipped/s,"
            f" others up to {pct(max(s.usage.others for s in sides))} of a CPU"
        )
    loss = max(1 - rate, cpu - 1)
    others = max(s.usage.others for s in offs + ons)
    caveat = f" (others took up to {pct(others)} of a CPU: not conclusive)" if others > busy else ""
    print(
        f"  loss with alerting on (the larger of the median throughput loss and the median"
        f" CPU rise per result): {loss * 100:.1f} %; bound {bound * 100:.0f} %:"
        f" {verdict(loss <= bound)}{caveat}"
    )
