"""Subscribing from `/subscribe`, confirming, and leaving (docs/subscribers.md).

* `POST /subscribe/email`: a confirmation mail is queued (double opt-in); the answer
  is the same whether the address is new, waiting or already subscribed, so the
  form tells nobody who subscribes. A second request for the address within ten
  minutes queues nothing.
* `POST /subscribe/webhook`: the URL must reach a public address (unless the
  operator allows private ones); it is subscribed at once.
* `GET /subscribe/confirm?token=…` and `GET /subscribe/unsubscribe?token=…` show a
  button; only the `POST` acts, so a mail scanner that follows links confirms and
  removes nothing. `POST /subscribe/unsubscribe?token=…` is also what a mail
  client's one-click unsubscribe sends (RFC 8058). A link this site did not sign
  (altered, cut short, made up) answers 400 and changes nothing; a genuine
  unsubscribe link of someone who has left answers "unsubscribed" again.

A form sent by a browser from another site (`Sec-Fetch-Site: cross-site`) is refused
(403). Each client address (an IPv6 client: its /64) may make
`requests_per_client_per_hour` subscription requests (per process); more are
answered 429.
"""

from __future__ import annotations

import collections
import ipaddress
import logging
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from aiohttp import web

from statuspage import keys
from statuspage.config import Settings
from statuspage.http.client_address import request_client
from statuspage.http.form_body import posted_form
from statuspage.rules.subscriber_addresses import (
    connection_host,
    destination_problem,
    email_address,
    parsed_address,
)
from statuspage.rules.subscriber_links import (
    CONFIRM,
    UNSUBSCRIBE,
    LinkClaims,
    Verified,
    sign,
    verify,
)
from statuspage.web.context_site import site_context
from statuspage.web.context_subscribe import SubscribeForm, offers_email, subscribe_page
from storage.subscribers.reads import subscriber
from storage.subscribers.secrets import SUBSCRIBER_LINKS, site_secret
from storage.subscribers.writes import (
    LimitReached,
    Limits,
    confirm,
    remove,
    request_subscription,
)
from storage.vocabulary import SubscriberKind

RESEND_AFTER = timedelta(minutes=10)
log = logging.getLogger(__name__)
WINDOW = timedelta(hours=1)
MAX_CLIENTS = 100_000  # clients remembered at once: a spray of addresses costs bounded memory


class RequestLimit:
    """At most `per_window` requests per client in any hour, counted in memory."""

    def __init__(self) -> None:
        self._seen: collections.OrderedDict[str, collections.deque[datetime]] = (
            collections.OrderedDict()
        )

    def wait_s(self, client: str, now: datetime, per_window: int) -> int:
        """Seconds the client must wait, or 0 (and the request is counted)."""
        times = self._seen.pop(client, collections.deque())
        while times and now - times[0] >= WINDOW:
            times.popleft()
        self._seen[client] = times
        if len(self._seen) > MAX_CLIENTS:
            self._seen.popitem(last=False)
        if len(times) >= per_window:
            return max(1, math.ceil((times[0] + WINDOW - now).total_seconds()))
        times.append(now)
        return 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """Context of templates/subscription.html: one message, maybe one button."""

    site: object
    title: str
    heading: str
    message: str
    action: str | None = None  # a form posting to this path…
    button: str | None = None  # …with this button
    link: str | None = None  # an address to keep (a webhook's unsubscribe link)


class Subscriptions:
    def __init__(self) -> None:
        self.limit = RequestLimit()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/subscribe/email", self.subscribe_email, name="subscribe-email")
        router.add_post("/subscribe/webhook", self.subscribe_webhook, name="subscribe-webhook")
        router.add_get("/subscribe/confirm", self.confirm_page, name="subscribe-confirm")
        router.add_post("/subscribe/confirm", self.confirm, name="subscribe-confirmed")
        router.add_get("/subscribe/unsubscribe", self.unsubscribe_page, name="unsubscribe")
        router.add_post("/subscribe/unsubscribe", self.unsubscribe, name="unsubscribed")

    async def subscribe_email(self, request: web.Request) -> web.StreamResponse:
        settings = request.app[keys.SETTINGS].current
        if not offers_email(settings):
            raise web.HTTPNotFound()
        if refused := _cross_site(request):
            return refused
        if limited := self._limited(request):
            return limited
        form = await _form(request, "email", "email")
        address = email_address(form.value)
        problems = _problems(
            request,
            form,
            None if address is not None else "enter an email address like name@example.com",
        )
        if problems is not None:
            return _again(request, problems)
        assert address is not None
        try:
            await request_subscription(
                request.app[keys.DATABASE],
                SubscriberKind.EMAIL,
                address,
                _choice(form),
                now=request.app[keys.CLOCK](),
                resend_after=RESEND_AFTER,
                limits=subscriber_limits(settings),
            )
        except LimitReached as full:
            return _full(request, form, full)
        hours = settings.file.subscribers.confirmation_hours
        return _outcome(
            request,
            "Check your inbox",
            f"If {address} can receive mail, a message to confirm the subscription is on "
            f"its way. Its link works for {hours} hours; nothing else is sent until you "
            "confirm.",
        )

    async def subscribe_webhook(self, request: web.Request) -> web.StreamResponse:
        settings = request.app[keys.SETTINGS].current
        if not settings.file.subscribers.webhooks:
            raise web.HTTPNotFound()
        if refused := _cross_site(request):
            return refused
        if limited := self._limited(request):
            return limited
        form = await _form(request, "webhook", "url")
        allow = settings.file.subscribers.allow_private_webhook_addresses
        url = form.value.strip()
        why = destination_problem(url, allow_private=allow)
        problems = _problems(request, form, None if why is None else f"the URL {why}")
        if problems is not None:
            return _again(request, problems)
        db, now = request.app[keys.DATABASE], request.app[keys.CLOCK]()
        try:
            done = await request_subscription(
                db,
                SubscriberKind.WEBHOOK,
                url,
                _choice(form),
                now=now,
                resend_after=RESEND_AFTER,
                limits=subscriber_limits(settings),
            )
        except LimitReached as full:
            return _full(request, form, full)
        if done.existed:
            # Knowing a URL does not make one its owner: no way out, no new components.
            return _outcome(
                request,
                "Webhook already subscribed",
                "This URL is subscribed already, and nothing about it was changed. Its "
                "unsubscribe link is in meta.unsubscribe of every body it receives; to "
                "choose other components, unsubscribe with it and subscribe again.",
            )
        secret = await site_secret(db, SUBSCRIBER_LINKS, now=now)
        token = sign(secret, LinkClaims(done.subscriber_id, UNSUBSCRIBE, url))
        return _outcome(
            request,
            "Webhook subscribed",
            "Incident and maintenance updates will be posted to it as JSON in the shape of "
            "Atlassian Statuspage's webhooks. Every body carries this unsubscribe link in "
            "meta.unsubscribe; keep it to stop them:",
            link=f"{settings.file.site.url}/subscribe/unsubscribe?token={token}",
        )

    async def confirm_page(self, request: web.Request) -> web.StreamResponse:
        if await _checked(request, CONFIRM) is None:
            return _expired(request)
        return _outcome(
            request,
            "Confirm your subscription",
            "One more step: press the button to start receiving notices.",
            action=request.path_qs,
            button="Confirm subscription",
        )

    async def confirm(self, request: web.Request) -> web.StreamResponse:
        found = await _checked(request, CONFIRM)
        if found is None:
            return _expired(request)
        sid, address, chosen = found
        db, now = request.app[keys.DATABASE], request.app[keys.CLOCK]()
        if not await confirm(db, sid, address, chosen, now=now):
            return _expired(request)
        return _outcome(
            request,
            "You are subscribed",
            f"{address} will hear about incidents and maintenance. Every mail has a link "
            "to unsubscribe.",
        )

    async def unsubscribe_page(self, request: web.Request) -> web.StreamResponse:
        claims = await _genuine(request, UNSUBSCRIBE)
        if claims is None:
            return _not_ours(request)
        if await _subscriber_of(request, claims) is None:
            return _gone(request)  # left already: leaving is done
        return _outcome(
            request,
            "Unsubscribe",
            "Press the button to stop all notices to this address.",
            action=request.path_qs,
            button="Unsubscribe",
        )

    async def unsubscribe(self, request: web.Request) -> web.StreamResponse:
        """Idempotent for a genuine link: a second press (or a mail client's one-click
        after the button) finds nobody and still answers "unsubscribed"."""
        claims = await _genuine(request, UNSUBSCRIBE)
        if claims is None:
            return _not_ours(request)
        found = await _subscriber_of(request, claims)
        if found is not None:
            await remove(request.app[keys.DATABASE], found[0], found[1])
        return _gone(request)

    def _limited(self, request: web.Request) -> web.StreamResponse | None:
        settings = request.app[keys.SETTINGS].current
        per_hour = settings.file.subscribers.requests_per_client_per_hour
        client = _counted_as(request_client(request))
        wait = self.limit.wait_s(client, request.app[keys.CLOCK](), per_hour)
        if not wait:
            return None
        response = _outcome(
            request,
            "Too many requests",
            "This address has asked to subscribe too often. Please try again later.",
            status=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response


def _cross_site(request: web.Request) -> web.Response | None:
    """A browser's form sent from another site (it says so in `Sec-Fetch-Site`) is
    refused: otherwise any page could make its visitors' browsers subscribe
    addresses and URLs of its choosing, each visitor with a limit of its own.
    Scripts and the page's own form (same-origin, same-site) are unaffected."""
    if request.headers.get("Sec-Fetch-Site", "").lower() != "cross-site":
        return None
    return _outcome(
        request,
        "Subscribe from this page",
        "Subscriptions are taken only from this site's own subscribe page.",
        status=403,
    )


def _counted_as(client: str) -> str:
    """The key a client's requests count against: its IPv6 /64 (one customer's
    network, whose 2^64 addresses one machine may use in turn), or its address."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


async def _form(request: web.Request, kind: str, field: str) -> SubscribeForm:
    data = await posted_form(request)
    value = data.get(field)
    chosen = frozenset(str(v) for v in data.getall("component", ()))
    return SubscribeForm(kind, value if isinstance(value, str) else "", chosen)


def _problems(
    request: web.Request, form: SubscribeForm, address_problem: str | None
) -> SubscribeForm | None:
    """The form with every problem under its own field (the address, the components
    ticked), to show again; None when there is none."""
    known = {c.id for c in request.app[keys.SETTINGS].current.components}
    components_problem = None if form.chosen <= known else "choose components from the list"
    if address_problem is None and components_problem is None:
        return None
    return replace(form, error=address_problem, components_error=components_problem)


def _choice(form: SubscribeForm) -> list[str] | None:
    """No box ticked: the whole page, including components added later."""
    return sorted(form.chosen) or None


async def _checked(
    request: web.Request, purpose: str
) -> tuple[int, str, tuple[str, ...] | None] | None:
    """The subscriber a genuine link acts on: (id, address, components chosen)."""
    claims = await _genuine(request, purpose)
    return None if claims is None else await _subscriber_of(request, claims)


async def _genuine(request: web.Request, purpose: str) -> Verified | None:
    """The claims of the link's token if this site signed it for `purpose` (and it has
    not expired); None for a token that was altered, cut short or made up."""
    token = request.query.get("token", "")
    db, now = request.app[keys.DATABASE], request.app[keys.CLOCK]()
    return verify(await site_secret(db, SUBSCRIBER_LINKS, now=now), token, purpose, now)


async def _subscriber_of(
    request: web.Request, claims: Verified
) -> tuple[int, str, tuple[str, ...] | None] | None:
    """The subscriber a genuine link names, unless it has left (its id may since have
    been given to someone else, whose address does not match the link's)."""
    found = await subscriber(request.app[keys.DATABASE], claims.subscriber_id)
    if found is None or not claims.matches(found.address):
        return None
    return found.id, found.address, claims.components


def _again(request: web.Request, form: SubscribeForm) -> web.Response:
    """The subscribe page again (400), with what was sent and its problems."""
    settings, state = request.app[keys.SETTINGS].current, request.app[keys.WEB]
    site = site_context(settings, state.assets, "/subscribe")
    page = subscribe_page(settings, site, state.clock(), form)
    return _html(state.renderer.render("subscribe.html", page), 400)


def subscriber_limits(settings: Settings) -> Limits:
    configured = settings.file.subscribers
    return Limits(
        total=configured.max_subscribers,
        webhooks=configured.max_webhooks,
        per_webhook_host=configured.max_webhooks_per_host,
        host_of=_host_of,
    )


def _host_of(url: str) -> str:
    """The host a webhook URL reaches, as the HTTP client reads it ("host." is "host"),
    an address in one spelling: `16909060`, `1.2.772`, `01.02.03.04` and
    `[::ffff:1.2.3.4]` all reach 1.2.3.4."""
    host = (connection_host(url) or "").rstrip(".").lower()
    address = parsed_address(host)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return host if address is None else str(address)


def _full(request: web.Request, form: SubscribeForm, full: LimitReached) -> web.Response:
    """A limit on the list: the URL's own (its host has its share) is the form's field
    to change; the page's is no fault of the visitor, who can follow the feeds."""
    log.warning("subscription refused: %s", full)
    if full.per_host:
        return _again(request, replace(form, error=f"the URL: {full}"))
    return _outcome(
        request,
        "Not taking new subscriptions",
        "This page has as many subscribers as it can take just now. Its RSS and Atom "
        "feeds carry every update; please follow those, or try again later.",
        status=503,
    )


def _expired(request: web.Request) -> web.Response:
    return _outcome(
        request,
        "This link does not work",
        "It has expired, was already used for an address that has left, or was copied "
        "incompletely. Subscribe again from the subscribe page to get a new one.",
        status=400,
    )


def _not_ours(request: web.Request) -> web.Response:
    return _outcome(
        request,
        "This link is not valid",
        "This site did not make it: it was altered or copied incompletely, so nothing was "
        "changed. Use the unsubscribe link from one of our mails (or a webhook body's "
        "meta.unsubscribe) exactly as it is.",
        status=400,
    )


def _gone(request: web.Request) -> web.Response:
    return _outcome(
        request,
        "You are unsubscribed",
        "No more notices will be sent to this address. You can subscribe again at any time.",
    )


def _outcome(
    request: web.Request,
    heading: str,
    message: str,
    *,
    action: str | None = None,
    button: str | None = None,
    link: str | None = None,
    status: int = 200,
) -> web.Response:
    settings, state = request.app[keys.SETTINGS].current, request.app[keys.WEB]
    site = site_context(settings, state.assets, "/subscribe")
    page = Outcome(site, f"{heading} · {site.name}", heading, message, action, button, link)
    return _html(state.renderer.render("subscription.html", page), status)


def _html(text: str, status: int) -> web.Response:
    response = web.Response(text=text, status=status, content_type="text/html")
    # Personal answers: never stored by a shared cache, never indexed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
