"""Cross-site request forgery: every state-changing admin request proves it came from
one of our own forms.

Two independent checks, both required: the form carries the session's secret
token (compared in constant time), and the browser's Origin header (or Referer,
when Origin is absent) names this site. When a browser sends neither header the
token alone decides; a forged request cannot know the token either way. The
write API under /api/admin never reads cookies, so it needs neither check.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import Session

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


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
        submitted_value = (await request.post()).get(FIELD)
        submitted = submitted_value if isinstance(submitted_value, str) else None
    if submitted is None:
        return False
    return hmac.compare_digest(submitted.encode(), expected.encode())


def same_site(request: web.Request, site_url: str) -> bool:
    """Origin (or else Referer) names this site: its configured host or the Host
    the request came to (which differ behind a proxy that rewrites Host)."""
    claimed = request.headers.get("Origin") or request.headers.get("Referer")
    if claimed is None:
        return True
    parts = urlsplit(claimed)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # includes Origin: null (sandboxed frames, data: pages)
    allowed = {urlsplit(site_url).netloc.lower(), request.host.lower()}
    return parts.netloc.lower() in allowed
