"""Admin sessions: an encrypted cookie that names the user, the epoch and the sign-in time.

The cookie (`statuspage_admin`, Path=/admin, HttpOnly, SameSite=Lax, Secure when
site.url is https) is encrypted and authenticated with Fernet under a key derived
from `server.secret_key`, so it cannot be read or forged. A session ends:

- 12 hours after sign-in, however active it is (absolute, not sliding: an
  unattended laptop does not stay signed in over a weekend);
- when the user's password changes or the user is removed (the epoch moves on);
- on sign-out, and when the secret key changes (every process restart, if no
  key is configured).
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
from storage.database import Database
from storage.users import UserView, get_user

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


async def start_session(request: web.Request, user: UserView, now: datetime) -> Session:
    """A brand-new session for `user`: nothing of the previous one survives (no
    fixation), and it gets a fresh CSRF token."""
    session = Session(None, data=None, new=True, max_age=int(LIFETIME.total_seconds()))
    request[SESSION] = session
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    session["at"] = now.timestamp()
    session["csrf"] = secrets.token_urlsafe(32)
    return session


async def signed_in_user(request: web.Request, db: Database, now: datetime) -> UserView | None:
    """The user this request's session belongs to, if the session is still good."""
    session = current_session(request)
    uid, epoch, at = session.get("uid"), session.get("epoch"), session.get("at")
    if not isinstance(uid, int) or not isinstance(epoch, int) or not isinstance(at, float):
        return None
    started = datetime.fromtimestamp(at, now.tzinfo)
    if not (now - LIFETIME <= started <= now + CLOCK_SKEW):
        session.invalidate()
        return None
    user = await get_user(db, uid)
    if user is None or user.session_epoch != epoch:
        session.invalidate()
        return None
    return user


def keep_session_after_password_change(session: Session, user: UserView) -> None:
    """The epoch has moved on to end the user's other sessions; this one stays."""
    session["epoch"] = user.session_epoch
