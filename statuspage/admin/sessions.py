"""Admin sessions: an encrypted cookie holding a session key, and a row per session.

The cookie (`statuspage_admin`, Path=/admin, HttpOnly, SameSite=Lax, Secure when
site.url is https) is encrypted and authenticated with Fernet under a key derived
from `server.secret_key`, so it cannot be read or forged. It carries a random
session key and the CSRF token; the session itself is a row in `user_sessions`
(`storage.accounts.sessions`), which every process reads, so ending it there ends
it everywhere at once, restarts included. A session ends:

- 12 hours after sign-in, however active it is (absolute, not sliding: an
  unattended laptop does not stay signed in over a weekend);
- on sign-out: the row is deleted, so a copy of the cookie opens nothing;
- when the user's password changes (every other session of the user) or the
  user is removed (all of them);
- when the secret key changes (every process restart, if no key is configured).
"""

from __future__ import annotations

import base64
import logging
import secrets
from datetime import datetime, timedelta

from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp_session import Session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from statuspage.config import Settings
from storage.accounts.sessions import end_user_session, new_session_key, start_user_session
from storage.accounts.users import SignedIn, UserView, find_session_user
from storage.database import Database

log = logging.getLogger("statuspage.admin")

SESSION = web.RequestKey("admin_session", Session)
COOKIE_NAME = "statuspage_admin"
LIFETIME = timedelta(hours=12)
CLOCK_SKEW = timedelta(minutes=5)  # processes behind one load balancer disagree a little


def secret_key(settings: Settings) -> str:
    """The configured key, or a random one for this process."""
    return settings.file.server.secret_key or secrets.token_urlsafe(48)


def warn_if_no_secret_key(settings: Settings) -> None:
    """Say once, at start-up, that sessions will not outlive the process.

    Called by the commands that serve the admin area (`run`, `serve`), not from
    `create_app`: `export` and the benchmarks build the app too, but nobody signs
    in to them, so the warning would only be noise there.
    """
    if settings.file.server.secret_key:
        return
    log.warning(
        "server.secret_key is not set: using a random key, so admin sessions end when "
        "the process restarts and are not shared between processes "
        "(set STATUSPAGE_SECRET_KEY to at least 32 random characters)",
        extra={"fields": {"event": "secret_key_generated"}},
    )


def derive_key(secret: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose, so no two uses of the secret share a key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(secret.encode())


def fernet_key(secret: str, purpose: str) -> bytes:
    return base64.urlsafe_b64encode(derive_key(secret, purpose))


def session_storage(secret: str, *, secure: bool) -> EncryptedCookieStorage:
    return EncryptedCookieStorage(
        # aiohttp-session base64-encodes raw bytes into a Fernet key itself.
        derive_key(secret, "statuspage admin session"),
        cookie_name=COOKIE_NAME,
        path="/admin",
        max_age=int(LIFETIME.total_seconds()),
        secure=secure,
        httponly=True,
        samesite="Lax",
    )


async def with_session(
    request: web.Request, handler: Handler, storage: EncryptedCookieStorage
) -> web.StreamResponse:
    """Run `handler` with the request's session loaded, and send the cookie back only
    if the session changed. aiohttp-session's own middleware is not used: it keeps
    its state under plain string request keys, which aiohttp now warns about."""
    session = await storage.load_session(request)
    request[SESSION] = session
    before = dict(session)
    try:
        response = await handler(request)
    except web.HTTPException as exception:
        await _save_if_changed(request, exception, storage, session, before)
        raise
    await _save_if_changed(request, response, storage, session, before)
    return response


async def _save_if_changed(
    request: web.Request,
    response: web.StreamResponse,
    storage: EncryptedCookieStorage,
    loaded: Session,
    before: dict[str, object],
) -> None:
    session = request[SESSION]
    if session is not loaded or dict(session) != before:
        await storage.save_session(request, response, session)


def current_session(request: web.Request) -> Session:
    return request[SESSION]


def session_key(session: Session) -> str | None:
    """The key naming this browser's session row, if it has one."""
    key = session.get("key")
    return key if isinstance(key, str) and key else None


async def start_session(
    request: web.Request, db: Database, user: UserView, now: datetime
) -> Session:
    """A brand-new session for `user`: nothing of the previous one survives (no
    fixation; its row, if any, is ended too), and it gets a fresh CSRF token."""
    previous = session_key(current_session(request))
    key = new_session_key()
    await start_user_session(
        db, user.id, key, now=now, expires_at=now + LIFETIME, replacing=previous
    )
    session = Session(None, data=None, new=True, max_age=int(LIFETIME.total_seconds()))
    request[SESSION] = session
    session["key"] = key
    session["csrf"] = secrets.token_urlsafe(32)
    return session


async def end_session(request: web.Request, db: Database) -> None:
    """Sign this browser out: its row goes, so a copy of the cookie is worth nothing."""
    session = current_session(request)
    key = session_key(session)
    if key is not None:
        await end_user_session(db, key)
    session.invalidate()


async def signed_in_user(request: web.Request, db: Database, now: datetime) -> UserView | None:
    """The user this request's session belongs to, if the session is still good."""
    session = current_session(request)
    key = session_key(session)
    if key is None:
        return None  # not signed in (the session may hold the sign-in form's CSRF token)
    found = await find_session_user(db, key)
    if found is None or not in_time(found, now):
        session.invalidate()  # ended or expired: the browser drops the cookie
        return None
    return found.user


def in_time(found: SignedIn, now: datetime) -> bool:
    """Not yet expired, and not begun in the future by more than the clocks of
    processes behind one load balancer may disagree."""
    return found.started_at <= now + CLOCK_SKEW and now < found.expires_at
