"""Where each URL of the site lands in the exported tree, and how pages link to it.

A static host serves files, not query strings, so every URL maps to one file:

    /                                   index.html
    /history                            history/index.html
    /history?month=2026-10              history/month-2026-10/index.html
    /incidents/12                       incidents/12/index.html
    /static/style.css?v=1a2b            static/style.css    (the fingerprint only busts caches)
    /components/api/badge.svg           components/api/badge.svg          (status)
    /components/api/badge.svg?type=uptime&window=30d
                                        components/api/badge-uptime-30d.svg
    /history.atom, /api/v2/summary.json the same path

Pages link with relative paths ending in `index.html`, so the tree works from
any directory of any static host, and from disk.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, urlsplit

from statuspage.config import slugify

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")
# Never exported: the operators' side of the site.
PRIVATE_PREFIXES = ("/admin", "/api/admin")


def internal_path(href: str, site_url: str) -> str | None:
    """The path (and query) of a link to this site, or None for anything else:
    another origin, a fragment, mailto:, javascript:, protocol-relative URLs."""
    if href.startswith(site_url + "/") or href == site_url:
        href = href[len(site_url) :] or "/"
    if not href.startswith("/") or href.startswith("//"):
        return None
    parts = urlsplit(href)
    path = parts.path or "/"
    if path.startswith(PRIVATE_PREFIXES):
        return None
    return f"{path}?{parts.query}" if parts.query else path


def file_for(target: str) -> str | None:
    """The file a path (with its query) is written to; None if it cannot be one."""
    parts = urlsplit(target)
    segments = [s for s in parts.path.split("/") if s]
    if any(not _SAFE_SEGMENT.match(s) or s in (".", "..") for s in segments):
        return None
    path = "/".join(segments)
    query = dict(parse_qsl(parts.query))
    if path.startswith("static/"):
        return path
    if path.endswith("/badge.svg"):
        return _badge_file(path, query)
    last = segments[-1] if segments else ""
    if "." in last:
        return path if not query else None
    if query:
        suffix = slugify("-".join(f"{k}-{v}" for k, v in sorted(query.items())))
        path = f"{path}/{suffix}" if path else suffix
    return f"{path}/index.html" if path else "index.html"


def _badge_file(path: str, query: dict[str, str]) -> str:
    kind = query.get("type", "status")
    if kind == "status":
        return path
    window = query.get("window")
    name = slugify(f"badge-{kind}-{window}" if window else f"badge-{kind}")
    return path.removesuffix("badge.svg") + name + ".svg"


def relative_link(from_file: str, to_file: str, fragment: str = "") -> str:
    """A link from one exported file to another, e.g. `../../history/index.html#x`."""
    start = posixpath.dirname(from_file) or "."
    link = posixpath.relpath(to_file, start)
    return link + (f"#{fragment}" if fragment else "")
