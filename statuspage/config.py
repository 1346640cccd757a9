"""Load the TOML configuration, apply environment overrides, and fail fast.

`load_settings` is the only way settings are made. It returns one immutable
`Settings` object or raises `ConfigError`, whose message names the file, the
key and what was expected, so an operator can fix the file without reading code.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from probes.assertions import parse_assertion
from probes.digits import ascii_int
from probes.header_rules import header_name_problem, header_value_problem
from probes.model import CheckSpec
from statuspage.alert_specs import spec_problems
from statuspage.channel_specs import NotifySettings, notify_problems, resolve_notify
from statuspage.metric_specs import MetricsSettings, metric_problems, resolve_metrics
from statuspage.rules.alerts.budget import availability_objective
from statuspage.rules.alerts.defaults import COMPONENT_OBJECTIVE
from statuspage.rules.response_times import BusinessCalendar, parse_business_hours
from statuspage.settings_model import (
    ENV_REFERENCE,
    ComponentSettings,
    FileSettings,
    http_url_problem,
)

DEFAULT_CONFIG = "statuspage.toml"

CONFIG_VARIABLE = "STATUSPAGE_CONFIG"  # where the file is, when --config is not given
# Deployment settings an operator may set from the environment, so secrets and
# per-host values never need to sit in the file: variable -> (section, key, type).
ENV_OVERRIDES: dict[str, tuple[str, str, type]] = {
    "STATUSPAGE_DATABASE_URL": ("storage", "url", str),
    "STATUSPAGE_SITE_URL": ("site", "url", str),
    "STATUSPAGE_HOST": ("server", "host", str),
    "STATUSPAGE_PORT": ("server", "port", int),
    "STATUSPAGE_SECRET_KEY": ("server", "secret_key", str),
    "STATUSPAGE_METRICS_TOKEN": ("server", "metrics_token", str),
    "STATUSPAGE_TRUSTED_PROXIES": ("server", "trusted_proxies", list),  # comma-separated
    "STATUSPAGE_REGION": ("probes", "region", str),
    "STATUSPAGE_SHARD": ("probes", "shard", str),
    "STATUSPAGE_LOG_LEVEL": ("logging", "level", str),
    "STATUSPAGE_LOG_FORMAT": ("logging", "format", str),
}


class ConfigError(Exception):
    """The configuration cannot be used. `str()` is the message for the operator."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class ComponentConfig:
    """One component as the rest of the program sees it, ids and position resolved."""

    id: str
    name: str
    group: str | None
    group_id: str | None
    position: int
    description: str | None
    check: CheckSpec | None  # None: a manual component
    interval_s: float
    show_url: bool
    objectives: tuple[tuple[str, float], ...] = ()  # (p95 | p99 | average, ms) that apply
    availability_objective: float = COMPONENT_OBJECTIVE  # 0.99: the error budget's target

    @property
    def probed(self) -> bool:
        return self.check is not None


@dataclass(frozen=True, slots=True)
class Settings:
    source: Path
    file: FileSettings
    components: tuple[ComponentConfig, ...]
    database_url: str
    notify: NotifySettings = field(default_factory=NotifySettings)  # channels, SMTP, routes
    metrics: MetricsSettings = field(default_factory=MetricsSettings)  # sources and metrics

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.file.site.time_zone)

    @property
    def business_calendar(self) -> BusinessCalendar:
        """P3's business days and hours (`[alerting]`), validated at start-up."""
        alerting = self.file.alerting
        days = frozenset(alerting.business_days)
        holidays = frozenset(alerting.holidays)
        if alerting.business_hours is None:
            return BusinessCalendar(days, holidays=holidays)
        opens, closes = parse_business_hours(alerting.business_hours)
        return BusinessCalendar(days, opens, closes, holidays)

    @property
    def probed_components(self) -> tuple[ComponentConfig, ...]:
        return tuple(c for c in self.components if c.check is not None)


def config_path_from(cli_value: str | None, environ: Mapping[str, str]) -> Path:
    return Path(cli_value or environ.get(CONFIG_VARIABLE) or DEFAULT_CONFIG)


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Every problem in the file is reported in one ConfigError: the shape and values
    (pydantic), and what needs the components side by side (unique ids, environment
    variables referenced), each checked whether or not the others passed."""
    env = os.environ if environ is None else environ
    raw = _read_toml(path)
    problems = _apply_env_overrides(raw, env)
    file_settings: FileSettings | None = None
    try:
        file_settings = FileSettings.model_validate(raw)
    except ValidationError as exc:
        problems += _describe_validation(exc, raw)
    problems += _component_problems(raw.get("components"), env)
    problems += notify_problems(raw, env, _raw_ids(raw.get("components")))
    problems += metric_problems(raw, env)
    if problems or file_settings is None:
        raise ConfigError(str(path), problems)
    components = _resolve_components(file_settings, env)
    if problems := spec_problems(file_settings, {c.id for c in components}):
        raise ConfigError(str(path), problems)
    return Settings(
        source=path,
        file=file_settings,
        components=components,
        database_url=_resolve_database_url(file_settings.storage.url, path),
        notify=resolve_notify(file_settings, env),
        metrics=resolve_metrics(file_settings, env),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found (pass --config FILE)"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"]) from None
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read: {exc.strerror}"]) from None


def _apply_env_overrides(raw: dict[str, Any], env: Mapping[str, str]) -> list[str]:
    """Put the environment's values into `raw`; returns the values that cannot be used."""
    problems: list[str] = []
    for variable, (section, key, kind) in ENV_OVERRIDES.items():
        if variable not in env:
            continue
        value: object = env[variable]
        if kind is list:
            value = [item.strip() for item in env[variable].split(",") if item.strip()]
        elif kind is int:
            value = ascii_int(env[variable].strip())
            if value is None:
                problems.append(
                    f"environment variable {variable}: expected a whole number, "
                    f"got {env[variable]!r} (for {section}.{key})"
                )
                continue
        target = raw.setdefault(section, {})
        if isinstance(target, dict):
            target[key] = value
    return problems


def _describe_validation(exc: ValidationError, raw: Mapping[str, Any]) -> list[str]:
    return [_describe_error(err, raw) for err in exc.errors()]


def _describe_error(err: Mapping[str, Any], raw: Mapping[str, Any]) -> str:
    location = _format_location(err["loc"], raw)
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"{location}: unknown key"
    if kind == "missing":
        return f"{location}: required key is missing"
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{location}: {message} (got {err['input']!r})"


def _format_location(loc: tuple[Any, ...], raw: Mapping[str, Any]) -> str:
    parts: list[str] = []
    node: Any = raw
    for item in loc:
        if isinstance(item, int):
            parts[-1] += f"[{item}]"
            node = node[item] if isinstance(node, list) and item < len(node) else None
            if isinstance(node, dict) and "name" in node:
                parts[-1] += f" ({node['name']!r})"
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def _resolve_database_url(url: str, config_path: Path) -> str:
    """A relative SQLite path is relative to the config file, not the working directory."""
    if url.startswith("sqlite:///"):
        db_path = Path(url.removeprefix("sqlite:///"))
        if not db_path.is_absolute():
            db_path = (config_path.parent / db_path).resolve()
        return f"sqlite:///{db_path}"
    return url


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:63] or "component"


def _component_problems(raw_components: object, env: Mapping[str, str]) -> list[str]:
    """Duplicate ids and unset `${VAR}`s, read from the file as written, so they are
    found even when a component has other problems too."""
    if not isinstance(raw_components, list):
        return []  # pydantic says what is wrong with it
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, component in enumerate(raw_components):
        if not isinstance(component, dict):
            continue
        name = component.get("name")
        where = f"components[{index}]" + (f" ({name!r})" if isinstance(name, str) else "")
        component_id = _raw_id(component)
        if component_id is not None and component_id in seen:
            problems.append(
                f"{where}.id: {component_id!r} is already used by components[{seen[component_id]}]"
                " (set a unique id)"
            )
        elif component_id is not None:
            seen[component_id] = index
        problems += _unset_variables(component, env, where)
        problems += _request_problems(component, env, where)
    return problems


def _raw_ids(raw_components: object) -> list[str]:
    if not isinstance(raw_components, list):
        return []
    found = (_raw_id(c) for c in raw_components if isinstance(c, dict))
    return [c for c in found if c is not None]


def _raw_id(component: Mapping[str, Any]) -> str | None:
    explicit, name = component.get("id"), component.get("name")
    if isinstance(explicit, str):
        return explicit
    return slugify(name) if isinstance(name, str) and name else None


def _unset_variables(component: Mapping[str, Any], env: Mapping[str, str], where: str) -> list[str]:
    values = {"url": component.get("url")}
    headers = component.get("headers")
    if isinstance(headers, dict):
        values |= {f"headers.{name}": value for name, value in headers.items()}
    return [
        f"{where}.{key}: environment variable {variable} is not set"
        for key, value in values.items()
        if isinstance(value, str)
        for variable in ENV_REFERENCE.findall(value)
        if variable not in env
    ]


def _request_problems(
    component: Mapping[str, Any], env: Mapping[str, str], where: str
) -> list[str]:
    """The URL and headers as the probe will send them, `${NAME}`s filled in: a request
    that can never be sent would fail on our side and read as the target being down.
    The problems never repeat a value, which may be a secret from the environment; an
    unset variable (reported on its own) counts as "1", which fits anywhere."""
    problems: list[str] = []
    url = component.get("url")
    if isinstance(url, str) and ENV_REFERENCE.search(url):
        problem = http_url_problem(_filled(url, env), credentials=True)
        if problem is not None:
            problems.append(f"{where}.url: {problem} (with the environment's values filled in)")
    headers = component.get("headers")
    for name, value in headers.items() if isinstance(headers, dict) else ():
        problem = header_name_problem(str(name))
        if problem is None and isinstance(value, str):
            problem = header_value_problem(_filled(value, env))
        if problem is not None:
            problems.append(f"{where}.headers.{name}: {problem}")
    return problems


def _filled(value: str, env: Mapping[str, str]) -> str:
    return ENV_REFERENCE.sub(lambda match: env.get(match.group(1), "1"), value)


def _resolve_components(
    settings: FileSettings, env: Mapping[str, str]
) -> tuple[ComponentConfig, ...]:
    """Ids and checks of components already checked by `_component_problems`."""
    return tuple(
        _component_config(
            component,
            component.id or slugify(component.name),
            index,
            _build_check(component, settings, env),
            settings,
        )
        for index, component in enumerate(settings.components)
    )


def _component_config(
    component: ComponentSettings,
    component_id: str,
    index: int,
    check: CheckSpec | None,
    settings: FileSettings,
) -> ComponentConfig:
    show_url = component.show_url
    return ComponentConfig(
        id=component_id,
        name=component.name,
        group=component.group,
        group_id=None if component.group is None else "group-" + slugify(component.group),
        position=index + 1,
        description=component.description,
        check=check,
        interval_s=component.interval_s or settings.probes.interval_s,
        show_url=settings.site.show_target_urls if show_url is None else show_url,
        objectives=tuple(settings.site.objectives.merged(component.objectives).items())
        if check is not None
        else (),
        availability_objective=availability_objective(
            component.availability_objective_percent, critical=component.critical
        ),
    )


def _build_check(
    component: ComponentSettings, settings: FileSettings, env: Mapping[str, str]
) -> CheckSpec | None:
    if component.url is None or component.sla_ms is None:
        return None
    probes = settings.probes
    return CheckSpec(
        name=component.name,
        url=_expand_env(component.url, env),
        sla_ms=component.sla_ms,
        timeout_s=component.timeout_s or probes.timeout_s,
        connect_timeout_s=probes.connect_timeout_s,
        method=component.method,
        headers={name: _expand_env(value, env) for name, value in component.headers.items()},
        body=component.body,
        expect_status=tuple(component.expect_status),
        # Validation parsed each one already (to report it with the other problems);
        # parsing again is cheap and keeps the settings model plain text.
        assertions=tuple(parse_assertion(text) for text in component.assertions),
        max_redirects=probes.max_redirects,
        max_body_bytes=component.max_body_bytes or probes.max_body_bytes,
        reuse_connections=component.reuse_connections,
    )


def _expand_env(value: str, env: Mapping[str, str]) -> str:
    """Replace `${NAME}` with the environment variable, so tokens stay out of the file.
    `_component_problems` has made sure each one is set."""
    return ENV_REFERENCE.sub(lambda match: env[match.group(1)], value)
