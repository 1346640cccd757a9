"""Cross-site request forgery: every state-changing admin request proves it came from
one of our own forms.

Two independent checks, both required: the form carries the session's secret
token (compared in constant time), and the browser's Origin header (or Referer,
when Origin is absent) names this site, scheme and port included. When a
browser sends neither header the token alone decides; a forged request cannot
know the token either way. The write API under /api/admin never reads cookies,
so it needs neither check.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import Session

from statuspage.http.form_body import posted_form

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
DEFAULT_PORTS = {"http": 80, "https": 443}


def ensure_token(session: Session) -> str:
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


async def request_is_genuine(request: web.Request, session: Session, site_url: str) -> bool:
    expected = session.get("csrf")
    if not isinstance(expected, str) or not expected:
        return False
    if not same_site(request, site_url):
        return False
    submitted = request.headers.get(HEADER)
    if submitted is None:
        submitted_value = (await posted_form(request)).get(FIELD)
        submitted = submitted_value if isinstance(submitted_value, str) else None
    if submitted is None:
        return False
    return hmac.compare_digest(submitted.encode(), expected.encode())


def same_site(request: web.Request, site_url: str) -> bool:
    """Origin (or else Referer) names this site: the scheme of site.url, and its host
    or the Host the request came to (they differ behind a proxy that rewrites Host).
    The scheme is site.url's, not the request's: behind a proxy that ends TLS the
    request arrives over http while the browser's page is https, and an http page
    (which anyone on the network can write) must not post to an https site."""
    claimed = request.headers.get("Origin") or request.headers.get("Referer")
    if claimed is None:
        return True
    origin, site = web_origin(claimed), web_origin(site_url)
    if origin is None or site is None:
        return False  # includes Origin: null (sandboxed frames, data: pages)
    came_to = web_origin(f"{site[0]}://{request.host}")
    return origin in {site, came_to}


def web_origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL, the port filled in; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, or a broken [IPv6] host
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname, port or DEFAULT_PORTS[scheme]
