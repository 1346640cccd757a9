"""Signing in and out, changing one's password, and the admin stylesheet.

Every failed sign-in is logged as one structured line (user name, address,
time), stored in `sign_in_failures` and counted in the
`statuspage_failed_sign_ins` metric. Throttling: see `statuspage.admin.ratelimit`.
The client address is the connection's peer address; behind a reverse proxy
that is the proxy, so the per-address limit then applies to everyone at once
and the per-user-name limit (with device cookies) does the real work.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from statuspage import keys
from statuspage.admin.forms import form_text
from statuspage.admin.pages import Chrome, chrome, render, see_other
from statuspage.admin.passwords import MAX_LENGTH, PasswordRuleError, check_new_password
from statuspage.admin.paths import safe_next
from statuspage.admin.ratelimit import WINDOW, retry_after_s
from statuspage.admin.sessions import (
    current_session,
    end_session,
    session_key,
    signed_in_user,
    start_session,
)
from statuspage.admin.state import ADMIN, USER
from statuspage.admin.storage_down import storage_failed
from statuspage.http.client_address import request_client
from statuspage.http.data_stamp import DATABASE_ERRORS
from statuspage.http.form_body import posted_form
from storage.accounts.users import (
    Credentials,
    find_credentials,
    replace_password_hash,
    set_password_hash,
)
from storage.audit import add_audit, recent_sign_in_failures, record_sign_in_failure

log = logging.getLogger("statuspage.admin")
STORAGE_DOWN = (
    "Signing in is not possible right now: the database is not working. Try again in a minute."
)


@dataclass(frozen=True, slots=True)
class SignInPage:
    """Context of admin/sign_in.html."""

    chrome: Chrome
    user_name: str  # as typed; the password is never sent back
    next: str  # where to go after signing in (already checked by `safe_next`)
    error: str | None


async def sign_in_form(request: web.Request) -> web.Response:
    next_path = safe_next(request.query.get("next"))
    now = request.app[ADMIN].clock()
    if await signed_in_user(request, request.app[keys.DATABASE], now) is not None:
        return see_other(next_path)  # a bookmark or a second tab: already in
    page = SignInPage(await chrome(request, "Sign in"), "", next_path, None)
    return render(request, "admin/sign_in.html", page)


async def sign_in(request: web.Request) -> web.Response:
    form = await posted_form(request)
    name = form_text(form, "user_name", 200).strip()
    password = form_text(form, "password", MAX_LENGTH + 1)
    next_path = safe_next(form_text(form, "next", 2000))
    try:
        return await _sign_in(request, name, password, next_path)
    except DATABASE_ERRORS as failure:
        # A wrong password that cannot be counted gets this answer too: telling it
        # apart would let guesses go uncounted for as long as the database fails.
        def again(status: int) -> Awaitable[web.Response]:
            return _sign_in_again(request, name, next_path, STORAGE_DOWN, status)

        return await storage_failed(request, failure, again)


async def _sign_in(request: web.Request, name: str, password: str, next_path: str) -> web.Response:
    state, db = request.app[ADMIN], request.app[keys.DATABASE]
    address, now = request_client(request), state.clock()
    trusted = state.devices.trusted_for(request, name)
    claims = (f"address:{address}",) if trusted else (f"address:{address}", f"user:{name}")
    with state.in_flight.claim(*claims) as claimed:
        if not claimed:
            return await _throttled(request, name, address, next_path, 1)
        recent = await recent_sign_in_failures(
            db, user_name=name, address=address, now=now, window=WINDOW
        )
        wait_s = retry_after_s(recent, now, trusted_device=trusted)
        if wait_s > 0:
            return await _throttled(request, name, address, next_path, wait_s)
        credentials = await find_credentials(db, name) if name else None
        stored = None if credentials is None else credentials.password_hash
        # Checked whether or not the name exists (against a dummy hash when not),
        # so an unknown name costs the same one check as a wrong password.
        matched = await state.passwords.verify(stored, password)
        if credentials is None or not matched:
            await _record_failure(request, name, address, now)
            return await _sign_in_again(request, name, next_path, "Wrong user name or password.")
    await _keep_hash_current(request, credentials, password)
    await start_session(request, db, credentials.user, now)
    await add_audit(db, actor=name, action="session.sign_in", target=f"user:{name}", at=now)
    log.info(
        "signed in", extra={"fields": {"event": "sign_in", "user_name": name, "address": address}}
    )
    response = see_other(next_path)
    state.devices.remember(response, name)
    return response


async def _keep_hash_current(request: web.Request, credentials: Credentials, password: str) -> None:
    """Re-hash a password stored with other parameters than new ones get, so every
    stored hash costs what the dummy hash for unknown names costs."""
    passwords = request.app[ADMIN].passwords
    if passwords.needs_rehash(credentials.password_hash):
        new_hash = await passwords.hash_off_loop(password)
        await replace_password_hash(
            request.app[keys.DATABASE], credentials.user.id, credentials.password_hash, new_hash
        )


async def _record_failure(request: web.Request, name: str, address: str, now: datetime) -> None:
    fields = {"event": "sign_in_failed", "user_name": name, "address": address}
    log.warning("sign-in failed", extra={"fields": fields | {"at": now.isoformat()}})
    await record_sign_in_failure(
        request.app[keys.DATABASE], user_name=name, address=address, at=now
    )
    request.app[keys.METRICS].failed_logins.inc()


async def _throttled(
    request: web.Request, name: str, address: str, next_path: str, wait_s: int
) -> web.Response:
    fields = {"event": "sign_in_throttled", "user_name": name, "address": address}
    log.info("sign-in throttled", extra={"fields": fields | {"retry_after_s": wait_s}})
    text = f"Too many failed sign-ins. Try again in {wait_s} seconds."
    response = await _sign_in_again(request, name, next_path, text, status=429)
    response.headers["Retry-After"] = str(wait_s)
    return response


async def _sign_in_again(
    request: web.Request, name: str, next_path: str, error: str, status: int = 400
) -> web.Response:
    page = SignInPage(await chrome(request, "Sign in"), name, next_path, error)
    return render(request, "admin/sign_in.html", page, status)


async def sign_out(request: web.Request) -> web.Response:
    user, now, db = request[USER], request.app[ADMIN].clock(), request.app[keys.DATABASE]
    await end_session(request, db)
    await add_audit(
        db, actor=user.name, action="session.sign_out", target=f"user:{user.name}", at=now
    )
    return see_other("/admin/sign-in?done=signed-out")


@dataclass(frozen=True, slots=True)
class PasswordPage:
    """Context of admin/password.html."""

    chrome: Chrome
    error: str | None


async def password_form(request: web.Request) -> web.Response:
    page = PasswordPage(await chrome(request, "Change password"), None)
    return render(request, "admin/password.html", page)


async def change_password(request: web.Request) -> web.Response:
    state, db, user = request.app[ADMIN], request.app[keys.DATABASE], request[USER]
    form = await posted_form(request)
    current = form_text(form, "current_password", MAX_LENGTH + 1)
    new, repeated = (form_text(form, f, MAX_LENGTH + 1) for f in ("new_password", "repeat"))
    credentials = await find_credentials(db, user.name)
    if credentials is None or not await state.passwords.verify(credentials.password_hash, current):
        return await _password_again(request, "Your current password is not right.")
    try:
        check_new_password(new, repeated)
    except PasswordRuleError as error:
        return await _password_again(request, f"New password: {error}.")
    hashed = await state.passwords.hash_off_loop(new)
    this_browser = session_key(current_session(request))
    await set_password_hash(
        db, user.name, hashed, now=state.clock(), actor=user.name, keep_session=this_browser
    )
    return see_other("/admin?done=password")


async def _password_again(request: web.Request, error: str) -> web.Response:
    page = PasswordPage(await chrome(request, "Change password"), error)
    return render(request, "admin/password.html", page, 400)


async def stylesheet(request: web.Request) -> web.Response:
    css = request.app[ADMIN].stylesheet
    return web.Response(text=css, content_type="text/css", charset="utf-8")
