"""Errors storage raises on purpose, so callers can tell them from bugs."""

from __future__ import annotations


class NotFound(Exception):
    """No such row (incident, update, component). Deliberately not a `LookupError`:
    a `KeyError` from a bug must not become a 404."""
