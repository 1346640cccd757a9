"""The configuration file: what it accepts, and how it refuses what it cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import ConfigError, load_settings

MINIMAL = """
[[components]]
name = "System"
url = "http://127.0.0.1:9/api/health/system"
sla_ms = 100
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "statuspage.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_for(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env or {})
    return str(caught.value)


def test_it_loads_the_bundled_production_example() -> None:
    settings = load_settings(Path("examples/production.toml"), {})
    probed = {c.id: c.check.sla_ms for c in settings.components if c.check}
    assert probed == {"system": 100, "database": 200, "external": 500}


def test_the_production_example_asserts_memory_below_eighty_percent() -> None:
    settings = load_settings(Path("examples/production.toml"), {})
    system = next(c for c in settings.components if c.id == "system")
    assert system.check is not None
    assert "body.memory.percent < 80" in [a.text for a in system.check.assertions]


def test_component_defaults_come_from_the_probes_section(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[probes]\ntimeout_s = 7\n" + MINIMAL), {})
    (component,) = settings.components
    assert component.id == "system"
    assert component.check is not None
    assert component.check.timeout_s == 7
    assert component.interval_s == 30


def test_a_component_without_url_is_manual(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[[components]]\nname = "Support desk"\n'), {})
    assert settings.components[0].check is None
    assert settings.probed_components == ()


def test_an_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    message = problems_for(tmp_path, MINIMAL + "colour = 'red'\n")
    assert "statuspage.toml" in message
    assert "components[0] ('System').colour: unknown key" in message


def test_a_wrong_type_says_what_was_expected(tmp_path: Path) -> None:
    message = problems_for(tmp_path, MINIMAL.replace("sla_ms = 100", 'sla_ms = "fast"'))
    assert "components[0] ('System').sla_ms" in message
    assert "valid number" in message
    assert "'fast'" in message


def test_a_negative_sla_is_refused(tmp_path: Path) -> None:
    message = problems_for(tmp_path, MINIMAL.replace("sla_ms = 100", "sla_ms = -5"))
    assert "sla_ms: Input should be greater than 0" in message


def test_a_probed_component_needs_an_sla(tmp_path: Path) -> None:
    message = problems_for(tmp_path, MINIMAL.replace("sla_ms = 100", ""))
    assert "sla_ms is required" in message


def test_a_malformed_assertion_is_a_config_error(tmp_path: Path) -> None:
    message = problems_for(tmp_path, MINIMAL + "assertions = ['body.status ==']\n")
    assert "components[0] ('System').assertions[0]" in message


def test_regexes_re2_cannot_run_are_refused_naming_component_and_assertion(
    tmp_path: Path,
) -> None:
    other = MINIMAL.replace("System", "Database").replace("system", "database")
    message = problems_for(
        tmp_path,
        MINIMAL
        + """assertions = ['body.a matches "(a)\\\\1"']\n"""
        + other
        + """assertions = ['status == 200', 'body.v matches "^v(?=2)"']\n""",
    )
    assert (
        "components[0] ('System').assertions[0]: back-references such as \\1 are not supported"
        in message
    )
    assert (
        "components[1] ('Database').assertions[1]: look-ahead and look-behind are not supported"
        in message
    )


LARGE = "(?:[a-z0-9]{0,20}){40}x"  # 2,405 RE2 instructions: one is accepted


def test_the_matches_of_one_check_are_bounded_together(tmp_path: Path) -> None:
    three = ", ".join(f"'body.a{n} matches \"{LARGE}\"'" for n in range(3))
    message = problems_for(tmp_path, MINIMAL + f"assertions = [{three}]\n")
    assert "components[0] ('System').assertions:" in message
    assert "compile to 7215 RE2 instructions together, at most 5000" in message


def test_two_of_the_largest_patterns_fit_in_one_check(tmp_path: Path) -> None:
    two = ", ".join(f"'body.a{n} matches \"{LARGE}\"'" for n in range(2))
    settings = load_settings(write(tmp_path, MINIMAL + f"assertions = [{two}]\n"), {})
    check = settings.components[0].check
    assert check is not None
    assert len(check.assertions) == 2


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    message = problems_for(tmp_path, "[site\nname = 1")
    assert "not valid TOML" in message
    assert "line 1" in message


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "absent.toml", {})


def test_duplicate_component_ids_are_refused(tmp_path: Path) -> None:
    message = problems_for(tmp_path, MINIMAL + MINIMAL)
    assert "'system' is already used by components[0]" in message


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    message = problems_for(tmp_path, '[site]\ntime_zone = "Mars/Olympus"\n')
    assert "site.time_zone: unknown IANA time zone" in message


def test_the_database_url_comes_from_the_environment(tmp_path: Path) -> None:
    env = {"STATUSPAGE_DATABASE_URL": "postgresql://u@db:5432/status"}
    settings = load_settings(write(tmp_path, MINIMAL), env)
    assert settings.database_url == "postgresql://u@db:5432/status"


@pytest.mark.parametrize("port", ["eighty", "8_080", "\u0668\u0660\u0668\u0660", "-1", "9" * 5000])
def test_a_bad_environment_value_names_the_variable(tmp_path: Path, port: str) -> None:
    with pytest.raises(ConfigError, match="STATUSPAGE_PORT: expected a whole number"):
        load_settings(write(tmp_path, MINIMAL), {"STATUSPAGE_PORT": port})


def test_a_port_from_the_environment_may_carry_surrounding_spaces(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, MINIMAL), {"STATUSPAGE_PORT": " 8089\n"})
    assert settings.file.server.port == 8089


def test_a_relative_sqlite_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, MINIMAL), {})
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/statuspage.db"


def test_header_secrets_come_from_the_environment(tmp_path: Path) -> None:
    text = MINIMAL + 'headers = { Authorization = "Bearer ${HEALTH_TOKEN}" }\n'
    settings = load_settings(write(tmp_path, text), {"HEALTH_TOKEN": "s3cret"})
    check = settings.components[0].check
    assert check is not None
    assert check.headers["Authorization"] == "Bearer s3cret"


def test_an_unset_secret_variable_is_a_config_error(tmp_path: Path) -> None:
    text = MINIMAL + 'headers = { Authorization = "Bearer ${HEALTH_TOKEN}" }\n'
    message = problems_for(tmp_path, text)
    assert "headers.Authorization: environment variable HEALTH_TOKEN is not set" in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    message = problems_for(tmp_path, "[server]\nport = 0\n[probes]\nconcurrency = 0\n")
    assert "server.port" in message
    assert "probes.concurrency" in message


def test_trusted_proxies_are_addresses_or_networks(tmp_path: Path) -> None:
    text = '[server]\ntrusted_proxies = ["10.0.0.0/8", "127.0.0.1", "fd00::/8"]\n' + MINIMAL
    proxies = load_settings(write(tmp_path, text), {}).file.server.trusted_proxies
    assert [str(p) for p in proxies] == ["10.0.0.0/8", "127.0.0.1/32", "fd00::/8"]


def test_a_trusted_proxy_that_is_not_an_address_is_refused_by_name(tmp_path: Path) -> None:
    message = problems_for(tmp_path, '[server]\ntrusted_proxies = ["proxy.local"]\n' + MINIMAL)
    assert "server.trusted_proxies" in message
    assert "statuspage.toml" in message


def test_dns_servers_are_addresses_with_optional_ports(tmp_path: Path) -> None:
    text = '[probes]\ndns_servers = ["1.1.1.1", "127.0.0.1:5353", "[::1]:53"]\n' + MINIMAL
    servers = load_settings(write(tmp_path, text), {}).file.probes.dns_servers
    assert servers == ["1.1.1.1", "127.0.0.1:5353", "[::1]:53"]


def test_a_dns_server_that_is_not_an_address_is_refused_by_name(tmp_path: Path) -> None:
    message = problems_for(tmp_path, '[probes]\ndns_servers = ["dns.google"]\n' + MINIMAL)
    assert "probes.dns_servers" in message
    assert "'dns.google' is not an IP address" in message
    assert "statuspage.toml" in message


def test_trusted_proxies_come_from_the_environment_comma_separated(tmp_path: Path) -> None:
    env = {"STATUSPAGE_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16"}
    proxies = load_settings(write(tmp_path, MINIMAL), env).file.server.trusted_proxies
    assert [str(p) for p in proxies] == ["10.0.0.1/32", "192.168.0.0/16"]
