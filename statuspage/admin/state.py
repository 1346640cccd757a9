"""Everything the admin area shares in one process, reached through `ADMIN`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from statuspage.admin.devices import DeviceCookies
from statuspage.admin.passwords import Passwords
from statuspage.admin.paths import Area
from statuspage.admin.ratelimit import InFlight
from statuspage.web.render import Renderer
from storage.tokens import TokenView
from storage.users import UserView


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class AdminState:
    renderer: Renderer
    passwords: Passwords
    sessions: EncryptedCookieStorage
    devices: DeviceCookies
    stylesheet: str  # templates/admin/admin.css, read once
    in_flight: InFlight = field(default_factory=InFlight)
    # "now" for sessions, throttling and every write; tests move it instead of sleeping.
    clock: Callable[[], datetime] = field(default=utc_now)


ADMIN = web.AppKey("admin", AdminState)
AREA = web.RequestKey("admin_area", Area)
USER = web.RequestKey("admin_user", UserView)  # set on every signed-in admin request
TOKEN = web.RequestKey("admin_token", TokenView)  # set on every authenticated API request
