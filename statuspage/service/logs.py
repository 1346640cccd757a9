"""Structured logs: one line per event, as JSON or logfmt, chosen by configuration.

Context goes in `extra={"fields": {...}}` so every record keeps its values as
data (component, reason, latency) instead of baking them into the message.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from aiohttp.http_exceptions import BadHttpMessage


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": record.getMessage(),
    }
    extra = getattr(record, "fields", None)
    if isinstance(extra, dict):
        fields.update(extra)
    if record.exc_info:
        fields["error"] = logging.Formatter().formatException(record.exc_info)
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), default=str, ensure_ascii=False)


def _logfmt_value(value: object) -> str:
    text = "null" if value is None else str(value)
    if text and not any(c in text for c in ' ="\\\n\t') and text.isprintable():
        return text
    return json.dumps(text, ensure_ascii=False)


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{key}={_logfmt_value(v)}" for key, v in _fields(record).items())


class MalformedRequestFilter(logging.Filter):
    """aiohttp logs a request it cannot parse (a duplicate or missing Host, a NUL in the
    path, a header or URL too long, a bad character in the query) as "Error handling
    request" at ERROR with a traceback, though it answers 400 and the fault is the
    client's: any anonymous client could fill the log with tracebacks. Such a record
    becomes one INFO line naming the problem; every other record is left as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        problem = record.exc_info[1] if record.exc_info else None
        if not isinstance(problem, BadHttpMessage):
            return True
        # The first line: the rest quotes the request line with a caret under the fault.
        first_line = (str(problem.message).splitlines() or [""])[0]
        reason = f"malformed request, answered 400: {first_line}"
        record.msg, record.args = f"{record.getMessage()} ({reason})", ()
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        record.exc_info, record.exc_text = None, None
        # Lowered after the logger's own level check: ask it again for the new level.
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)


def quiet_malformed_requests() -> None:
    """Install `MalformedRequestFilter` on aiohttp's server logger, once however often
    logging is configured (a reload configures it again)."""
    server = logging.getLogger("aiohttp.server")
    for old in [f for f in server.filters if isinstance(f, MalformedRequestFilter)]:
        server.removeFilter(old)
    server.addFilter(MalformedRequestFilter())


def configure_logging(level: str, fmt: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else LogfmtFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # APScheduler logs every run at INFO and every skipped run as a warning; the
    # probe scheduler counts skips and logs a summary a minute instead.
    logging.getLogger("apscheduler").setLevel(max(logging.ERROR, root.level))
    logging.getLogger("aiohttp.access").setLevel(max(logging.WARNING, root.level))
    quiet_malformed_requests()
