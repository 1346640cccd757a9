"""A configuration file with many problems is refused once, naming every one of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import ConfigError, load_settings

# Six independent problems of six kinds, each in its own place.
MANY_PROBLEMS = """
[site]
time_zone = "Mars/Olympus"

[probes]
intervl_s = 30

[[components]]
name = "System"
url = "http://127.0.0.1:9/health"
sla_ms = "fast"

[[components]]
id = "db"
name = "Database"
url = "http://127.0.0.1:9/db"
sla_ms = 200
assertions = ['status == 200', 'body.db = "up"']

[[components]]
name = "Payments"
url = "ftp://127.0.0.1/payments"
sla_ms = 500

[[components]]
id = "db"
name = "Database replica"
url = "http://127.0.0.1:9/replica"
sla_ms = 200
"""


def problems(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> ConfigError:
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env or {})
    return caught.value


def test_every_problem_in_the_file_is_reported_at_once(tmp_path: Path) -> None:
    error = problems(tmp_path, MANY_PROBLEMS)
    lines = str(error).splitlines()
    expected = [
        "site.time_zone: unknown IANA time zone 'Mars/Olympus'",
        "probes.intervl_s: unknown key",
        "components[0] ('System').sla_ms: Input should be a valid number",
        "components[1] ('Database').assertions[1]: unexpected character '='",
        "components[2] ('Payments').url: expected an http:// or https:// URL",
        "components[3] ('Database replica').id: 'db' is already used by components[1]",
    ]
    for problem in expected:
        assert any(line.startswith(f"{tmp_path / 'many.toml'}: {problem}") for line in lines), (
            problem
        )
    assert len(error.problems) == len(expected)


def test_a_bad_assertion_is_reported_beside_a_bad_type_in_the_same_component(
    tmp_path: Path,
) -> None:
    text = """
[[components]]
name = "System"
url = "http://127.0.0.1:9/health"
sla_ms = "fast"
assertions = ['body.db = "up"']
"""
    error = problems(tmp_path, text)
    assert [p.split(":", 1)[0] for p in error.problems] == [
        "components[0] ('System').sla_ms",
        "components[0] ('System').assertions[0]",
    ]


def test_environment_problems_come_with_the_files_own(tmp_path: Path) -> None:
    text = """
[site]
time_zone = "Mars/Olympus"

[[components]]
name = "System"
url = "http://127.0.0.1:9/health"
sla_ms = 100
headers = { Authorization = "Bearer ${HEALTH_TOKEN}" }
"""
    error = problems(tmp_path, text, {"STATUSPAGE_PORT": "eighty"})
    message = str(error)
    assert "environment variable STATUSPAGE_PORT: expected a whole number" in message
    assert "site.time_zone: unknown IANA time zone" in message
    assert "headers.Authorization: environment variable HEALTH_TOKEN is not set" in message
    assert len(error.problems) == 3
