"""What a feed item says, as HTML: Statuspage's history layout and our per-update body.

Everything here is text that XML must accept whatever an operator typed:
control characters and lone surrogates are removed (lxml, under feedgen,
refuses them) and markup is escaped or, for Markdown bodies, rendered and
sanitised by `statuspage.presentation.markdown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from statuspage.presentation.display import date_text, incident_status_label, status_badge
from statuspage.presentation.markdown import render_markdown, strip_control_characters
from storage.incidents.reads import IncidentView, UpdateView

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


def message_html(source: str) -> str:
    """A Markdown message as both feeds show it: rendered and sanitised, as on the page."""
    return clean(str(render_markdown(source))).strip()


def labelled_html(moment: str, label: str, source: str) -> str:
    """One history paragraph: a small date line, the label in bold, then the message.

    Statuspage's layout is `<p><small>date</small><br><strong>Label</strong> - text</p>`.
    The message keeps its Markdown (lists, emphasis), so when it opens with a
    paragraph the label goes into that paragraph; otherwise (a list, a table) the
    label stands in a paragraph of its own above it.
    """
    head = f"<small>{escape(moment)}</small><br><strong>{escape(label)}</strong>"
    body = message_html(source)
    if body.startswith("<p>"):
        return f"<p>{head} - {body.removeprefix('<p>')}"
    return f"<p>{head}</p>{body}"


def history_html(incident: IncidentView, tz: ZoneInfo) -> str:
    """The history item body: the post-mortem once published, then every update,
    newest first, one paragraph each."""
    labels = update_labels(incident.updates)
    parts = []
    if incident.is_maintenance:
        start = incident.scheduled_for or incident.started_at
        window = window_text(start, incident.scheduled_until, tz)
        parts.append(f"<p><strong>THIS IS A SCHEDULED EVENT {escape(window)}</strong></p>")
    published = postmortem_of(incident)
    if published is not None:
        parts.append(labelled_html(moment_text(published[0], tz), POSTMORTEM, published[1]))
    for update in incident.updates:
        moment = moment_text(update.display_at, tz)
        parts.append(labelled_html(moment, labels[update.id], update.body))
    return "".join(parts)


POSTMORTEM = "Post-mortem"


def postmortem_of(incident: IncidentView) -> tuple[datetime, str] | None:
    """(when published, Markdown) of the incident's post-mortem; None until published."""
    at, body = incident.postmortem_published_at, incident.postmortem_body
    return None if at is None or not body else (at, body)


def component_names(
    update: UpdateView, incident: IncidentView, names: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(name, status words) of what the update changed, else of what the incident
    touches, each as the updates up to this one had left it."""
    if update.affected_components:
        return [
            (clean(change.get("name", "")), status_badge(change.get("new_status")).label)
            for change in update.affected_components
        ]
    announced = statuses_as_of(update, incident)
    return [
        (clean(names.get(cid, cid)), status_badge(announced.get(cid, worst)).label)
        for cid, worst in incident.components.items()
    ]


def statuses_as_of(update: UpdateView, incident: IncidentView) -> dict[str, str]:
    """Each component's status as last announced by `update` or an earlier update.

    The incident's own component statuses are the worst each reached, which is
    not what an update in the middle of it found.
    """
    found: dict[str, str] = {}
    for earlier in incident.updates:  # newest first
        if (earlier.display_at, earlier.id) > (update.display_at, update.id):
            continue
        for change in earlier.affected_components or ():
            code, status = change.get("code"), change.get("new_status")
            if code and status:
                found.setdefault(code, status)
    return found


def update_html(update: UpdateView, incident: IncidentView, names: Mapping[str, str]) -> str:
    """An updates-feed entry: the rendered, sanitised message, then the components."""
    affected = component_names(update, incident, names)
    body = message_html(update.body)
    if not affected:
        return body
    items = "".join(f"<li>{escape(name)}: {escape(state)}</li>" for name, state in affected)
    return f"{body}<p>Affected components:</p><ul>{items}</ul>"
