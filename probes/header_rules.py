"""What a request header must be for a request to carry it at all.

A name is an RFC 9110 token; a value has no control characters (a tab is allowed):
a CR or LF would start another header, and the HTTP client refuses the request.
Checked when the settings are read, because a header that can never be sent would
otherwise fail every probe on our side and be recorded as the target being down.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def header_name_problem(name: str) -> str | None:
    if _TOKEN.fullmatch(name) is None:
        return "a header name is letters, digits and !#$%&'*+-.^_`|~ only (no spaces or colons)"
    return None


def header_value_problem(value: str) -> str | None:
    """The value is never repeated: it may be a secret filled in from the environment."""
    if _CONTROL.search(value) is not None:
        return "a header value may not hold line breaks, NUL or other control characters"
    return None
