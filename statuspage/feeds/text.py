"""What a feed item says, as HTML: Statuspage's history layout and our per-update body.

Everything here is text that XML must accept whatever an operator typed:
control characters and lone surrogates are removed (lxml, under feedgen,
refuses them) and markup is escaped or, for Markdown bodies, rendered and
sanitised by `statuspage.markdown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from statuspage.markdown import markdown_to_text, render_markdown, strip_control_characters
from statuspage.web.display import date_text, incident_status_label, status_badge
from storage.incidents import IncidentView, UpdateView

# Titles longer than this are cut: readers show a line, and an operator's paste
# of a stack trace into the name should not become a 300-character headline.
MAX_TITLE = 200


# XML 1.0 also forbids these two non-characters, which strip_control_characters keeps.
_NOT_XML = str.maketrans("", "", "\ufffe\uffff")


def clean(text: str | None) -> str:
    return "" if text is None else strip_control_characters(text).translate(_NOT_XML)


def title_text(text: str, fallback: str = "Untitled") -> str:
    """One line, no control characters, at most MAX_TITLE characters; `fallback`
    when nothing is left (feeds require a title)."""
    line = " ".join(clean(text).split()) or fallback
    return line if len(line) <= MAX_TITLE else line[: MAX_TITLE - 1] + "…"


def rss_text(text: str) -> str:
    """Plain text for an RSS <title> or <description> that a reader may render as
    HTML (RSS 2.0 does not say which): escaped here once more than XML escapes it,
    as the RSS Best Practices Profile advises, so `<b>` shows as the three
    characters it is instead of turning bold. Atom says type="text" instead."""
    return escape(text, quote=False)


def moment_text(at: datetime, tz: ZoneInfo) -> str:
    """ "26 Nov 2026, 11:15 CET": the date line of an update."""
    local = at.astimezone(tz)
    return f"{date_text(local.date())}, {local:%H:%M} {local.tzname()}"


def window_text(start: datetime, end: datetime | None, tz: ZoneInfo) -> str:
    """A maintenance window; the date is written once when it starts and ends the same day."""
    if end is None:
        return moment_text(start, tz)
    first, last = start.astimezone(tz), end.astimezone(tz)
    if first.date() == last.date():
        return f"{date_text(first.date())}, {first:%H:%M} - {last:%H:%M} {last.tzname()}"
    return f"{moment_text(first, tz)} - {moment_text(last, tz)}"


def update_labels(updates: Sequence[UpdateView]) -> dict[int, str]:
    """Each update's bold label: its capitalised status, or "Update" when it
    follows an update of the same status (Statuspage's wording)."""
    labels: dict[int, str] = {}
    previous: str | None = None
    for update in reversed(updates):  # oldest first
        same = update.status == previous
        labels[update.id] = "Update" if same else incident_status_label(update.status)
        previous = update.status
    return labels


def plain_html(source: str) -> str:
    """A Markdown message as escaped plain text, newlines as <br>: Statuspage's item body."""
    text = clean(markdown_to_text(source))
    return "<br>".join(escape(line) for line in text.split("\n"))


def history_html(incident: IncidentView, tz: ZoneInfo) -> str:
    """The history item body: every update, newest first, one paragraph each."""
    labels = update_labels(incident.updates)
    parts = []
    if incident.is_maintenance:
        start = incident.scheduled_for or incident.started_at
        window = window_text(start, incident.scheduled_until, tz)
        parts.append(f"<p><strong>THIS IS A SCHEDULED EVENT {escape(window)}</strong></p>")
    for update in incident.updates:
        parts.append(
            f"<p><small>{escape(moment_text(update.display_at, tz))}</small><br>"
            f"<strong>{escape(labels[update.id])}</strong> - {plain_html(update.body)}</p>"
        )
    return "".join(parts)


def component_names(
    update: UpdateView, incident: IncidentView, names: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(name, status words) of what the update changed, else of what the incident touches."""
    if update.affected_components:
        return [
            (clean(change.get("name", "")), status_badge(change.get("new_status")).label)
            for change in update.affected_components
        ]
    return [
        (clean(names.get(cid, cid)), status_badge(status).label)
        for cid, status in incident.components.items()
    ]


def update_html(update: UpdateView, incident: IncidentView, names: Mapping[str, str]) -> str:
    """An updates-feed entry: the rendered, sanitised message, then the components."""
    affected = component_names(update, incident, names)
    body = clean(str(render_markdown(update.body)))
    if not affected:
        return body
    items = "".join(f"<li>{escape(name)}: {escape(state)}</li>" for name, state in affected)
    return f"{body}<p>Affected components:</p><ul>{items}</ul>"
