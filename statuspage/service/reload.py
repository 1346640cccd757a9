"""Apply a new configuration to a running process, or refuse it and keep the old one."""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from statuspage import keys
from statuspage.config import ConfigError, Settings, load_settings
from statuspage.service.logs import configure_logging
from statuspage.service.scheduler import ScheduleChanges
from statuspage.service.shards import components_to_probe
from statuspage.service.source_jobs import schedule_sources
from statuspage.service.startup import sync_configured_components

log = logging.getLogger("statuspage.reload")

# Settings a running process cannot change; a reload logs that a restart is needed.
_RESTART_ONLY = (
    ("storage", "url"),
    ("storage", "connect_timeout_s"),  # the engine's connect arguments are fixed when made
    ("storage", "statement_timeout_s"),
    ("server", "host"),
    ("server", "port"),
    ("server", "secret_key"),  # the admin's cookie keys are derived from it at start-up
    ("server", "max_connections"),  # the listener's guard is made at start-up
    ("server", "request_header_timeout_s"),  # aiohttp's handlers take it at start-up
    ("server", "response_write_timeout_s"),  # so does the listener's guard
    ("probes", "dns_servers"),  # the client sessions' resolver is made at start-up
)


def restart_only_changes(old: Settings, new: Settings) -> list[str]:
    changed = []
    for section, key in _RESTART_ONLY:
        before = getattr(getattr(old.file, section), key)
        after = getattr(getattr(new.file, section), key)
        if before != after:
            changed.append(f"{section}.{key}")
    return changed


async def reload_config(app: web.Application, path: Path) -> bool:
    """Load `path` and apply it; on any error keep the settings in force. True if applied."""
    holder = app[keys.SETTINGS]
    try:
        new = load_settings(path)
    except ConfigError as exc:
        log.error(
            "reload refused, keeping the configuration in force",
            extra={"fields": {"problems": exc.problems, "file": str(path)}},
        )
        return False
    for name in restart_only_changes(holder.current, new):
        log.warning("setting needs a restart to take effect", extra={"fields": {"key": name}})
    await sync_configured_components(app[keys.DATABASE], new, app[keys.CLOCK])
    old_logging = holder.current.file.logging
    holder.replace(new)
    if new.file.logging != old_logging:
        configure_logging(new.file.logging.level, new.file.logging.format)
    scheduler = app.get(keys.SCHEDULER)
    if scheduler is not None:
        for name in scheduler.runner.retune(new.file.probes):
            log.info("setting applied", extra={"fields": {"key": name}})
        membership = app.get(keys.MEMBERSHIP)
        share = membership.share() if membership else components_to_probe(new)
        _log_changes("configuration reloaded", scheduler.apply(share))
        collector = app[keys.METRIC_COLLECTOR]
        sources = schedule_sources(scheduler, collector, new, membership=membership is not None)
        _log_changes("metric sources reloaded", sources)
    return True


def _log_changes(message: str, changes: ScheduleChanges) -> None:
    log.info(
        message,
        extra={
            "fields": {
                "added": list(changes.added),
                "replaced": list(changes.replaced),
                "removed": list(changes.removed),
                "unchanged": len(changes.unchanged),
            }
        },
    )
