"""`[[metric_sources]]` and `[[metrics]]`: resolved definitions, and every problem
reported at once with the file, the key and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import ConfigError, Settings, load_settings
from tests.metrics.helpers import AVERAGE
from tests.metrics.helpers import ERROR_RATE as PLAIN_ERROR_RATE

SOURCES = """
[[metric_sources]]
name = "app"
kind = "scrape"
url = "http://127.0.0.1:8081/metrics"
interval_s = 15

[[metric_sources]]
name = "prom"
kind = "prometheus"
url = "http://127.0.0.1:9090"
"""

ERROR_RATE = PLAIN_ERROR_RATE + "public = true\n"


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Settings:
    path = tmp_path / "statuspage.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, env or {})


def problems(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text, env)
    assert all(
        line.startswith(str(tmp_path / "statuspage.toml"))
        for line in str(caught.value).splitlines()
    )
    return caught.value.problems


def test_the_issues_error_rate_metric_is_resolved_with_parsed_selectors(tmp_path: Path) -> None:
    settings = load(tmp_path, SOURCES + ERROR_RATE)
    metric = settings.metrics.metric("api-error-rate")
    assert metric is not None
    assert (metric.kind, metric.source, metric.unit, metric.public) == ("ratio", "app", "%", True)
    assert metric.selector("numerator").matchers[0].value == "5.."
    assert settings.metrics.sources[0].interval_s == 15


def test_a_bearer_token_is_read_from_the_named_environment_variable(tmp_path: Path) -> None:
    text = SOURCES.replace("interval_s = 15", 'interval_s = 15\nbearer_token_env = "APP_TOKEN"')
    settings = load(tmp_path, text, {"APP_TOKEN": "s3cret"})
    assert settings.metrics.sources[0].bearer_token == "s3cret"


def test_an_unset_bearer_token_variable_is_a_problem(tmp_path: Path) -> None:
    text = SOURCES.replace("interval_s = 15", 'interval_s = 15\nbearer_token_env = "APP_TOKEN"')
    assert problems(tmp_path, text) == [
        "metric_sources[0] ('app').bearer_token_env: environment variable APP_TOKEN is not set"
    ]


def test_every_problem_of_every_metric_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        SOURCES
        + """
[[metrics]]
id = "p95"
name = "p95"
source = "prom"
kind = "quantile"
histogram = 'latency_bucket{route=~"("}'
selector = "x"

[[metrics]]
id = "cpu"
name = "CPU"
source = "nowhere"
kind = "gauge"

[[metrics]]
id = "signups"
name = "Sign-ups"
source = "app"
kind = "push"

[[metrics]]
id = "q"
name = "Q"
kind = "promql"
query = "up"
"""
    )
    found = problems(tmp_path, text)
    assert "metrics[0] ('p95').quantile: required for kind 'quantile'" in found
    assert "metrics[0] ('p95').selector: not used by kind 'quantile'" in found
    assert (
        "metrics[0] ('p95').source: kind 'quantile' reads a scrape source; 'prom' is prometheus"
        in found
    )
    assert any(p.startswith("metrics[0] ('p95').histogram: '(': invalid regex") for p in found)
    assert "metrics[1] ('CPU').selector: required for kind 'gauge'" in found
    assert "metrics[1] ('CPU').source: no [[metric_sources]] entry named 'nowhere'" in found
    assert "metrics[2] ('Sign-ups').source: a push metric has no source" in found
    assert "metrics[3] ('Q').source: required for kind 'promql' (a prometheus source)" in found
    assert len(found) == 8


def test_shape_problems_are_reported_with_the_key(tmp_path: Path) -> None:
    text = """
[[metric_sources]]
name = "app"
kind = "statsd"
url = "ftp://x"

[[metrics]]
id = "Bad Id"
name = "x"
kind = "gauge"
colour = "red"
"""
    found = problems(tmp_path, text)
    assert any(
        p.startswith("metric_sources[0] ('app').kind: Input should be 'scrape' or 'prometheus'")
        for p in found
    )
    assert any(p.startswith("metric_sources[0] ('app').url: expected an http") for p in found)
    assert any(p.startswith("metrics[0] ('x').id: String should match pattern") for p in found)
    assert "metrics[0] ('x').colour: unknown key" in found


def test_a_duplicate_metric_id_or_source_name_is_a_problem(tmp_path: Path) -> None:
    text = (
        SOURCES
        + SOURCES.replace('"prom"', '"prom2"').replace('"app"', '"app"')
        + ERROR_RATE
        + ERROR_RATE
    )
    found = problems(tmp_path, text)
    assert "metric_sources[2] ('app').name: 'app' is already used" in found
    assert (
        "metrics[1] ('API error rate').id: 'api-error-rate' is already used by another metric"
        in found
    )


def test_sources_written_as_the_issue_spells_them_say_where_they_belong(tmp_path: Path) -> None:
    # [[metrics]] first and then [[metrics.sources]] is valid TOML, but the source
    # becomes a key of the metric before it.
    text = ERROR_RATE + '\n[[metrics.sources]]\nname = "app"\nkind = "scrape"\n'
    found = problems(tmp_path, text)
    assert (
        "metrics[0].sources: sources are [[metric_sources]] entries (TOML cannot hold "
        "[[metrics.sources]] beside [[metrics]])"
    ) in found


def test_targets_are_one_sided(tmp_path: Path) -> None:
    text = SOURCES + ERROR_RATE + "target_below = 1.0\ntarget_above = 0.5\n"
    assert problems(tmp_path, text) == [
        "metrics[0] ('API error rate'): set target_below or target_above, not both"
    ]


def test_a_push_metric_needs_no_source_and_no_selectors(tmp_path: Path) -> None:
    text = '[[metrics]]\nid = "signups"\nname = "Sign-ups"\nkind = "push"\nunit = "/day"\n'
    (metric,) = load(tmp_path, text).metrics.metrics
    assert (metric.kind, metric.source, metric.selectors) == ("push", None, ())


def test_an_average_latency_is_marked_by_its_key(tmp_path: Path) -> None:
    text = SOURCES + AVERAGE + 'unit = "ms"\ntarget_below = 500.0\naverage_latency = true\n'
    (metric,) = load(tmp_path, text).metrics.metrics
    assert metric.average_latency


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ('unit = "ms"\n', "average_latency: needs target_below, the objective latency-average"),
        ('unit = "%"\ntarget_below = 1.0\n', "average_latency: needs a unit of time, ms or s"),
        ('unit = "ms"\ntarget_above = 1.0\n', "average_latency: needs target_below"),
    ],
)
def test_an_average_latency_needs_a_time_objective(tmp_path: Path, keys: str, says: str) -> None:
    (problem,) = problems(tmp_path, SOURCES + AVERAGE + keys + "average_latency = true\n")
    assert problem.startswith("metrics[0] ('API average').")
    assert says in problem


def test_a_quantile_is_no_average_latency(tmp_path: Path) -> None:
    text = (
        SOURCES
        + '[[metrics]]\nid = "p95"\nname = "p95"\nsource = "app"\nkind = "quantile"\n'
        + 'histogram = "h_bucket"\nquantile = 0.95\nunit = "ms"\ntarget_below = 1.0\n'
        + "average_latency = true\n"
    )
    assert problems(tmp_path, text) == [
        "metrics[0] ('p95').average_latency: not used by kind 'quantile' "
        "(a quantile at 0.95 or 0.99 is judged by latency-p95 or latency-p99)"
    ]
