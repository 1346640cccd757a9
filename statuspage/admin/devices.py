"""Device cookies: a browser that signed in as a user before is let past that user
name's throttle (OWASP's "device cookie" defence against lockout attacks).

Without it, anyone could keep the real admin out by failing sign-ins with the
admin's name. The cookie is encrypted (Fernet, its own derived key), names the
user, lives 90 days and is sent only to the sign-in page. It never signs anyone
in: the password is still checked, and the per-address limit still applies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from aiohttp import web
from cryptography.fernet import Fernet, InvalidToken

COOKIE_NAME = "statuspage_device"
LIFETIME = timedelta(days=90)
PATH = "/admin/sign-in"


class DeviceCookies:
    def __init__(self, key: bytes, *, secure: bool, clock: Callable[[], datetime]) -> None:
        self._fernet = Fernet(key)
        self._secure = secure
        self._clock = clock  # Fernet's own expiry check would read the wall clock

    def _now(self) -> int:
        return int(self._clock().timestamp())

    def trusted_for(self, request: web.Request, user_name: str) -> bool:
        value = request.cookies.get(COOKIE_NAME)
        if not value or len(value) > 1000:
            return False
        try:
            ttl = int(LIFETIME.total_seconds())
            data = json.loads(self._fernet.decrypt_at_time(value.encode(), ttl, self._now()))
        except (InvalidToken, ValueError):
            return False
        return isinstance(data, dict) and data.get("user") == user_name

    def remember(self, response: web.StreamResponse, user_name: str) -> None:
        data = json.dumps({"user": user_name}).encode()
        token = self._fernet.encrypt_at_time(data, self._now()).decode()
        response.set_cookie(
            COOKIE_NAME,
            token,
            max_age=int(LIFETIME.total_seconds()),
            path=PATH,
            secure=self._secure,
            httponly=True,
            samesite="Strict",
        )
