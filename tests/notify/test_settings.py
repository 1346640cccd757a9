"""`[[channels]]`, `[smtp]` and `[[routes]]`: read as the issue writes them, secrets
from the environment, the production configuration's routing when no route is
given, and every problem at start-up at once, naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.channel_specs import PAGERDUTY_EVENTS_URL
from statuspage.config import ConfigError, Settings, load_settings
from statuspage.rules.routing import channels_for
from storage.vocabulary import AlertSeverity

COMPONENT = """
[[components]]
id = "api"
name = "API"
url = "http://127.0.0.1:9/health"
sla_ms = 100
"""
# The issue's example, as written there.
ISSUE_EXAMPLE = (
    COMPONENT
    + """
[[channels]]
name = "pagerduty"
kind = "pagerduty"
url = "https://events.pagerduty.com/v2/enqueue"
routing_key = "${PAGERDUTY_ROUTING_KEY}"

[[channels]]
name = "incidents"
kind = "slack"
url = "${SLACK_WEBHOOK_URL}"
channel = "#incidents"

[[channels]]
name = "hook"
kind = "webhook"
url = "https://example.com/hook"
secret = "${WEBHOOK_SECRET}"

[[channels]]
name = "oncall-mail"
kind = "email"
to = ["oncall@example.com"]

[smtp]
host = "127.0.0.1"
port = 25
from = "status@example.com"

[[routes]]
severities = ["critical"]
channels = ["pagerduty", "incidents"]
"""
)
ENV = {
    "PAGERDUTY_ROUTING_KEY": "pd-key-0123456789",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX",
    "WEBHOOK_SECRET": "hook-secret",
}


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Settings:
    path = tmp_path / "statuspage.toml"
    path.write_text(text, "utf-8")
    return load_settings(path, ENV if env is None else env)


def problems(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text, env)
    return caught.value.problems


def test_the_issue_example_loads_with_its_secrets_from_the_environment(tmp_path: Path) -> None:
    notify = load(tmp_path, ISSUE_EXAMPLE).notify
    slack = notify.channel("incidents")
    assert slack is not None
    assert slack.url == ENV["SLACK_WEBHOOK_URL"]
    pagerduty = notify.channel("pagerduty")
    assert pagerduty is not None
    assert pagerduty.routing_key == ENV["PAGERDUTY_ROUTING_KEY"]
    assert notify.smtp is not None
    assert notify.smtp.sender == "status@example.com"
    assert channels_for(notify.routes, AlertSeverity.CRITICAL, "api") == {"pagerduty", "incidents"}


def test_pagerduty_posts_to_the_events_api_unless_told_otherwise(tmp_path: Path) -> None:
    text = COMPONENT + '[[channels]]\nname = "pd"\nkind = "pagerduty"\nrouting_key = "k"\n'
    pagerduty = load(tmp_path, text).notify.channel("pd")
    assert pagerduty is not None
    assert pagerduty.url == PAGERDUTY_EVENTS_URL


def test_without_routes_the_production_configurations_routing_applies(tmp_path: Path) -> None:
    text = ISSUE_EXAMPLE.split("[[routes]]")[0]
    routes = load(tmp_path, text).notify.routes
    assert channels_for(routes, AlertSeverity.CRITICAL, "api") == {"pagerduty", "incidents"}
    assert channels_for(routes, AlertSeverity.WARNING, "api") == {"incidents"}
    assert channels_for(routes, AlertSeverity.INFO, "api") == frozenset()


def test_every_problem_is_named_at_once(tmp_path: Path) -> None:
    text = (
        COMPONENT
        + """
[probes]
intervl_s = 3

[[channels]]
name = "pd"
kind = "pagerduty"

[[channels]]
name = "ops"
kind = "slack"
url = "${SLACK_URL}"
routing_key = "nope"

[[channels]]
name = "mail"
kind = "email"
to = ["not-an-address"]

[[channels]]
name = "hook"
kind = "webhook"
url = "https://example.com/hook"
template = "{{ title }"

[[routes]]
severities = ["critical"]
channels = ["pd", "pager"]
components = ["api", "checkout"]
"""
    )
    found = problems(tmp_path, text, {})
    assert found == [
        "probes.intervl_s: unknown key",
        "channels[0] ('pd').routing_key: required for a pagerduty channel",
        "channels[1] ('ops').routing_key: not a key of a slack channel",
        "channels[1] ('ops').url: environment variable SLACK_URL is not set",
        "channels[2] ('mail'): an email channel needs an [smtp] section (host, from)",
        "channels[2] ('mail').to[0]: expected one email address such as oncall@example.com",
        "channels[3] ('hook').template: line 1: unexpected '}'",
        "routes[0].channels: no channel named 'pager'",
        "routes[0].components: no component with id 'checkout'",
    ]


def test_a_secret_url_that_is_wrong_is_never_echoed(tmp_path: Path) -> None:
    text = COMPONENT + '[[channels]]\nname = "ops"\nkind = "slack"\nurl = "${SLACK_URL}"\n'
    found = problems(tmp_path, text, {"SLACK_URL": "hooks.slack.com/services/T0/B0/SECRET"})
    assert found == ["channels[0] ('ops').url: expected an http:// or https:// URL"]


def test_smtp_takes_one_kind_of_tls_and_a_whole_login(tmp_path: Path) -> None:
    text = COMPONENT + (
        '[smtp]\nhost = "mail"\nfrom = "a@b.c"\nstarttls = true\ntls = true\nusername = "u"\n'
    )
    (found,) = problems(tmp_path, text)
    assert found.startswith("smtp: starttls and tls are both set")


def test_a_channel_name_is_used_once(tmp_path: Path) -> None:
    entry = '[[channels]]\nname = "ops"\nkind = "slack"\nurl = "https://h.example/x"\n'
    found = problems(tmp_path, COMPONENT + entry + entry)
    assert found == ["channels[1] ('ops').name: 'ops' is already used by channels[0]"]


def test_an_unknown_kind_is_refused_by_name(tmp_path: Path) -> None:
    text = COMPONENT + '[[channels]]\nname = "x"\nkind = "carrier-pigeon"\n'
    (found,) = problems(tmp_path, text)
    assert found.startswith("channels[0] ('x').kind: Input should be 'slack', 'pagerduty'")
