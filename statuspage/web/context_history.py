"""`/history?month=YYYY-MM` and `/incidents/<id>`: what was said, and when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup

from statuspage.config import Settings
from statuspage.presentation.display import (
    MONTH_NAMES,
    StatusBadge,
    TimeText,
    status_badge,
    time_text,
    weekday_date_text,
)
from statuspage.presentation.markdown import render_markdown
from statuspage.web.context_incidents import (
    IncidentCard,
    UpdateEntry,
    component_name,
    incident_card,
    update_entry,
)
from statuspage.web.context_site import SiteContext
from storage.database import Database
from storage.figures.timebuckets import day_start, local_date
from storage.incidents.reads import IncidentFilter, IncidentView, list_incidents
from storage.incidents.rules import FIRST_YEAR
from storage.queries.latest import first_incident_start

HISTORY_LIMIT = 200  # incidents on one month's page; more are cut, and the page says so
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)  # not '٢٠٢٦-٠٣', which int() reads

Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True, slots=True)
class HistoryDay:
    date: str  # e.g. "Thu 26 Nov 2026", in the site zone
    incidents: tuple[IncidentCard, ...]  # newest first


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """Context of `/history` (templates/history.html)."""

    site: SiteContext
    title: str
    month: str  # "2026-11"
    month_label: str  # "November 2026"
    days: tuple[HistoryDay, ...]  # days with incidents or maintenance, newest first
    previous_url: str | None  # the month before; None from the month of the first incident on
    previous_label: str | None
    next_url: str | None  # the month after; None when this is the current month or later
    next_label: str | None
    truncated: bool  # more than HISTORY_LIMIT incidents started this month
    generated: TimeText


@dataclass(frozen=True, slots=True)
class ComponentImpact:
    name: str
    status: StatusBadge  # the worst status it had during the incident


@dataclass(frozen=True, slots=True)
class IncidentPage:
    """Context of `/incidents/<id>` (templates/incident.html)."""

    site: SiteContext
    title: str
    incident: IncidentCard  # name, status, impact, times, maintenance window
    updates: tuple[UpdateEntry, ...]  # the whole timeline, newest first
    components: tuple[ComponentImpact, ...]  # affected components, by name
    postmortem: Markup | None  # rendered post-mortem, once published
    postmortem_at: TimeText | None
    history_url: str  # the month of the incident on /history
    generated: TimeText


def current_month(now: datetime, settings: Settings) -> Month:
    today = local_date(now, settings.tz)
    return today.year, today.month


def parse_month(text: str, now: datetime, settings: Settings) -> Month | None:
    """`YYYY-MM` from FIRST_YEAR to a year ahead (for scheduled maintenance), else None."""
    match = _MONTH.match(text)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    latest = shift(current_month(now, settings), 12)
    if not 1 <= month <= 12 or year < FIRST_YEAR or (year, month) > latest:
        return None
    return year, month


def shift(month: Month, by: int) -> Month:
    index = month[0] * 12 + month[1] - 1 + by
    return index // 12, index % 12 + 1


def month_key(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def month_label(month: Month) -> str:
    return f"{MONTH_NAMES[month[1] - 1]} {month[0]}"


@dataclass(frozen=True, slots=True)
class HistoryData:
    incidents: list[IncidentView]  # started in the month, newest first
    first_month: Month | None  # of the oldest incident; None: there is none


async def load_history(db: Database, settings: Settings, month: Month) -> HistoryData:
    tz = settings.tz
    start = day_start(date(*month, 1), tz)
    end = day_start(date(*shift(month, 1), 1), tz)
    where = IncidentFilter(started_from=start, started_before=end, limit=HISTORY_LIMIT + 1)
    first = await first_incident_start(db)
    first_day = None if first is None else local_date(first, tz)
    return HistoryData(
        incidents=await list_incidents(db, where),
        first_month=None if first_day is None else (first_day.year, first_day.month),
    )


def history_page(
    data: HistoryData, settings: Settings, site: SiteContext, month: Month, now: datetime
) -> HistoryPage:
    tz, names = settings.tz, {c.id: c.name for c in settings.components}
    incidents = data.incidents
    by_day: dict[date, list[IncidentCard]] = {}
    for incident in incidents[:HISTORY_LIMIT]:
        by_day.setdefault(local_date(incident.started_at, tz), []).append(
            incident_card(incident, names, tz)
        )
    previous, following = shift(month, -1), shift(month, 1)
    has_next = month < current_month(now, settings)
    # Links stop where history does, so a crawler (the static export) never walks
    # back through empty months to the year 2000.
    has_previous = data.first_month is not None and month > data.first_month
    return HistoryPage(
        site=site,
        title=f"Incident history, {month_label(month)} · {site.name}",
        month=month_key(month),
        month_label=month_label(month),
        days=tuple(
            HistoryDay(weekday_date_text(day), tuple(cards))
            for day, cards in sorted(by_day.items(), reverse=True)
        ),
        previous_url=f"/history?month={month_key(previous)}" if has_previous else None,
        previous_label=month_label(previous) if has_previous else None,
        next_url=f"/history?month={month_key(following)}" if has_next else None,
        next_label=month_label(following) if has_next else None,
        truncated=len(incidents) > HISTORY_LIMIT,
        generated=time_text(now, tz),
    )


def incident_page(
    incident: IncidentView, settings: Settings, site: SiteContext, now: datetime
) -> IncidentPage:
    tz, names = settings.tz, {c.id: c.name for c in settings.components}
    card = incident_card(incident, names, tz)
    published = incident.postmortem_published_at
    started = local_date(incident.started_at, tz)
    return IncidentPage(
        site=site,
        title=f"{card.name} · {site.name}",
        incident=card,
        updates=tuple(update_entry(u, names, tz) for u in incident.updates),
        components=tuple(
            ComponentImpact(component_name(cid, names), status_badge(status))
            for cid, status in sorted(incident.components.items())
        ),
        postmortem=render_markdown(incident.postmortem_body)
        if incident.postmortem_body and published is not None
        else None,
        postmortem_at=None if published is None else time_text(published, tz),
        history_url=f"/history?month={month_key((started.year, started.month))}",
        generated=time_text(now, tz),
    )
