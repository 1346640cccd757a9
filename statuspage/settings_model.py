"""The shape of the configuration file, as pydantic models.

Every section forbids unknown keys and uses strict types, so a typo or a quoted
number stops start-up instead of being silently ignored. Loading, environment
overrides and error formatting live in `statuspage.config`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    IPvAnyNetwork,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from probes.assertions import parse_assertion
from probes.regex import refuse_too_large_together
from probes.resolver import parse_dns_server
from statuspage.rules.alerts.kinds import ALL_KINDS
from statuspage.rules.response_times import parse_business_hours
from statuspage.shard import Shard, parse_shard
from storage.vocabulary import AlertSeverity, Severity

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
# `${NAME}` in a component's URL or header values, or a channel's keys: read from the
# environment, so secrets stay out of the file.
ENV_REFERENCE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

PositiveSeconds = Annotated[float, Field(gt=0, le=3600)]


def _parses_as_assertion(text: str) -> str:
    # Parsed here, not after validation, so a malformed assertion is reported with
    # every other problem in the file. What the parser raises is a ValueError that
    # says where and what, which pydantic reports under the assertion's key.
    parse_assertion(text)
    return text


AssertionText = Annotated[str, Field(max_length=500), AfterValidator(_parses_as_assertion)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _require_http_url(value: str, *, credentials: bool = False) -> str:
    problem = http_url_problem(value, credentials=credentials)
    if problem is not None:
        raise ValueError(problem)
    return value


def http_url_problem(value: str, *, credentials: bool) -> str | None:
    """What keeps `value` from being an absolute http(s) URL with a host and a port
    that exists; None when nothing does. A user name or password only where
    `credentials`: a probe target or a channel may log in with them (pages never
    show them), while the site's address and links must carry none. The problem
    never repeats the value, which may be a secret (a Slack webhook URL)."""
    if any(ch.isspace() for ch in value):
        return "expected a URL without spaces"
    try:
        parts = urlsplit(value)
    except ValueError:
        return "not a valid URL: an IPv6 host must be closed with ]"
    if parts.scheme.lower() not in ("http", "https"):
        return "expected an http:// or https:// URL"
    if not parts.hostname:
        return "expected a host after the scheme, e.g. https://status.example.com"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return "the port must be a number from 1 to 65535"
    if not credentials and (parts.username is not None or parts.password is not None):
        return "must not contain a user name or password"
    return None


# Logos may only come from this origin or be inline images: the page loads no
# asset from another origin (and the Content-Security-Policy would block one).
_DATA_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|webp|svg\+xml)[;,]", re.IGNORECASE)
LOGO_RULE = (
    "the logo must come from this site: a path like /static/logo.png, a URL on "
    "site.url's origin, or a data:image/... URL (the page loads nothing from elsewhere)"
)


def safe_logo_src(logo_url: str | None, site_url: str) -> str | None:
    """The logo as a same-origin path or data: image, or None when it is neither."""
    if not logo_url:
        return None
    if _DATA_IMAGE.match(logo_url):
        return logo_url
    parts = urlsplit(logo_url)
    if not parts.scheme and not parts.netloc and logo_url.startswith("/"):
        return None if logo_url.startswith("//") or "\\" in logo_url else logo_url
    site = urlsplit(site_url)
    if (parts.scheme, parts.netloc) == (site.scheme, site.netloc) and parts.path.startswith("/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def _objective_ms(value: object) -> object:
    """A latency objective: milliseconds above 0, or `false` to have none."""
    if value is False:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600_000:
        raise ValueError("expected milliseconds above 0 and at most 600000, or false for none")
    return float(value)


ObjectiveMs = Annotated[float | Literal[False], BeforeValidator(_objective_ms)]
OBJECTIVE_METRICS = ("p95", "p99", "average")


class LatencyObjectives(_Section):
    """What the latency of a component should stay under, shown on the page as
    "Objective"; `false` turns one off. In a component's `objectives`, the keys it
    gives replace the site's and the others follow the site's."""

    p95_ms: ObjectiveMs = 1000.0
    p99_ms: ObjectiveMs = 2000.0
    average_ms: ObjectiveMs = 500.0

    def merged(self, override: LatencyObjectives | None) -> dict[str, float]:
        """metric -> objective in ms, the override's keys first; metrics turned off left out."""
        given = (
            {} if override is None else {k: getattr(override, k) for k in override.model_fields_set}
        )
        chosen = {
            name: given.get(f"{name}_ms", getattr(self, f"{name}_ms")) for name in OBJECTIVE_METRICS
        }
        return {name: float(ms) for name, ms in chosen.items() if ms is not False}


class SiteSettings(_Section):
    name: Annotated[str, Field(min_length=1, max_length=100)] = "Status"
    url: str = "http://127.0.0.1:8080"
    time_zone: str = "UTC"
    description: Annotated[str, Field(max_length=500)] | None = None
    logo_url: str | None = None
    home_url: str | None = None
    accent_colour: str = "#1f6feb"
    footer_text: Annotated[str, Field(max_length=500)] | None = None
    show_target_urls: bool = False  # endpoint URLs stay private unless an operator opts in
    front_page_latency: bool = False  # a one-line latency summary per component on `/`
    # Which groups start folded on `/` (statuspage.web.context_home.group_starts_open).
    fold_groups: Literal["auto", "always", "never"] = "auto"
    objectives: LatencyObjectives = Field(default_factory=LatencyObjectives)

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str) -> str:
        # Every absolute link (feeds, mail, the export) is this plus a path: a query
        # or fragment here would end up in the middle of each one.
        url = _require_http_url(value)
        if "?" in url or "#" in url:
            raise ValueError("must not contain a query (?...) or a fragment (#...)")
        return url.rstrip("/")

    @field_validator("home_url")
    @classmethod
    def _home_is_http(cls, value: str | None) -> str | None:
        return None if value is None else _require_http_url(value)

    @field_validator("logo_url")
    @classmethod
    def _logo_is_shown(cls, value: str | None, info: ValidationInfo) -> str | None:
        # The same rule the page applies: a logo it would drop is refused here instead.
        site_url = info.data.get("url")
        if value is not None and site_url is not None and safe_logo_src(value, site_url) is None:
            raise ValueError(LOGO_RULE)
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Berlin')") from None
        return value

    @field_validator("accent_colour")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not _HEX_COLOUR.match(value):
            raise ValueError("expected a colour like '#1f6feb'")
        return value


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    secret_key: Annotated[str, Field(min_length=32)] | None = None
    # Set: /metrics answers only requests with `Authorization: Bearer <token>`.
    metrics_token: Annotated[str, Field(min_length=16, pattern=r"^[\x21-\x7e]+$")] | None = None
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks).
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list)
    # Bounds on what clients can hold: a client that opens connections and sends
    # nothing, or a request a byte at a time, is cut off instead of starving the page
    # and the probes of file descriptors.
    max_connections: Annotated[int, Field(ge=1, le=1_000_000)] = 512
    request_header_timeout_s: Annotated[float, Field(gt=0, le=600)] = 15
    request_body_timeout_s: Annotated[float, Field(gt=0, le=3600)] = 30
    # A client that asks for a large answer and reads none of it would hold its
    # connection, mid-request, until the kernel gave up on the socket.
    response_write_timeout_s: Annotated[float, Field(gt=0, le=3600)] = 30


class StorageSettings(_Section):
    url: str = "sqlite:///statuspage.db"
    raw_retention_days: Annotated[int, Field(ge=1, le=3650)] = 14
    hourly_retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    daily_retention_days: Annotated[int, Field(ge=1, le=3650)] = 400
    # A database that accepts connections and never answers must not stall the writer
    # and the jobs for long (storage.engine.Timeouts says what each bounds).
    connect_timeout_s: Annotated[float, Field(gt=0, le=60)] = 5
    statement_timeout_s: Annotated[float, Field(gt=0, le=3600)] = 5

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not re.match(r"^(sqlite:///.+|postgres(ql)?://.+)", value):
            raise ValueError("expected sqlite:///PATH or postgresql://USER@HOST:PORT/DB")
        return value


class ProbeSettings(_Section):
    interval_s: Annotated[float, Field(ge=1, le=86400)] = 30
    timeout_s: PositiveSeconds = 10
    connect_timeout_s: PositiveSeconds | None = None
    concurrency: Annotated[int, Field(ge=1, le=100_000)] = 100
    rate_per_s: Annotated[float, Field(gt=0, le=100_000)] = 50
    per_host_limit: Annotated[int, Field(ge=0, le=10_000)] = 10  # 0: no per-host cap
    confirm_down_retries: Annotated[int, Field(ge=0, le=5)] = 1
    flap_threshold: Annotated[int, Field(ge=1, le=100)] = 2
    region: Annotated[str, Field(pattern=SLUG_PATTERN)] = "default"
    max_body_bytes: Annotated[int, Field(ge=1, le=100 * 1024 * 1024)] = 1_048_576
    max_redirects: Annotated[int, Field(ge=0, le=30)] = 5
    dns_servers: list[str] = Field(default_factory=list, max_length=10)  # []: the system's
    # K/N: this process probes the K-th of N shares of the components.
    shard: Shard = Shard(1, 1)
    # PostgreSQL, no static shard: the region's live workers divide its components; a
    # worker that stops renewing its lease loses its share this long after its last beat.
    lease_s: Annotated[float, Field(ge=3, le=300)] = 15
    # No result for this long: the component reads "no recent data" and alerts.
    # None: three intervals plus the timeout, per component.
    stale_after_s: Annotated[float, Field(ge=5, le=7 * 86400)] | None = None

    @field_validator("shard", mode="before")
    @classmethod
    def _shard(cls, value: object) -> object:
        # Written as "K/N"; parsed here, once. Its ValueError says what is wrong.
        return parse_shard(value) if isinstance(value, str) else value

    @field_validator("dns_servers")
    @classmethod
    def _name_servers(cls, value: list[str]) -> list[str]:
        for server in value:
            parse_dns_server(server)  # its ValueError names the entry and what is wrong
        return value


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["json", "logfmt"] = "logfmt"


class ComponentSettings(_Section):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    id: Annotated[str, Field(pattern=SLUG_PATTERN)] | None = None
    group: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    description: Annotated[str, Field(max_length=500)] | None = None
    url: str | None = None  # omitted: a manual component, set only by operators
    show_url: bool | None = None  # None: follow site.show_target_urls
    method: str = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = None
    sla_ms: Annotated[float, Field(gt=0, le=600_000)] | None = None
    interval_s: Annotated[float, Field(ge=1, le=86400)] | None = None
    timeout_s: PositiveSeconds | None = None
    expect_status: list[Annotated[int, Field(ge=100, le=599)]] = Field(default_factory=list)
    assertions: list[AssertionText] = Field(default_factory=list)
    reuse_connections: bool = False
    max_body_bytes: Annotated[int, Field(ge=1, le=100 * 1024 * 1024)] | None = None
    objectives: LatencyObjectives | None = None  # None: the site's
    # Alerting (docs/alerting.md): the severity an incident opened by its alerts takes,
    # whether it is critical (a stricter availability objective), its objective, what
    # an alert-opened incident does, and default rules it opts out of.
    severity: Annotated[Severity, Field(strict=False)] = Severity.P1
    critical: bool = False
    availability_objective_percent: Annotated[float, Field(gt=0, lt=100)] | None = None
    alert_incidents: Literal["draft", "publish", "off"] | None = None  # None: [alerting]'s
    disabled_alerts: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str | None) -> str | None:
        # As written; each `${NAME}` stands for something that fits anywhere in a URL
        # (a host, a port, a path). The URL filled in is checked in `statuspage.config`.
        if value is not None:
            _require_http_url(ENV_REFERENCE.sub("1", value), credentials=True)
        return value

    @field_validator("assertions")
    @classmethod
    def _patterns_bounded_together(cls, value: list[str]) -> list[str]:
        parsed = (parse_assertion(text) for text in value)
        refuse_too_large_together([a.pattern for a in parsed if a.pattern is not None])
        return value

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        if value.upper() not in _HTTP_METHODS:
            raise ValueError(f"expected one of {', '.join(sorted(_HTTP_METHODS))}")
        return value.upper()

    @model_validator(mode="after")
    def _probe_keys_need_url(self) -> ComponentSettings:
        if self.url is None and self.sla_ms is not None:
            raise ValueError("sla_ms is set but url is missing (a manual component has no SLA)")
        if self.url is None and self.objectives is not None:
            raise ValueError("objectives are set but url is missing (a manual component has none)")
        if self.url is not None and self.sla_ms is None:
            raise ValueError("sla_ms is required for a probed component (set url and sla_ms)")
        return self


Seconds = Annotated[float, Field(ge=0, le=30 * 86400)]


class AlertRuleSettings(_Section):
    """One `[[alerts]]` entry. Named like a default rule, it changes only the keys it
    sets; any other name adds a rule, and then `kind`, `severity` and `above` are needed."""

    name: Annotated[str, Field(pattern=SLUG_PATTERN)]
    kind: str | None = None
    severity: Annotated[AlertSeverity, Field(strict=False)] | None = None
    above: float | None = None  # latency kinds: None takes the component's objective
    clear_at: float | None = None
    window_s: Seconds | None = None
    for_s: Seconds | None = None
    resolve_for_s: Seconds | None = None
    min_samples: Annotated[int, Field(ge=1, le=100_000)] | None = None
    min_offending: Annotated[int, Field(ge=2, le=100_000)] | None = None
    long_window_s: Annotated[float, Field(gt=0, le=30 * 86400)] | None = None  # burn_rate
    short_window_s: Annotated[float, Field(gt=0, le=30 * 86400)] | None = None  # burn_rate
    components: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] | None = None  # None: all
    enabled: bool = True

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        if value is not None and value not in ALL_KINDS:
            raise ValueError(f"unknown rule kind {value!r}; known: {', '.join(ALL_KINDS)}")
        return value

    @model_validator(mode="after")
    def _clears_below(self) -> AlertRuleSettings:
        if self.above is not None and self.clear_at is not None and self.clear_at > self.above:
            raise ValueError(
                "clear_at must be at or below above (it is where a firing alert clears)"
            )
        return self


def _calendar_date(value: object) -> date:
    """A TOML date (`2026-12-25`) or the same date quoted; a date-time or a number
    is refused, where lax parsing would read a number as seconds since 1970."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value, re.ASCII):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a day of the calendar") from None
    raise ValueError("expected a date like 2026-12-25")


class AlertingSettings(_Section):
    enabled: bool = True
    default_rules: bool = True  # the production configuration's rules (docs/alerting.md)
    incidents: Literal["draft", "publish", "off"] = "draft"  # what a critical alert opens
    post_recovery_update: bool = False  # False: recovery proposes the update, not posts it
    evaluate_every_s: Annotated[float, Field(ge=1, le=300)] = 5
    business_days: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        default_factory=lambda: [1, 2, 3, 4, 5],
        min_length=1,  # ISO weekdays, Monday = 1
    )
    # "09:00-17:00" in the site's time zone: a P3 is due at the close (None: midnight).
    business_hours: str | None = None
    # Dates that are not business days for P3 ("2026-12-25"), whatever their weekday.
    holidays: list[Annotated[date, BeforeValidator(_calendar_date)]] = Field(
        default_factory=list, max_length=1000
    )

    @field_validator("business_hours")
    @classmethod
    def _hours_of_a_day(cls, value: str | None) -> str | None:
        if value is not None:
            parse_business_hours(value)
        return value


CHANNEL_KINDS = ("slack", "pagerduty", "webhook", "email", "apprise")
ChannelKind = Literal["slack", "pagerduty", "webhook", "email", "apprise"]


class ChannelSettings(_Section):
    """One `[[channels]]` entry: where notifications go. Which keys a kind needs and
    takes, and `${VAR}` in them, are checked in `statuspage.channel_specs`."""

    name: Annotated[str, Field(pattern=SLUG_PATTERN)]
    kind: ChannelKind
    url: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    routing_key: Annotated[str, Field(min_length=1, max_length=200)] | None = None  # pagerduty
    channel: Annotated[str, Field(min_length=1, max_length=100)] | None = None  # slack
    secret: Annotated[str, Field(min_length=1, max_length=500)] | None = None  # webhook HMAC
    to: list[Annotated[str, Field(min_length=3, max_length=254)]] = Field(
        default_factory=list, max_length=50
    )  # email
    template: Annotated[str, Field(min_length=1, max_length=20_000)] | None = None  # webhook
    enabled: bool = True


class SmtpSettings(_Section):
    """`[smtp]`: the server email channels send through."""

    host: Annotated[str, Field(min_length=1, max_length=255)]
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    from_: Annotated[str, Field(min_length=3, max_length=254, alias="from")]
    username: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    password: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    starttls: bool = False  # upgrade the connection with STARTTLS (port 587)
    tls: bool = False  # implicit TLS from the first byte (port 465)
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 10

    @model_validator(mode="after")
    def _one_kind_of_tls(self) -> SmtpSettings:
        if self.starttls and self.tls:
            raise ValueError("starttls and tls are both set: choose one (tls for port 465)")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together: set both or neither")
        return self


class RouteSettings(_Section):
    """One `[[routes]]` entry: alerts of these severities (about these components, if
    given) go to these channels."""

    severities: list[Annotated[AlertSeverity, Field(strict=False)]] = Field(min_length=1)
    components: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] | None = None  # None: all
    channels: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] = Field(min_length=1)


class SubscriberSettings(_Section):
    """`[subscribers]`: people and systems that follow the public page."""

    email: bool = True  # offered when `[smtp]` is configured
    webhooks: bool = True
    # Subscribers type their webhook's URL: by default it must reach the public internet.
    allow_private_webhook_addresses: bool = False
    confirmation_hours: Annotated[int, Field(ge=1, le=720)] = 48
    maintenance_reminder_minutes: Annotated[int, Field(ge=0, le=10080)] = 60  # 0: none
    # Subscription requests one client address may make per hour (the rest get 429).
    requests_per_client_per_hour: Annotated[int, Field(ge=1, le=10000)] = 10
    # Bounds on the list itself, past which a new address is refused (docs/subscribers.md).
    max_subscribers: Annotated[int, Field(ge=1, le=10_000_000)] = 100_000
    max_webhooks: Annotated[int, Field(ge=0, le=100_000)] = 1_000
    max_webhooks_per_host: Annotated[int, Field(ge=1, le=100_000)] = 10


MetricSourceKind = Literal["scrape", "prometheus"]
MetricKind = Literal["gauge", "rate", "ratio", "quantile", "promql", "push"]
_ENV_NAME = r"^[A-Z_][A-Z0-9_]{0,99}$"
_Expression = Annotated[str, Field(min_length=1, max_length=1000)]


class MetricSourceSettings(_Section):
    """One `[[metric_sources]]` entry: an application's Prometheus endpoint to scrape,
    or a Prometheus server to query. Cross-checks are in `statuspage.metric_specs`."""

    name: Annotated[str, Field(pattern=SLUG_PATTERN)]
    kind: MetricSourceKind
    url: str
    interval_s: Annotated[float, Field(ge=1, le=86400)] = 15
    timeout_s: PositiveSeconds = 10
    bearer_token_env: Annotated[str, Field(pattern=_ENV_NAME)] | None = None
    max_body_bytes: Annotated[int, Field(ge=1, le=64 * 1024 * 1024)] = 4 * 1024 * 1024

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str) -> str:
        return _require_http_url(value, credentials=True)


class MetricSettings(_Section):
    """One `[[metrics]]` entry. Which keys a kind needs and takes, and that its source
    exists and is of the right kind, are checked in `statuspage.metric_specs`."""

    id: Annotated[str, Field(pattern=SLUG_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    kind: MetricKind
    source: Annotated[str, Field(pattern=SLUG_PATTERN)] | None = None  # None: push
    unit: Annotated[str, Field(max_length=20)] = ""
    description: Annotated[str, Field(max_length=500)] | None = None
    public: bool = False
    group: Annotated[str, Field(min_length=1, max_length=100)] | None = None  # dashboard
    selector: _Expression | None = None  # gauge, rate
    aggregate: Literal["sum", "avg", "min", "max"] | None = None  # gauge
    numerator: _Expression | None = None  # ratio
    denominator: _Expression | None = None  # ratio
    histogram: _Expression | None = None  # quantile: the _bucket series
    quantile: Annotated[float, Field(ge=0, le=1)] | None = None  # quantile
    query: _Expression | None = None  # promql
    scale: Annotated[float, Field(gt=0, le=1e9)] = 1.0  # e.g. 1000 for seconds to ms
    # The objective the dashboard draws and the metric alert rules judge against.
    target_below: float | None = None
    target_above: float | None = None
    # An average latency (a sum over a count): judged by latency-average too.
    average_latency: bool = False


class FileSettings(_Section):
    site: SiteSettings = Field(default_factory=SiteSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    probes: ProbeSettings = Field(default_factory=ProbeSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    components: list[ComponentSettings] = Field(default_factory=list)
    alerting: AlertingSettings = Field(default_factory=AlertingSettings)
    alerts: list[AlertRuleSettings] = Field(default_factory=list)
    channels: list[ChannelSettings] = Field(default_factory=list, max_length=100)
    smtp: SmtpSettings | None = None
    routes: list[RouteSettings] = Field(default_factory=list, max_length=200)
    subscribers: SubscriberSettings = Field(default_factory=SubscriberSettings)
    metric_sources: list[MetricSourceSettings] = Field(default_factory=list, max_length=100)
    metrics: list[MetricSettings] = Field(default_factory=list, max_length=1000)


def valid_entries(value: object, model: type[Any]) -> list[tuple[int, Any]]:
    """The entries of a list of tables that `model` accepts, with their index: the
    cross-checks of `*_specs.py` run on these, after the model has named its own
    problems."""
    if not isinstance(value, list):
        return []
    return [
        (i, found)
        for i, entry in enumerate(value)
        if isinstance(entry, dict) and (found := valid_entry(entry, model)) is not None
    ]


def valid_entry(entry: Mapping[str, Any], model: type[BaseModel]) -> Any:
    """`entry` as `model`, or None if the model refuses it."""
    try:
        return model.model_validate(entry)
    except ValidationError:
        return None
