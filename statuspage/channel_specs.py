"""Notification channels and routes as configured: what is wrong with them (reported
at start-up with every other problem in the file) and the resolved channels, with
`${VAR}`s read from the environment, that the notification layer sends through.

Secrets (a Slack webhook URL, a PagerDuty routing key, a webhook's signing secret,
the SMTP password) may be written as `${VAR}`; problems name the key and the
variable, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from statuspage.rules.routing import Route, default_routes
from statuspage.settings_model import (
    ENV_REFERENCE,
    ChannelSettings,
    FileSettings,
    RouteSettings,
    SmtpSettings,
    http_url_problem,
    valid_entries,
    valid_entry,
)

PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")

# The keys each kind needs, and the keys it takes besides name, kind and enabled.
NEEDS = {
    "slack": ("url",),
    "pagerduty": ("routing_key",),
    "webhook": ("url",),
    "email": ("to",),
    "apprise": ("url",),
}
TAKES = {
    "slack": {"url", "channel"},
    "pagerduty": {"url", "routing_key"},
    "webhook": {"url", "secret", "template"},
    "email": {"to"},
    "apprise": {"url"},
}
_EXPANDED = ("url", "routing_key", "channel", "secret")  # `to` too, each address
_SMTP_EXPANDED = ("host", "from", "username", "password")


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """One channel with its `${VAR}`s read. Its secrets never leave the sender."""

    name: str
    kind: str
    url: str | None = None
    routing_key: str | None = None
    channel: str | None = None
    secret: str | None = None
    to: tuple[str, ...] = ()
    template: str | None = None
    enabled: bool = True

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in a log, a page or the delivery log."""
        return tuple(v for v in (self.url, self.routing_key, self.secret) if v)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # `from`
    username: str | None
    password: str | None
    starttls: bool
    tls: bool
    timeout_s: float


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """What the notification layer reads: channels by name, the server email goes
    through, and the routes in force (configured, or the production configuration's)."""

    channels: tuple[ChannelConfig, ...] = ()
    smtp: SmtpConfig | None = None
    routes: tuple[Route, ...] = ()

    def channel(self, name: str) -> ChannelConfig | None:
        return next((c for c in self.channels if c.name == name), None)

    @property
    def enabled(self) -> tuple[ChannelConfig, ...]:
        return tuple(c for c in self.channels if c.enabled)

    def secrets(self) -> tuple[str, ...]:
        found = [s for c in self.channels for s in c.secrets()]
        if self.smtp is not None and self.smtp.password:
            found.append(self.smtp.password)
        return tuple(found)


# Problems ------------------------------------------------------------------------


def notify_problems(
    raw: Mapping[str, Any], env: Mapping[str, str], component_ids: Sequence[str]
) -> list[str]:
    """What is wrong with `[[channels]]`, `[smtp]` and `[[routes]]`, read from the
    file as written, so they are found even when other sections have problems too.
    (Each entry's shape is pydantic's to report; entries it refuses are skipped.)"""
    channels = valid_entries(raw.get("channels"), ChannelSettings)
    smtp_raw = raw.get("smtp")
    smtp = valid_entry(smtp_raw, SmtpSettings) if isinstance(smtp_raw, dict) else None
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, channel in channels:
        where = f"channels[{index}] ({channel.name!r})"
        if channel.name in seen:
            problems.append(
                f"{where}.name: {channel.name!r} is already used by channels[{seen[channel.name]}]"
            )
        seen.setdefault(channel.name, index)
        problems += _channel_problems(channel, where, env, has_smtp=smtp_raw is not None)
    if smtp is not None:
        problems += _unset(
            {k: getattr(smtp, "from_" if k == "from" else k) for k in _SMTP_EXPANDED}, env, "smtp"
        )
        problems += _address_problems("smtp.from", smtp.from_, env)
    for index, route in valid_entries(raw.get("routes"), RouteSettings):
        problems += _route_problems(route, f"routes[{index}]", seen, component_ids)
    return problems


def _channel_problems(
    channel: ChannelSettings, where: str, env: Mapping[str, str], *, has_smtp: bool
) -> list[str]:
    kind = channel.kind
    given = {k for k in channel.model_fields_set if k not in ("name", "kind", "enabled")}
    problems = [f"{where}.{k}: not a key of a {kind} channel" for k in sorted(given - TAKES[kind])]
    problems += [
        f"{where}.{k}: required for a {kind} channel"
        for k in NEEDS[kind]
        if not getattr(channel, k)
    ]
    if kind == "email" and not has_smtp:
        problems.append(f"{where}: an email channel needs an [smtp] section (host, from)")
    values: dict[str, str | None] = {k: getattr(channel, k) for k in _EXPANDED}
    values |= {f"to[{i}]": address for i, address in enumerate(channel.to)}
    if channel.template is not None:
        problems += _template_problems(channel.template, f"{where}.template")
    if unset := _unset(values, env, where):
        return problems + unset  # what the values become is unknown
    if channel.url is not None:
        problems += _url_problems(kind, channel.url, env, f"{where}.url")
    for i, address in enumerate(channel.to):
        problems += _address_problems(f"{where}.to[{i}]", address, env)
    return problems


def _unset(values: Mapping[str, str | None], env: Mapping[str, str], where: str) -> list[str]:
    return [
        f"{where}.{key}: environment variable {variable} is not set"
        for key, value in values.items()
        if isinstance(value, str)
        for variable in ENV_REFERENCE.findall(value)
        if variable not in env
    ]


def _url_problems(kind: str, url: str, env: Mapping[str, str], where: str) -> list[str]:
    # The value is never echoed: a Slack webhook URL is itself the secret.
    value = expand(url, env)
    if kind == "apprise":
        if "://" not in value:
            return [f"{where}: expected an Apprise URL such as ntfy://host/topic"]
        return []
    problem = http_url_problem(value, credentials=True)
    return [] if problem is None else [f"{where}: {problem}"]


def _address_problems(where: str, address: str, env: Mapping[str, str]) -> list[str]:
    value = expand(address, env)
    if not _ADDRESS.match(value) or any(c in value for c in "\r\n,;"):
        return [f"{where}: expected one email address such as oncall@example.com"]
    return []


def _template_problems(template: str, where: str) -> list[str]:
    # Imported here: only a site with a webhook template loads Jinja for it, and a
    # probe-only process never loads it otherwise.
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    try:
        ImmutableSandboxedEnvironment().parse(template)
    except TemplateSyntaxError as error:
        return [f"{where}: line {error.lineno}: {error.message}"]
    return []


def _route_problems(
    route: RouteSettings, where: str, channels: Mapping[str, int], component_ids: Sequence[str]
) -> list[str]:
    problems = [
        f"{where}.channels: no channel named {name!r}"
        for name in route.channels
        if name not in channels
    ]
    problems += [
        f"{where}.components: no component with id {c!r}"
        for c in route.components or ()
        if c not in component_ids
    ]
    return problems


# Resolving -------------------------------------------------------------------------


def expand(value: str, env: Mapping[str, str]) -> str:
    """`${NAME}` replaced by the environment variable (checked to be set)."""
    return ENV_REFERENCE.sub(lambda match: env[match.group(1)], value)


def resolve_notify(file: FileSettings, env: Mapping[str, str]) -> NotifySettings:
    """Channels, SMTP and routes of a file `notify_problems` found nothing wrong with."""
    channels = tuple(_resolve_channel(c, env) for c in file.channels)
    smtp = None if file.smtp is None else _resolve_smtp(file.smtp, env)
    if file.routes:
        routes = tuple(
            Route(
                frozenset(r.severities),
                tuple(r.channels),
                None if r.components is None else frozenset(r.components),
            )
            for r in file.routes
        )
    else:
        routes = default_routes((c.name, c.kind) for c in channels)
    return NotifySettings(channels, smtp, routes)


def _resolve_channel(channel: ChannelSettings, env: Mapping[str, str]) -> ChannelConfig:
    def value(key: str) -> str | None:
        raw = getattr(channel, key)
        return None if raw is None else expand(raw, env)

    url = value("url")
    if channel.kind == "pagerduty" and url is None:
        url = PAGERDUTY_EVENTS_URL
    return ChannelConfig(
        name=channel.name,
        kind=channel.kind,
        url=url,
        routing_key=value("routing_key"),
        channel=value("channel"),
        secret=value("secret"),
        to=tuple(expand(a, env) for a in channel.to),
        template=channel.template,
        enabled=channel.enabled,
    )


def _resolve_smtp(smtp: SmtpSettings, env: Mapping[str, str]) -> SmtpConfig:
    return SmtpConfig(
        host=expand(smtp.host, env),
        port=smtp.port,
        sender=expand(smtp.from_, env),
        username=None if smtp.username is None else expand(smtp.username, env),
        password=None if smtp.password is None else expand(smtp.password, env),
        starttls=smtp.starttls,
        tls=smtp.tls,
        timeout_s=smtp.timeout_s,
    )
