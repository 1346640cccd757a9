"""Feeds as RSS 2.0 and Atom, built with feedgen from incident views. Pure: no clock, no I/O.

Two kinds (STATUSPAGE-CONVENTIONS.md, "Feeds"):

- history: one item per incident or maintenance; guid/id is the incident
  permalink, which never changes; the item's date is the incident's latest
  change, so it moves with every update; the body holds every update.
- updates: one entry per incident update, id `<permalink>#update-<update id>`,
  dated when the update was posted, so a reader shows each update as new.

Items are newest first. Feed-level dates are the newest item's, never "now",
so an unchanged feed is byte-identical and its ETag holds.

Titles and the feed's description are plain text, whatever an operator typed:
Atom marks them type="text"; RSS, which cannot say, carries them escaped once
more (`text.rss_text`), so a reader that renders them as HTML shows the
markup as text. Item bodies are HTML (`text.history_html`, `text.update_html`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from statuspage.api.v2 import incident_permalink
from statuspage.feeds.text import clean, history_html, rss_text, title_text, update_html
from statuspage.web.display import incident_status_label
from storage.incidents import IncidentView, UpdateView

UPDATES_LIMIT = 100  # entries in an updates feed


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """Where a feed lives and what it is called."""

    site_url: str  # no trailing slash
    site_name: str
    title: str  # e.g. "Example status: incident history"
    path: str  # e.g. "/history.atom": the feed's self link and (without suffix) its id
    page_path: str  # the HTML page it mirrors, e.g. "/history"
    tz: ZoneInfo
    fallback_updated: datetime  # the feed's date when it has no item yet


def item_date(incident: IncidentView) -> datetime:
    return incident.last_changed_at


def published(incident: IncidentView) -> datetime:
    """When the incident began to be told: its start, unless that lies ahead (maintenance)."""
    return min(incident.started_at, incident.created_at)


class PlainTextTitles:
    """A feedgen extension (its hook for changing the XML it builds, for the feed and
    for each entry) that marks Atom titles and subtitles type="text", so no reader
    treats them as HTML. feedgen calls these three methods; it needs no base class."""

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_atom(self, element: Any) -> Any:  # an lxml element
        for child in element:
            if str(child.tag).rsplit("}", 1)[-1] in ("title", "subtitle"):
                child.set("type", "text")
        return element

    def extend_rss(self, element: Any) -> Any:
        return element


def plain(text: str, atom: bool) -> str:
    """A title as the format needs it to stay text (see the module docstring)."""
    return text if atom else rss_text(text)


def _generator(info: FeedInfo, updated: datetime, atom: bool) -> FeedGenerator:
    feed = FeedGenerator()
    feed.register_extension("plain_text", PlainTextTitles, PlainTextTitles, atom=True, rss=False)
    # The id is the feed's path without its format, so the RSS and Atom copies
    # of one feed share it, and it stays the same whatever the format.
    feed.id(info.site_url + info.path.rsplit(".", 1)[0])
    feed.title(plain(title_text(info.title), atom))
    feed.description(plain(title_text(info.title), atom))
    feed.link(href=info.site_url + info.path, rel="self")
    # feedgen takes the RSS <link> from the last link given: the page, not the feed.
    feed.link(href=info.site_url + info.page_path, rel="alternate")
    feed.language("en")
    feed.generator("statuspage", uri=info.site_url)
    feed.updated(updated)
    feed.lastBuildDate(updated)
    return feed


def history_feed(incidents: Sequence[IncidentView], info: FeedInfo, *, atom: bool) -> bytes:
    ordered = sorted(incidents, key=lambda i: (item_date(i), i.id), reverse=True)
    updated = item_date(ordered[0]) if ordered else info.fallback_updated
    feed = _generator(info, updated, atom)
    for incident in ordered:
        permalink = incident_permalink(info.site_url, incident.id)
        entry = feed.add_entry(order="append")
        entry.id(permalink)
        entry.guid(permalink, permalink=True)
        entry.title(plain(title_text(incident.name, f"Incident {incident.id}"), atom))
        entry.link(href=permalink, rel="alternate")
        body = history_html(incident, info.tz)
        _body(entry, body, atom)
        entry.published(published(incident))
        entry.updated(item_date(incident))
        entry.pubDate(item_date(incident))
    return _serialise(feed, atom)


def update_entries(incidents: Sequence[IncidentView]) -> list[tuple[UpdateView, IncidentView]]:
    """Every update of the incidents, newest first, at most UPDATES_LIMIT."""
    pairs = [(u, i) for i in incidents for u in i.updates]
    pairs.sort(key=lambda pair: (pair[0].display_at, pair[0].id), reverse=True)
    return pairs[:UPDATES_LIMIT]


def update_id(site_url: str, update: UpdateView) -> str:
    return f"{incident_permalink(site_url, update.incident_id)}#update-{update.id}"


def update_title(update: UpdateView, incident: IncidentView) -> str:
    return title_text(f"[{incident_status_label(update.status)}] {incident.name}")


def updates_feed(
    incidents: Sequence[IncidentView], names: Mapping[str, str], info: FeedInfo, *, atom: bool
) -> bytes:
    pairs = update_entries(incidents)
    updated = max((_update_date(u) for u, _ in pairs), default=info.fallback_updated)
    feed = _generator(info, updated, atom)
    for update, incident in pairs:
        identifier = update_id(info.site_url, update)
        entry = feed.add_entry(order="append")
        entry.id(identifier)
        entry.guid(identifier, permalink=False)
        entry.title(plain(update_title(update, incident), atom))
        entry.link(href=incident_permalink(info.site_url, incident.id), rel="alternate")
        body = update_html(update, incident, names)
        _body(entry, body, atom)
        for component_id in incident.components:
            label = clean(names.get(component_id, component_id))
            entry.category(term=component_id, label=label)
        entry.published(update.display_at)
        entry.updated(_update_date(update))
        entry.pubDate(update.display_at)
    return _serialise(feed, atom)


def _body(entry: FeedEntry, html: str, atom: bool) -> None:
    if atom:
        entry.content(html, type="html")
    else:
        entry.description(html)


def _update_date(update: UpdateView) -> datetime:
    """Edited later than it was posted: the edit is the entry's `updated`."""
    return max(update.display_at, update.updated_at)


def _serialise(feed: FeedGenerator, atom: bool) -> bytes:
    result: bytes = feed.atom_str(pretty=True) if atom else feed.rss_str(pretty=True)
    return result
