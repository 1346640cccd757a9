"""URL settings are parsed, not pattern-matched: a port that is not a number or out of
range, a broken IPv6 host or a missing host stops start-up naming the key, and the
site's address and its home link may not carry a user name or password (a form
posted from a browser would otherwise be refused for every operator)."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import ConfigError, Settings, load_settings

COMPONENT = '[[components]]\nname = "Web"\nurl = "{url}"\nsla_ms = 100\n'
USERINFO = "must not contain a user name or password"
BROKEN = [
    ("http://127.0.0.1:18087x", "the port must be a number from 1 to 65535"),
    ("http://127.0.0.1:99999", "the port must be a number from 1 to 65535"),
    ("http://127.0.0.1:0", "the port must be a number from 1 to 65535"),
    ("https://[::1", "not a valid URL: an IPv6 host must be closed with ]"),
    ("https://:8080/", "expected a host after the scheme, e.g. https://status.example.com"),
    ("ftp://example.com", "expected an http:// or https:// URL"),
]


def load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "statuspage.toml"
    path.write_text(text, "utf-8")
    return load_settings(path, {})


def problems(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, text)
    return str(raised.value)


QUERY = "must not contain a query (?...) or a fragment (#...)"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        *BROKEN,
        ("http://user:pw@host", USERINFO),
        ("https://status.example.com/?lang=en", QUERY),
        ("https://status.example.com/#top", QUERY),
        ("https://status.example.com/?", QUERY),
    ],
)
def test_a_malformed_site_url_stops_start_up_naming_the_key(
    tmp_path: Path, url: str, problem: str
) -> None:
    assert f"site.url: {problem}" in problems(tmp_path, f'[site]\nurl = "{url}"\n')


@pytest.mark.parametrize(("url", "problem"), [*BROKEN, ("https://me@example.com", USERINFO)])
def test_a_malformed_home_url_stops_start_up_naming_the_key(
    tmp_path: Path, url: str, problem: str
) -> None:
    assert f"site.home_url: {problem}" in problems(tmp_path, f'[site]\nhome_url = "{url}"\n')


@pytest.mark.parametrize(("url", "problem"), BROKEN)
def test_a_malformed_probe_target_stops_start_up_naming_the_key(
    tmp_path: Path, url: str, problem: str
) -> None:
    found = problems(tmp_path, COMPONENT.format(url=url))
    assert f"components[0] ('Web').url: {problem}" in found


def test_a_probe_target_may_log_in_with_a_user_name_and_password(tmp_path: Path) -> None:
    settings = load(tmp_path, COMPONENT.format(url="https://probe:secret@example.com:8443/"))
    assert settings.components[0].check is not None


def test_a_channel_url_with_a_broken_port_is_refused_without_echoing_it(tmp_path: Path) -> None:
    channel = (
        '[[channels]]\nname = "ops"\nkind = "slack"\nurl = "https://hooks.example.com:x/SECRET"\n'
    )
    found = problems(tmp_path, COMPONENT.format(url="http://127.0.0.1:9/") + channel)
    assert "channels[0] ('ops').url: the port must be a number from 1 to 65535" in found
    assert "SECRET" not in found


def test_an_ipv6_site_url_with_a_port_is_accepted(tmp_path: Path) -> None:
    assert (
        load(tmp_path, '[site]\nurl = "http://[::1]:8080/"\n').file.site.url == "http://[::1]:8080"
    )
