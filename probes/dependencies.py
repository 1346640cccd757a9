"""Read the states of a service's dependencies out of its health JSON.

Health endpoints report their dependencies in many shapes; these are all understood:

    {"database": "connected"}                                  a well-known name, bare state
    {"database": {"status": "connected", "latency_ms": 4}}     any key whose object has a state
    {"services": {"stripe": "up"}}                             a map of dependencies
    {"external": {"stripe": {"status": "healthy"}}}
    {"checks": [{"name": "db", "status": "ok"}]}               a list of named entries
    {"redis": {"connected": false}}                            a boolean flag

The overall `status` of the body itself is not a dependency. Names and states are kept as
the service wrote them, stripped of control characters and cut to 64 characters; at most
20 entries are kept, in document order, the first of two same names winning.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

MAX_DEPENDENCIES = 20
MAX_TEXT_CHARS = 64

# Keys whose value is a collection of dependencies, one entry each.
_CONTAINERS: Final = frozenset(
    {"dependencies", "services", "checks", "components", "external", "integrations", "entries"}
)
# Top-level keys that name a dependency even when the value is a bare string or flag.
_KNOWN_NAMES: Final = frozenset(
    {
        "database", "db", "mongodb", "mongo", "postgres", "postgresql", "mysql", "redis",
        "cache", "queue", "storage", "search", "stripe", "payments", "llm", "openai", "ai",
        "email", "smtp", "mail",
    }
)  # fmt: skip
_STATE_KEYS: Final = ("status", "state", "health", "connection")
_FLAG_KEYS: Final = {
    "connected": ("connected", "disconnected"),
    "healthy": ("healthy", "unhealthy"),
    "ok": ("ok", "failing"),
    "up": ("up", "down"),
}
_NAME_KEYS: Final = ("name", "id", "service", "component", "key")


def extract_dependencies(body: object) -> dict[str, str]:
    """Map each dependency named in `body` to its reported state, e.g. {"stripe": "up"}."""
    found: dict[str, str] = {}
    for name, state in _candidates(body):
        clean_name, clean_state = _clean(name), _clean(state)
        if clean_name and clean_state and clean_name not in found:
            found[clean_name] = clean_state
            if len(found) == MAX_DEPENDENCIES:
                break
    return found


def _candidates(body: object) -> Iterator[tuple[str, str]]:
    if isinstance(body, list):
        yield from _stated(_entries(body))
        return
    if not isinstance(body, dict):
        return
    for key, value in body.items():
        if not isinstance(key, str) or key.lower() in _STATE_KEYS:  # the body's own state
            continue
        if key.lower() in _CONTAINERS:
            yield from _stated(_entries(value))
        elif key.lower() in _KNOWN_NAMES or isinstance(value, dict):
            yield from _stated([(key, value)])


def _entries(container: object) -> Iterator[tuple[str, object]]:
    if isinstance(container, dict):
        yield from ((k, v) for k, v in container.items() if isinstance(k, str))
    elif isinstance(container, list):
        for item in container:
            name = _first_text(item, _NAME_KEYS) if isinstance(item, dict) else None
            if name is not None:
                yield name, item


def _stated(entries: Iterable[tuple[str, object]]) -> Iterator[tuple[str, str]]:
    for name, value in entries:
        state = _state_of(value)
        if state is not None:
            yield name, state


def _state_of(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "up" if value else "down"
    if not isinstance(value, dict):
        return None
    state = _first_text(value, _STATE_KEYS)
    if state is not None:
        return state
    for key, (yes, no) in _FLAG_KEYS.items():
        if isinstance(value.get(key), bool):
            return yes if value[key] else no
    return None


def _first_text(mapping: dict[object, object], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _clean(text: str) -> str:
    head = text[: MAX_TEXT_CHARS * 2]  # a state may be a megabyte of anything: cut first
    printable = "".join(ch for ch in head if ch.isprintable())
    return printable.strip()[:MAX_TEXT_CHARS]
