"""Feeds as RSS 2.0 and Atom, built with feedgen from incident views. Pure: no clock, no I/O.

Two kinds (STATUSPAGE-CONVENTIONS.md, "Feeds"):

- history: one item per incident or maintenance; guid/id is the incident
  permalink, which never changes; the item's date is the incident's latest
  change, so it moves with every update; the body holds the published
  post-mortem and every update.
- updates: one entry per incident update, id `<permalink>#update-<update id>`,
  dated when the update was posted, so a reader shows each update as new; and
  one entry "Post-mortem published", id and link `<permalink>#postmortem`.

Both render messages the same way: Markdown, sanitised, as on the page. A
history item's Atom `published` is the incident's start and `updated` its
latest change; RSS has one date, `pubDate`, the latest change.

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

from statuspage.feeds.text import (
    clean,
    history_html,
    message_html,
    postmortem_of,
    rss_text,
    title_text,
    update_html,
)
from statuspage.presentation.display import incident_status_label
from statuspage.presentation.links import incident_permalink
from storage.incidents.reads import IncidentView, UpdateView

UPDATES_LIMIT = 100  # entries in an updates feed
POSTMORTEM_FRAGMENT = "postmortem"  # id of the post-mortem on the incident page


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
        _body(entry, history_html(incident, info.tz), atom)
        _dates(entry, published(incident), item_date(incident), atom)
    return _serialise(feed, atom)


@dataclass(frozen=True, slots=True)
class UpdateItem:
    """One entry of an updates feed: an incident update, or a post-mortem's publication."""

    fragment: str  # "update-<id>" or "postmortem": the id's and link's fragment
    label: str  # "[<label>] <incident name>" is the title
    html: str
    published: datetime
    updated: datetime
    incident: IncidentView


def update_entries(incidents: Sequence[IncidentView], names: Mapping[str, str]) -> list[UpdateItem]:
    """Every update and published post-mortem of the incidents, newest first, at most
    UPDATES_LIMIT."""
    items = [_update_item(u, i, names) for i in incidents for u in i.updates]
    items += [item for i in incidents if (item := _postmortem_item(i)) is not None]
    items.sort(key=lambda item: (item.published, item.fragment), reverse=True)
    return items[:UPDATES_LIMIT]


def _update_item(
    update: UpdateView, incident: IncidentView, names: Mapping[str, str]
) -> UpdateItem:
    return UpdateItem(
        fragment=f"update-{update.id}",
        label=incident_status_label(update.status),
        html=update_html(update, incident, names),
        published=update.display_at,
        updated=_update_date(update),
        incident=incident,
    )


def _postmortem_item(incident: IncidentView) -> UpdateItem | None:
    found = postmortem_of(incident)
    if found is None:
        return None
    at, body = found
    return UpdateItem(
        fragment=POSTMORTEM_FRAGMENT,
        label="Post-mortem published",
        html=message_html(body),
        published=at,
        # The post-mortem has no edit time of its own; an edit moves the incident's.
        updated=max(at, incident.updated_at),
        incident=incident,
    )


def updates_feed(
    incidents: Sequence[IncidentView], names: Mapping[str, str], info: FeedInfo, *, atom: bool
) -> bytes:
    items = update_entries(incidents, names)
    updated = max((item.updated for item in items), default=info.fallback_updated)
    feed = _generator(info, updated, atom)
    for item in items:
        incident = item.incident
        permalink = incident_permalink(info.site_url, incident.id)
        identifier = f"{permalink}#{item.fragment}"
        entry = feed.add_entry(order="append")
        entry.id(identifier)
        entry.guid(identifier, permalink=False)
        entry.title(plain(title_text(f"[{item.label}] {incident.name}"), atom))
        link = identifier if item.fragment == POSTMORTEM_FRAGMENT else permalink
        entry.link(href=link, rel="alternate")
        _body(entry, item.html, atom)
        for component_id in incident.components:
            label = clean(names.get(component_id, component_id))
            entry.category(term=component_id, label=label)
        _dates(entry, item.published, item.updated, atom)
    return _serialise(feed, atom)


def _dates(entry: FeedEntry, published_at: datetime, updated_at: datetime, atom: bool) -> None:
    """Atom carries both dates. RSS has only `pubDate`, which readers take as the
    item's date: the latest change, as Statuspage's history feed has it. (feedgen's
    `pubDate` and `published` are one field, so each format sets it once.)"""
    entry.updated(updated_at)
    if atom:
        entry.published(published_at)
    else:
        entry.pubDate(updated_at)


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
