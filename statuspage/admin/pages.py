"""Rendering admin pages: the chrome every page shares, and HTML responses.

Each admin page renders from one context object (a frozen dataclass defined
next to its view) whose `chrome` field is a `Chrome`; templates live in
templates/admin/ and read it as `page`. Security headers are not set here:
`statuspage.admin.guard.admin_headers` adds them to every admin response,
including redirects and errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from probes.digits import ascii_int
from statuspage import keys
from statuspage.admin.csrf import ensure_token
from statuspage.admin.sessions import current_session
from statuspage.admin.state import ADMIN, USER
from statuspage.presentation.display import clean_text

# Fixed notices shown after a redirect (?done=...), so no text travels in the URL.
NOTICES = {
    "created": "Incident created.",
    "draft": "Draft saved. It is not public until you publish it.",
    "maintenance": "Maintenance scheduled.",
    "updated": "Update posted.",
    "edited": "Changes saved.",
    "published": "Published.",
    "deleted": "Deleted.",
    "postmortem": "Post-mortem saved.",
    "revoked": "Token revoked.",
    "status": "Component status set.",
    "template": "Template saved.",
    "password": "Password changed. Your other sessions have ended.",
    "signed-out": "You have signed out.",
    "acknowledged": "Acknowledged: the alert, its group and the group's incident.",
    "silenced": "Alert silenced.",
    "unsilenced": "Silence lifted.",
    "alert-resolved": "Alert resolved. If its condition still holds, the rule opens a new one.",
}


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class Chrome:
    """What every admin page shows around its content."""

    title: str  # <title>
    site_name: str
    user_name: str | None  # None on the sign-in page and on refusals
    csrf_token: str  # goes in every form; empty where no session exists
    time_zone: str  # IANA name: every time on admin pages is shown in it
    nav: tuple[NavItem, ...]
    notice: str | None  # one of NOTICES, after a redirect


_NAV = (
    ("Dashboard", "/admin"),
    ("Alerts", "/admin/alerts"),
    ("Metrics", "/admin/metrics"),
    ("Incidents", "/admin/incidents"),
    ("New incident", "/admin/incidents/new"),
    ("Templates", "/admin/templates"),
    ("Components", "/admin/components"),
    ("Schedule maintenance", "/admin/maintenances/new"),
    ("API tokens", "/admin/tokens"),
    ("Notifications", "/admin/notifications"),
    ("Subscribers", "/admin/subscribers"),
    ("Workers", "/admin/workers"),
    ("Audit log", "/admin/audit"),
    ("Password", "/admin/password"),
)


async def chrome(request: web.Request, title: str) -> Chrome:
    """The chrome for a signed-in page (or the sign-in page, which has a session too)."""
    settings = request.app[keys.SETTINGS].current
    user = request.get(USER)
    token = ensure_token(current_session(request))
    nav = tuple(NavItem(label, href, request.path == href) for label, href in _NAV)
    return Chrome(
        title=f"{title} · {clean_text(settings.file.site.name)} admin",
        site_name=clean_text(settings.file.site.name),
        user_name=None if user is None else user.name,
        csrf_token=token,
        time_zone=settings.file.site.time_zone,
        nav=nav if user is not None else (),
        notice=NOTICES.get(request.query.get("done", "")),
    )


def bare_chrome(request: web.Request, title: str) -> Chrome:
    """Chrome for refusals, which must not create a session."""
    site_name = clean_text(request.app[keys.SETTINGS].current.file.site.name)
    zone = request.app[keys.SETTINGS].current.file.site.time_zone
    return Chrome(f"{title} · {site_name} admin", site_name, None, "", zone, (), None)


def page_number(text: str) -> int:
    """A `?page=` number from 1; anything else reads as the first page."""
    return ascii_int(text, 6) or 1


def render(request: web.Request, template: str, page: object, status: int = 200) -> web.Response:
    html = request.app[ADMIN].renderer.render(template, page)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def see_other(location: str) -> web.Response:
    """POST, then redirect, then GET: reloading the result never posts twice.
    `location` is always a path this module's callers built, never user input."""
    return web.Response(status=303, headers={"Location": location})


@dataclass(frozen=True, slots=True)
class MessagePage:
    """Context of admin/message.html: refusals and "not found"."""

    chrome: Chrome
    status: int
    heading: str
    message: str


def message(request: web.Request, status: int, heading: str, text: str) -> web.Response:
    page = MessagePage(bare_chrome(request, heading), status, heading, text)
    return render(request, "admin/message.html", page, status)
