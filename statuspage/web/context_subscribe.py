"""`/subscribe`: every way to follow the page: notices by email or webhook (the
forms, `web/subscriptions.py`), the feeds (statuspage/feeds) and the JSON API,
with addresses to copy. The addresses are absolute, from
`site.url`, because they are meant to be pasted into a feed reader or a script
elsewhere; the page's own links stay paths, as on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from statuspage.config import Settings
from statuspage.presentation.display import TimeText, clean_text, time_text
from statuspage.web.context_site import SiteContext

FORMATS = (("Atom", "atom"), ("RSS", "rss"))


@dataclass(frozen=True, slots=True)
class FeedAddress:
    """One feed in one format, as a reader subscribes to it."""

    id: str  # unique on the page: the copy field's id
    format: str  # "Atom" or "RSS"
    path: str  # the link on this site, e.g. "/history.atom"
    url: str  # the address to copy: site.url + path


@dataclass(frozen=True, slots=True)
class FeedChoice:
    """One feed, offered in both formats."""

    name: str  # e.g. "Incident history", "API"
    about: str  # what its entries are, in a sentence
    addresses: tuple[FeedAddress, ...]  # Atom, then RSS


@dataclass(frozen=True, slots=True)
class ComponentChoice:
    id: str
    name: str
    checked: bool


@dataclass(frozen=True, slots=True)
class SubscribeForm:
    """What a visitor sent, and what is wrong with it, to show the form again."""

    kind: str = ""  # "email" or "webhook": the form that was sent
    value: str = ""  # the address as typed
    chosen: frozenset[str] = frozenset()
    error: str | None = None  # about the address field
    components_error: str | None = None  # about the components ticked


@dataclass(frozen=True, slots=True)
class SubscribePage:
    """Context of `/subscribe` (templates/subscribe.html)."""

    site: SiteContext
    title: str
    offers_email: bool  # `[subscribers] email` and an `[smtp]` server
    offers_webhooks: bool
    components: tuple[ComponentChoice, ...]
    form: SubscribeForm
    page_feeds: tuple[FeedChoice, ...]  # incident history and every update, for the whole page
    component_feeds: tuple[FeedChoice, ...]  # one per component, in configured order
    api_url: str  # the JSON API's summary, for scripts and dashboards
    generated: TimeText


def feed_choice(name: str, about: str, base: str, site_url: str, slug: str) -> FeedChoice:
    """`base` is the feed's path without its suffix, e.g. "/history"."""
    addresses = tuple(
        FeedAddress(
            f"feed-{slug}-{suffix}", label, f"{base}.{suffix}", f"{site_url}{base}.{suffix}"
        )
        for label, suffix in FORMATS
    )
    return FeedChoice(name, about, addresses)


def offers_email(settings: Settings) -> bool:
    return settings.file.subscribers.email and settings.file.smtp is not None


def subscribe_page(
    settings: Settings, site: SiteContext, now: datetime, form: SubscribeForm | None = None
) -> SubscribePage:
    site_url = settings.file.site.url
    form = form or SubscribeForm()
    page_feeds = (
        feed_choice(
            "Incident history",
            "One entry per incident or maintenance, updated as it goes on: every update "
            "and the post-mortem are in the entry. Some readers show a changed entry as "
            "new, some do not.",
            "/history",
            site_url,
            "history",
        ),
        feed_choice(
            "Every update",
            "One entry per update we post, and one when a post-mortem is published: "
            "every reader shows each of them as new.",
            "/updates",
            site_url,
            "updates",
        ),
    )
    component_feeds = tuple(
        feed_choice(
            clean_text(c.name),
            f"Incidents and maintenance that affect {clean_text(c.name)}.",
            f"/components/{c.id}/history",
            site_url,
            f"component-{c.id}",
        )
        for c in settings.components
    )
    return SubscribePage(
        site=site,
        title=f"Subscribe · {site.name}",
        offers_email=offers_email(settings),
        offers_webhooks=settings.file.subscribers.webhooks,
        components=tuple(
            ComponentChoice(c.id, clean_text(c.name), c.id in form.chosen)
            for c in settings.components
        ),
        form=form,
        page_feeds=page_feeds,
        component_feeds=component_feeds,
        api_url=f"{site_url}/api/v2/summary.json",
        generated=time_text(now, settings.tz),
    )
