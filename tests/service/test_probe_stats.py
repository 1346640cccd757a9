"""Probe metrics: the plain counters scrape as prometheus_client's own types would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from statuspage.service.metrics import ServiceMetrics
from statuspage.service.probe_stats import LATENCY_BUCKETS, Buckets, ProbeStats


def samples(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if not s.name.endswith("_created")
    }


values = st.lists(
    st.one_of(st.sampled_from(LATENCY_BUCKETS), st.floats(min_value=0, max_value=100)),
    max_size=40,
)


@given(values)
def test_buckets_scrape_exactly_as_a_prometheus_histogram(observed: list[float]) -> None:
    ours, theirs = CollectorRegistry(), CollectorRegistry()
    stats = ProbeStats()
    ours.register(stats)
    reference = Histogram("h", "h", buckets=LATENCY_BUCKETS, registry=theirs)
    for value in observed:
        stats.record("c", "up", value, 0.0)
        reference.observe(value)
    mine = {
        (name.replace("statuspage_probe_latency_all_seconds", "h"), labels): v
        for (name, labels), v in samples(ours).items()
        if name.startswith("statuspage_probe_latency_all_seconds")
    }
    assert mine.keys() == samples(theirs).keys()
    for key, value in samples(theirs).items():
        assert abs(mine[key] - value) <= 1e-9 * max(1.0, abs(value))


def test_a_value_on_a_bound_counts_in_that_bucket() -> None:
    buckets = Buckets((0.1, 1.0))
    for value in (0.1, 1.0, 1.5):
        buckets.observe(value)
    assert buckets.counts == [1, 1, 1]


def test_results_latency_lateness_and_retries_are_exported_per_component() -> None:
    metrics = ServiceMetrics()
    stats = metrics.probes
    stats.record("api", "up", 0.25, 0.002)
    stats.record("api", "down", 0.75, 0.0)
    stats.record("db", "up", 0.5, 0.03)
    stats.retried()
    got = samples(metrics.registry)
    assert got[("statuspage_probes_total", (("component", "api"), ("status", "up")))] == 1
    assert got[("statuspage_probes_total", (("component", "api"), ("status", "down")))] == 1
    assert got[("statuspage_probe_latency_seconds_count", (("component", "api"),))] == 2
    assert got[("statuspage_probe_latency_seconds_sum", (("component", "api"),))] == 1.0
    assert got[("statuspage_probe_latency_seconds_sum", (("component", "db"),))] == 0.5
    assert got[("statuspage_probe_start_lateness_seconds_bucket", (("le", "0.0025"),))] == 2
    assert got[("statuspage_probe_start_lateness_seconds_count", ())] == 3
    assert got[("statuspage_probe_confirmation_retries_total", ())] == 1
    # One latency histogram for the fleet, not one per component.
    buckets = [k for k in got if k[0] == "statuspage_probe_latency_all_seconds_bucket"]
    assert len(buckets) == len(LATENCY_BUCKETS) + 1
