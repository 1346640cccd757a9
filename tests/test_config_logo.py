"""`site.logo_url` is refused at start-up when the page would not show it: by the same
rule the page applies (`safe_logo_src`), a logo comes from this site or is inline."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import ConfigError, Settings, load_settings
from statuspage.settings_model import LOGO_RULE

SITE = '[site]\nurl = "https://status.acme.test"\nlogo_url = "{logo}"\n'


def load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "statuspage.toml"
    path.write_text(text, "utf-8")
    return load_settings(path, {})


@pytest.mark.parametrize(
    "logo", ["https://cdn.example.com/logo.png", "//cdn.example.com/logo.png", "logo.png"]
)
def test_a_logo_from_elsewhere_stops_start_up_explaining_the_rule(
    tmp_path: Path, logo: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, SITE.format(logo=logo))
    assert f"site.logo_url: {LOGO_RULE}" in str(raised.value)


@pytest.mark.parametrize(
    "logo",
    ["/static/logo.png", "https://status.acme.test/a/logo.svg", "data:image/png;base64,AAAA"],
)
def test_a_logo_the_page_shows_is_accepted(tmp_path: Path, logo: str) -> None:
    assert load(tmp_path, SITE.format(logo=logo)).file.site.logo_url == logo


def test_a_logo_on_the_default_site_url_is_checked_against_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"site\.logo_url"):
        load(tmp_path, '[site]\nlogo_url = "https://cdn.example.com/logo.png"\n')
    settings = load(tmp_path, '[site]\nlogo_url = "http://127.0.0.1:8080/logo.png"\n')
    assert settings.file.site.logo_url == "http://127.0.0.1:8080/logo.png"
