"""Everything the admin area shares in one process, reached through `ADMIN`."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from probes.clock import Clock
from statuspage.admin.devices import DeviceCookies
from statuspage.admin.passwords import Passwords
from statuspage.admin.paths import Area
from statuspage.admin.ratelimit import InFlight, RecordingCap
from statuspage.admin.token_use import TokenUse
from statuspage.http.render import Renderer
from storage.accounts.tokens import TokenView
from storage.accounts.users import UserView


@dataclass(slots=True)
class AdminState:
    renderer: Renderer
    passwords: Passwords
    sessions: EncryptedCookieStorage
    devices: DeviceCookies
    stylesheet: str  # templates/admin/admin.css, read once
    # The app's clock (`keys.CLOCK`): "now" for sessions, throttling and every write.
    clock: Clock
    in_flight: InFlight = field(default_factory=InFlight)
    token_failures: RecordingCap = field(default_factory=RecordingCap)
    token_use: TokenUse = field(default_factory=TokenUse)  # recording "last used"


ADMIN = web.AppKey("admin", AdminState)
AREA = web.RequestKey("admin_area", Area)
USER = web.RequestKey("admin_user", UserView)  # set on every signed-in admin request
TOKEN = web.RequestKey("admin_token", TokenView)  # set on every authenticated API request
