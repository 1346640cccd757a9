"""Metric sources and metrics as configured: what is wrong with them (reported at
start-up with every other problem in the file) and the resolved definitions, selectors
parsed and bearer tokens read from the environment, that the metrics service runs.

Sources are `[[metric_sources]]`, not `[[metrics.sources]]`: TOML cannot hold both an
array of tables `[[metrics]]` and `[[metrics.sources]]` (written first, the second is
refused; written after, it becomes a key of the last metric), so a `sources` key in a
metric is reported with where it belongs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from probes.metrics.selectors import Selector, SelectorError, parse_selector
from statuspage.settings_model import (
    FileSettings,
    MetricSettings,
    MetricSourceSettings,
    valid_entries,
)

# The keys each metric kind needs, and the optional ones it takes besides them; the
# source kind it reads from (None: pushed over the write API, no source).
NEEDS: dict[str, tuple[str, ...]] = {
    "gauge": ("selector",),
    "rate": ("selector",),
    "ratio": ("numerator", "denominator"),
    "quantile": ("histogram", "quantile"),
    "promql": ("query",),
    "push": (),
}
TAKES = {"gauge": {"aggregate"}}
AVERAGE_LATENCY_UNITS = ("ms", "s")
SOURCE_KIND = {
    "gauge": "scrape",
    "rate": "scrape",
    "ratio": "scrape",
    "quantile": "scrape",
    "promql": "prometheus",
    "push": None,
}


def source_job_id(name: str) -> str:
    """The scheduler's job id of a source's scrape: what a static shard and the workers'
    rendezvous rule hash, so one process of all regions scrapes it."""
    return f"metric-source:{name}"


_KIND_KEYS = {"selector", "aggregate", "numerator", "denominator", "histogram", "quantile"}
_SELECTOR_KEYS = ("selector", "numerator", "denominator", "histogram")


@dataclass(frozen=True, slots=True)
class MetricSourceConfig:
    name: str
    kind: str  # scrape | prometheus
    url: str
    interval_s: float
    timeout_s: float
    max_body_bytes: int
    bearer_token: str | None = None  # read from the environment; never logged or shown


@dataclass(frozen=True, slots=True)
class MetricConfig:
    id: str
    name: str
    kind: str
    source: str | None
    unit: str
    public: bool
    group: str | None = None
    description: str | None = None
    selectors: tuple[tuple[str, Selector], ...] = ()  # (key, parsed) for the scrape kinds
    aggregate: str = "sum"
    quantile: float | None = None
    query: str | None = None
    scale: float = 1.0
    target_below: float | None = None
    target_above: float | None = None
    average_latency: bool = False

    def selector(self, key: str) -> Selector:
        return dict(self.selectors)[key]


@dataclass(frozen=True, slots=True)
class MetricsSettings:
    sources: tuple[MetricSourceConfig, ...] = ()
    metrics: tuple[MetricConfig, ...] = ()

    def metric(self, metric_id: str) -> MetricConfig | None:
        return next((m for m in self.metrics if m.id == metric_id), None)

    def of_source(self, name: str) -> tuple[MetricConfig, ...]:
        return tuple(m for m in self.metrics if m.source == name)


# Problems ------------------------------------------------------------------------


def metric_problems(raw: Mapping[str, Any], env: Mapping[str, str]) -> list[str]:
    """What is wrong with `[[metric_sources]]` and `[[metrics]]` beyond each entry's
    shape (pydantic's to report; entries it refuses are skipped here)."""
    problems = _misplaced_sources(raw.get("metrics"))
    sources: dict[str, tuple[int, MetricSourceSettings]] = {}
    for index, source in valid_entries(raw.get("metric_sources"), MetricSourceSettings):
        where = f"metric_sources[{index}] ({source.name!r})"
        if source.name in sources:
            problems.append(f"{where}.name: {source.name!r} is already used")
        sources.setdefault(source.name, (index, source))
        variable = source.bearer_token_env
        if variable is not None and variable not in env:
            problems.append(f"{where}.bearer_token_env: environment variable {variable} is not set")
    seen: set[str] = set()
    for index, metric in valid_entries(raw.get("metrics"), MetricSettings):
        where = f"metrics[{index}] ({metric.name!r})"
        if metric.id in seen:
            problems.append(f"{where}.id: {metric.id!r} is already used by another metric")
        seen.add(metric.id)
        problems += _metric_problems(metric, where, {n: s for n, (_, s) in sources.items()})
    return problems


def _misplaced_sources(raw_metrics: object) -> list[str]:
    if not isinstance(raw_metrics, list):
        return []
    return [
        f"metrics[{index}].sources: sources are [[metric_sources]] entries (TOML cannot "
        "hold [[metrics.sources]] beside [[metrics]])"
        for index, entry in enumerate(raw_metrics)
        if isinstance(entry, dict) and "sources" in entry
    ]


def _metric_problems(
    metric: MetricSettings, where: str, sources: Mapping[str, MetricSourceSettings]
) -> list[str]:
    kind = metric.kind
    problems = [
        f"{where}.{key}: required for kind {kind!r}"
        for key in NEEDS[kind]
        if getattr(metric, key) is None
    ]
    allowed = set(NEEDS[kind]) | TAKES.get(kind, set())
    problems += [
        f"{where}.{key}: not used by kind {kind!r}"
        for key in sorted(_KIND_KEYS | {"query"})
        if key not in allowed and getattr(metric, key) is not None
    ]
    problems += _source_problems(metric, where, sources)
    for key in _SELECTOR_KEYS:
        text = getattr(metric, key)
        if text is not None and key in allowed:
            problems += _selector_problems(text, f"{where}.{key}")
    if metric.target_below is not None and metric.target_above is not None:
        problems.append(f"{where}: set target_below or target_above, not both")
    if metric.average_latency:
        problems += _average_problems(metric, f"{where}.average_latency")
    return problems


def _average_problems(metric: MetricSettings, where: str) -> list[str]:
    """An average latency is judged by latency-average against its own objective, in
    the metric's unit: one of time, so that no error rate (%) is judged as a latency."""
    if metric.kind == "quantile":
        return [
            f"{where}: not used by kind 'quantile' "
            "(a quantile at 0.95 or 0.99 is judged by latency-p95 or latency-p99)"
        ]
    problems = []
    if metric.target_below is None:
        problems.append(f"{where}: needs target_below, the objective latency-average judges")
    if metric.unit not in AVERAGE_LATENCY_UNITS:
        problems.append(f"{where}: needs a unit of time, ms or s (unit is {metric.unit!r})")
    return problems


def _source_problems(
    metric: MetricSettings, where: str, sources: Mapping[str, MetricSourceSettings]
) -> list[str]:
    wanted = SOURCE_KIND[metric.kind]
    if wanted is None:
        return [] if metric.source is None else [f"{where}.source: a push metric has no source"]
    if metric.source is None:
        return [f"{where}.source: required for kind {metric.kind!r} (a {wanted} source)"]
    source = sources.get(metric.source)
    if source is None:
        return [f"{where}.source: no [[metric_sources]] entry named {metric.source!r}"]
    if source.kind != wanted:
        return [
            f"{where}.source: kind {metric.kind!r} reads a {wanted} source; "
            f"{metric.source!r} is {source.kind}"
        ]
    return []


def _selector_problems(text: str, where: str) -> list[str]:
    try:
        parse_selector(text)
    except SelectorError as exc:
        return [f"{where}: {exc}"]
    return []


# Resolution ----------------------------------------------------------------------


def resolve_metrics(file: FileSettings, env: Mapping[str, str]) -> MetricsSettings:
    """The checked settings as the service runs them (`metric_problems` found none)."""
    sources = tuple(
        MetricSourceConfig(
            name=s.name,
            kind=s.kind,
            url=s.url,
            interval_s=s.interval_s,
            timeout_s=s.timeout_s,
            max_body_bytes=s.max_body_bytes,
            bearer_token=None if s.bearer_token_env is None else env[s.bearer_token_env],
        )
        for s in file.metric_sources
    )
    return MetricsSettings(sources, tuple(_metric_config(m) for m in file.metrics))


def _metric_config(metric: MetricSettings) -> MetricConfig:
    selectors = tuple(
        (key, parse_selector(text))
        for key in _SELECTOR_KEYS
        if (text := getattr(metric, key)) is not None
    )
    return MetricConfig(
        id=metric.id,
        name=metric.name,
        kind=metric.kind,
        source=metric.source,
        unit=metric.unit,
        public=metric.public,
        group=metric.group,
        description=metric.description,
        selectors=selectors,
        aggregate=metric.aggregate or "sum",
        quantile=metric.quantile,
        query=metric.query,
        scale=metric.scale,
        target_below=metric.target_below,
        target_above=metric.target_above,
        average_latency=metric.average_latency,
    )
