"""What every page shows around its content: branding, navigation, assets."""

from __future__ import annotations

from dataclasses import dataclass

from statuspage.config import Settings
from statuspage.http.assets import Assets
from statuspage.presentation.display import clean_text
from statuspage.settings_model import safe_logo_src


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    href: str  # a path on this site
    current: bool  # the page being shown: aria-current="page"


@dataclass(frozen=True, slots=True)
class FeedLink:
    title: str  # for feed readers, e.g. "Acme Status: incident history (Atom)"
    href: str  # a path on this site
    type: str  # the feed's media type, for <link rel="alternate">


@dataclass(frozen=True, slots=True)
class SiteContext:
    """Branding and chrome, from `[site]` in the configuration."""

    name: str  # the page's name: <title> suffix and header
    description: str | None  # shown under the banner on the front page
    logo_src: str | None  # a same-origin path or data: image; None: no logo (the name shows)
    home_url: str | None  # "Back to <main site>" link; the only link to another origin
    footer_text: str | None
    time_zone: str  # IANA name of the zone days and times are shown in
    stylesheet_url: str  # fingerprinted /static/ URLs
    theme_url: str
    script_url: str
    icon_url: str
    nav: tuple[NavLink, ...]  # Current status, Incident history, Subscribe
    feeds: tuple[FeedLink, ...]  # announced in <head> for feed readers to discover


def site_context(settings: Settings, assets: Assets, path: str) -> SiteContext:
    site = settings.file.site
    nav = (
        NavLink("Current status", "/", path == "/"),
        NavLink("Incident history", "/history", path.startswith("/history")),
        NavLink("Subscribe", "/subscribe", path == "/subscribe"),
    )
    return SiteContext(
        name=clean_text(site.name),
        description=clean_text(site.description) or None,
        logo_src=safe_logo_src(site.logo_url, site.url),
        home_url=site.home_url,
        footer_text=clean_text(site.footer_text) or None,
        time_zone=site.time_zone,
        stylesheet_url=assets.url("style.css"),
        theme_url=assets.theme(site.accent_colour).url,
        script_url=assets.url("enhance.js"),
        icon_url=assets.url("favicon.svg"),
        nav=nav,
        feeds=feed_links(path, site.name),
    )


_FEED_TYPES = (("atom", "Atom", "application/atom+xml"), ("rss", "RSS", "application/rss+xml"))


def feed_links(path: str, site_name: str) -> tuple[FeedLink, ...]:
    """The site's history and updates feeds; on a component page, the component's too."""
    site = clean_text(site_name)
    links = [
        FeedLink(f"{site}: {what} ({kind})", f"/{name}.{suffix}", media)
        for name, what in (("history", "incident history"), ("updates", "every update"))
        for suffix, kind, media in _FEED_TYPES
    ]
    if path.startswith("/components/"):
        base = path.rstrip("/")
        links[:0] = [
            FeedLink(f"{site}: this component ({kind})", f"{base}/history.{suffix}", media)
            for suffix, kind, media in _FEED_TYPES
        ]
    return tuple(links)
