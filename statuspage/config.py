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
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from probes.assertions import AssertionSyntaxError, parse_assertion
from probes.model import CheckSpec
from statuspage.settings_model import ComponentSettings, FileSettings

DEFAULT_CONFIG = "statuspage.toml"

# Deployment settings an operator may set from the environment, so secrets and
# per-host values never need to sit in the file: variable -> (section, key, type).
ENV_OVERRIDES: dict[str, tuple[str, str, type]] = {
    "STATUSPAGE_DATABASE_URL": ("storage", "url", str),
    "STATUSPAGE_SITE_URL": ("site", "url", str),
    "STATUSPAGE_HOST": ("server", "host", str),
    "STATUSPAGE_PORT": ("server", "port", int),
    "STATUSPAGE_SECRET_KEY": ("server", "secret_key", str),
    "STATUSPAGE_TRUSTED_PROXIES": ("server", "trusted_proxies", list),  # comma-separated
    "STATUSPAGE_REGION": ("probes", "region", str),
    "STATUSPAGE_SHARD": ("probes", "shard", str),
    "STATUSPAGE_LOG_LEVEL": ("logging", "level", str),
    "STATUSPAGE_LOG_FORMAT": ("logging", "format", str),
}
_ENV_REFERENCE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


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

    @property
    def probed(self) -> bool:
        return self.check is not None


@dataclass(frozen=True, slots=True)
class Settings:
    source: Path
    file: FileSettings
    components: tuple[ComponentConfig, ...]
    database_url: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.file.site.time_zone)

    @property
    def probed_components(self) -> tuple[ComponentConfig, ...]:
        return tuple(c for c in self.components if c.check is not None)


def config_path_from(cli_value: str | None, environ: Mapping[str, str]) -> Path:
    return Path(cli_value or environ.get("STATUSPAGE_CONFIG") or DEFAULT_CONFIG)


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    raw = _read_toml(path)
    _apply_env_overrides(raw, env)
    try:
        file_settings = FileSettings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(str(path), _describe_validation(exc, raw)) from None
    components = _resolve_components(path, file_settings, env)
    return Settings(
        source=path,
        file=file_settings,
        components=components,
        database_url=_resolve_database_url(file_settings.storage.url, path),
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


def _apply_env_overrides(raw: dict[str, Any], env: Mapping[str, str]) -> None:
    for variable, (section, key, kind) in ENV_OVERRIDES.items():
        if variable not in env:
            continue
        value: object = env[variable]
        if kind is list:
            value = [item.strip() for item in env[variable].split(",") if item.strip()]
        elif kind is int:
            try:
                value = int(env[variable])
            except ValueError:
                raise ConfigError(
                    variable, [f"expected a whole number, got {env[variable]!r}"]
                ) from None
        target = raw.setdefault(section, {})
        if isinstance(target, dict):
            target[key] = value


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


def _resolve_components(
    path: Path, settings: FileSettings, env: Mapping[str, str]
) -> tuple[ComponentConfig, ...]:
    problems: list[str] = []
    resolved: list[ComponentConfig] = []
    seen: dict[str, int] = {}
    for index, component in enumerate(settings.components):
        where = f"components[{index}] ({component.name!r})"
        component_id = component.id or slugify(component.name)
        if component_id in seen:
            problems.append(
                f"{where}.id: {component_id!r} is already used by components[{seen[component_id]}]"
                " (set a unique id)"
            )
            continue
        seen[component_id] = index
        try:
            check = _build_check(component, settings, env, where)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        resolved.append(_component_config(component, component_id, index, check, settings))
    if problems:
        raise ConfigError(str(path), problems)
    return tuple(resolved)


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
    )


def _build_check(
    component: ComponentSettings, settings: FileSettings, env: Mapping[str, str], where: str
) -> CheckSpec | None:
    if component.url is None or component.sla_ms is None:
        return None
    probes = settings.probes
    assertions = []
    for number, text in enumerate(component.assertions):
        try:
            assertions.append(parse_assertion(text))
        except AssertionSyntaxError as exc:
            raise ConfigError("", [f"{where}.assertions[{number}]: {exc}"]) from None
    return CheckSpec(
        name=component.name,
        url=_expand_env(component.url, env, f"{where}.url"),
        sla_ms=component.sla_ms,
        timeout_s=component.timeout_s or probes.timeout_s,
        connect_timeout_s=probes.connect_timeout_s,
        method=component.method,
        headers={
            name: _expand_env(value, env, f"{where}.headers.{name}")
            for name, value in component.headers.items()
        },
        body=component.body,
        expect_status=tuple(component.expect_status),
        assertions=tuple(assertions),
        max_redirects=probes.max_redirects,
        max_body_bytes=component.max_body_bytes or probes.max_body_bytes,
        reuse_connections=component.reuse_connections,
    )


def _expand_env(value: str, env: Mapping[str, str], where: str) -> str:
    """Replace `${NAME}` with the environment variable, so tokens stay out of the file."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise ConfigError("", [f"{where}: environment variable {name} is not set"])
        return env[name]

    return _ENV_REFERENCE.sub(replace, value)
