"""Which area a request path belongs to, however it is spelt, and where sign-in may return.

The guard (`guard.area_of_request`) asks this of each reading of the request
target and errs towards guarding: a path is in the admin area when *any*
reasonable reading of it is (percent-decoded up to three times, backslashes
read as slashes, case folded, repeated slashes collapsed, dot segments resolved
or not). A path nobody routes, such as
`/ADMIN` or `/admin/%2e%2e/x`, is therefore refused like a real admin page
rather than answered with a 404 that would differ by spelling.
"""

from __future__ import annotations

import enum
import posixpath
import re
from urllib.parse import unquote, urlsplit

DEFAULT_NEXT = "/admin"
# "admin" as a whole first segment, also with junk after it ("admin;x", "admin.");
# "/administration" or "/admin-guide" would be public pages of their own.
_ADMIN_SEGMENT = re.compile(r"admin(?![a-z0-9_-])")
_SLASHES = re.compile(r"/{2,}")
_DECODE_ROUNDS = 3


class Area(enum.Enum):
    PUBLIC = "public"
    ADMIN = "admin"  # HTML admin pages: a session cookie
    API = "api"  # the write API: a bearer token, never a cookie


def spellings(raw_path: str) -> set[str]:
    """Every reading of the path the guard considers (lower case, query dropped)."""
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    decoded = [path]
    for _ in range(_DECODE_ROUNDS):
        decoded.append(unquote(decoded[-1]))
    readings: set[str] = set()
    for form in decoded:
        collapsed = _SLASHES.sub("/", form.replace("\\", "/").lower())
        readings.add(collapsed)
        readings.add(posixpath.normpath("/" + collapsed.lstrip("/")))
    return readings


def area_of(raw_path: str) -> Area:
    # Fast path for the public pages, which run through this on every request:
    # without an escape or a backslash, every reading of the path contains the
    # word literally, so a path without it cannot be in the admin area.
    if "%" not in raw_path and "\\" not in raw_path and "admin" not in raw_path.lower():
        return Area.PUBLIC
    found = Area.PUBLIC
    for reading in spellings(raw_path):
        segments = reading.strip("/").split("/")
        if len(segments) > 1 and segments[0] == "api" and _ADMIN_SEGMENT.match(segments[1]):
            return Area.API
        if _ADMIN_SEGMENT.match(segments[0]):
            found = Area.ADMIN
    return found


def safe_next(value: str | None) -> str:
    """`value` if it is a path in the admin area of this site, else the dashboard.
    Refuses every way of naming another host: `//evil`, `/\\evil`, `https://evil`,
    encoded slashes and backslashes, control characters."""
    if not value or len(value) > 2000 or not value.isprintable() or " " in value:
        return DEFAULT_NEXT
    for form in (value, unquote(value), unquote(unquote(value))):
        if not form.startswith("/") or form.startswith("//") or "\\" in form:
            return DEFAULT_NEXT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    resolved = posixpath.normpath(unquote(parts.path))
    if not (resolved == "/admin" or resolved.startswith("/admin/")):
        return DEFAULT_NEXT
    return value
