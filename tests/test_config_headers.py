"""A probe's headers must be sendable: a name that is an RFC 9110 token and a value
without control characters, checked as the probe will send it (environment values
filled in). Otherwise start-up stops naming the header: a request that could never
be sent would fail on our side and be recorded as the target being down."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import ConfigError, Settings, load_settings

COMPONENT = '[[components]]\nname = "Web"\nurl = "{url}"\nsla_ms = 100\nheaders = {{ {headers} }}\n'
NAME_PROBLEM = "a header name is letters, digits and !#$%&'*+-.^_`|~ only (no spaces or colons)"
VALUE_PROBLEM = "a header value may not hold line breaks, NUL or other control characters"


def load(tmp_path: Path, headers: str, env: dict[str, str] | None = None) -> Settings:
    path = tmp_path / "statuspage.toml"
    text = COMPONENT.format(url="http://127.0.0.1:9/", headers=headers)
    path.write_text(text, "utf-8")
    return load_settings(path, env or {})


def problems(tmp_path: Path, headers: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, headers, env)
    return str(raised.value)


@pytest.mark.parametrize("name", ["Bad Name", "X-Colon:", "Ünicode", ""])
def test_a_header_name_that_is_not_a_token_stops_start_up(tmp_path: Path, name: str) -> None:
    found = problems(tmp_path, f'"{name}" = "v"')
    assert f"components[0] ('Web').headers.{name}: {NAME_PROBLEM}" in found


@pytest.mark.parametrize("value", ["a\\r\\nInjected: 1", "a\\nb", "nul\\u0000", "bell\\u0007"])
def test_a_header_value_with_control_characters_stops_start_up(tmp_path: Path, value: str) -> None:
    found = problems(tmp_path, f'"X-Ok" = "{value}"')
    assert f"components[0] ('Web').headers.X-Ok: {VALUE_PROBLEM}" in found


def test_a_value_from_the_environment_is_checked_and_never_repeated(tmp_path: Path) -> None:
    found = problems(tmp_path, '"Authorization" = "${TOKEN}"', {"TOKEN": "SECRET\r\nX: 1"})
    assert f"components[0] ('Web').headers.Authorization: {VALUE_PROBLEM}" in found
    assert "SECRET" not in found


def test_sendable_headers_and_a_tab_in_a_value_are_accepted(tmp_path: Path) -> None:
    settings = load(tmp_path, '"X-Api-Key" = "a\\tb", "Accept" = "${ACCEPT}"', {"ACCEPT": "*/*"})
    check = settings.components[0].check
    assert check is not None
    assert dict(check.headers) == {"X-Api-Key": "a\tb", "Accept": "*/*"}


def test_a_url_filled_in_from_the_environment_is_checked_too(tmp_path: Path) -> None:
    path = tmp_path / "statuspage.toml"
    path.write_text(COMPONENT.format(url="http://${HOST}:${PORT}/", headers=""), "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(path, {"HOST": "127.0.0.1", "PORT": "80x"})
    assert "components[0] ('Web').url: the port must be a number from 1 to 65535" in str(
        raised.value
    )
    assert load_settings(path, {"HOST": "127.0.0.1", "PORT": "8080"}).components[0].check
