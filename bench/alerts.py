"""Alert evaluation benchmark: what judging a committed result costs, next to what
committing it costs, with 1,000 components and every default rule on.

Run: .venv/bin/python bench/alerts.py [--components 1000] [--rounds 5]

No network, a SQLite file in a temporary folder. Each component has an hour of
history at a 30 s interval (the raw window the evaluator keeps): first healthy (no
failures: the common case, where a round measures only the latency rules), then with
2 % failures scattered (every rule measured); latencies lie around the objectives, so
percentiles, error rates and burn rates are all computed over full windows. Then,
round after round, the same batch of new results (one per component, as a 30 s tick
of the whole site) is

* committed by the ResultWriter (the baseline: what the service already pays), and
* judged by the evaluator: `add`, then the components whose new result failed
  at once (Scope.ARRIVED), then the periodic round (Scope.ROUND) for the rest. With
  one result per component per round this is the dearest case: a component probed
  every second gets five results per 5 s round and is judged once for all five;

and a sweep of every component and rule (once a minute) is timed alone.
Alert state changes are written only when something moves, which in steady state is
rare, so that cost is excluded here and visible in the service tests. Figures go to
docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from probes.model import Phases, ProbeResult, ProbeStatus
from statuspage.alerting.evaluator import Evaluator, Scope
from statuspage.alerting.ruleset import build_ruleset
from statuspage.config import load_settings
from storage.components import ComponentDefinition, sync_components
from storage.database import Database
from storage.migrate import upgrade_database
from storage.results.announce import Announced
from storage.results.writer import ResultRecord, ResultWriter

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
INTERVAL_S = 30.0


def config(count: int, url: str) -> str:
    parts = [f'[storage]\nurl = "{url}"\n']
    for i in range(count):
        parts.append(
            f'[[components]]\nid = "c{i:04d}"\nname = "C{i:04d}"\n'
            f'url = "http://127.0.0.1:9/{i}"\nsla_ms = 500\n'
        )
    return "\n".join(parts)


def announced(component: str, at: float, rng: random.Random, failures: float) -> Announced:
    failed = rng.random() < failures
    # Median ~90 ms and a tail past 500 ms, under every objective and the 500 ms SLA
    # for nearly all results: no alert fires, as on a healthy site.
    latency = rng.lognormvariate(4.5, 0.6)
    return Announced(component, "default", at, failed, latency, latency > 500)


def probe_result(item: Announced) -> ProbeResult:
    at = datetime.fromtimestamp(item.at, UTC)
    return ProbeResult(
        status=ProbeStatus.DOWN if item.failed else ProbeStatus.UP,
        latency_ms=item.latency_ms,
        started_at=at,
        phases=Phases(total_ms=item.latency_ms),
        http_status=503 if item.failed else 200,
        within_sla=not item.over_sla,
    )


async def measure(components: int, rounds: int, failures: float) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        path = Path(folder) / "statuspage.toml"
        path.write_text(config(components, url), "utf-8")
        settings = load_settings(path, {})
        ids = [c.id for c in settings.components]
        await upgrade_database(url)
        db = Database.from_url(url)
        definitions = [ComponentDefinition(i, i, sla_ms=500.0, probed=True) for i in ids]
        await sync_components(db, definitions, START)
        ruleset = build_ruleset(settings)
        evaluator = Evaluator(ruleset)
        rules = sum(len(r) for r in ruleset.by_component.values()) + len(ruleset.site)
        now = START.timestamp()
        for _ in range(int(3600 / INTERVAL_S)):
            now += INTERVAL_S
            evaluator.add(announced(c, now, rng, failures) for c in ids)
        evaluator.evaluate(now, Scope.SWEEP)
        writer = ResultWriter(db, batch_size=components)
        commit_us, judge_us, arrived_us, round_ms = [], [], [], []
        for _ in range(rounds):
            now += INTERVAL_S
            batch = [announced(c, now, rng, failures) for c in ids]
            records = [
                ResultRecord(
                    b.component_id, b.region, datetime.fromtimestamp(now, UTC), probe_result(b)
                )
                for b in batch
            ]
            started = time.perf_counter()
            for record in records:
                writer.submit(record)
            await writer.flush()
            commit_us.append((time.perf_counter() - started) / len(batch) * 1e6)
            started = time.perf_counter()
            evaluator.add(batch)
            evaluator.evaluate(now, Scope.ARRIVED)  # the ~2 % that failed, at once
            arrived = time.perf_counter()
            evaluator.evaluate(now + 1, Scope.ROUND)  # every component was fed
            judged = time.perf_counter()
            judge_us.append((judged - started) / len(batch) * 1e6)
            arrived_us.append((arrived - started) / len(batch) * 1e6)
            started = time.perf_counter()
            evaluator.evaluate(now + 2, Scope.SWEEP)
            round_ms.append((time.perf_counter() - started) * 1000)
        await writer.close()
        await db.dispose()
    print(f"failures: {failures:.0%} of results")
    report(components, rules, commit_us, judge_us, arrived_us, round_ms)


def report(
    components: int,
    rules: int,
    commit_us: Sequence[float],
    judge_us: Sequence[float],
    arrived_us: Sequence[float],
    round_ms: Sequence[float],
) -> None:
    def fmt(values: Sequence[float]) -> str:
        median, low, high = statistics.median(values), min(values), max(values)
        return f"median {median:8.1f}  min {low:8.1f}  max {high:8.1f}"

    print(f"{components} components, {rules} rules in force, {len(judge_us)} rounds")
    print(f"  baseline: commit, µs per result        {fmt(commit_us)}")
    print(f"  judge a committed result, µs per result {fmt(judge_us)}")
    print(f"    of which judged on arrival (failures)  {fmt(arrived_us)}")
    share = statistics.median(judge_us) / statistics.median(commit_us) * 100
    print(f"  judging as a share of committing        {share:.0f} %")
    print(f"  sweep of every component and rule, ms   {fmt(round_ms)}")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    for failures in (0.0, 0.02):  # healthy components, then 2 % failures scattered
        asyncio.run(measure(args.components, args.rounds, failures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
