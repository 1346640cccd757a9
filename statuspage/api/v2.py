"""The Statuspage v2 shapes: pure functions from views to JSON-ready dicts.

Everything here follows /work/shared/STATUSPAGE-CONVENTIONS.md: ids are strings,
timestamps carry milliseconds and a numeric offset, every key is present (null
when empty) and no value leaves an enum. Internal states are mapped here, at the
edge, and nowhere else. The read API, the admin write API (which answers with
`incident_v2`), the feeds and the export all serialise through this module.

Our own rules (also stated in the OpenAPI document's description):
- a component with no status recorded yet is "operational" here (the pages say
  "No Data Yet"; a Statuspage client has no such state);
- a component whose results stopped arriving (the pages say "No Recent Data") is
  never "operational" here: it keeps a worse last status, else reads
  "degraded_performance", and its `data` object says it is not fresh (`leaf_status`);
- `page.id` is the slug of the site name; timestamps are written in the page's
  time zone, as Statuspage writes them;
- a group row takes the position of its first child; leaves keep their
  configured position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from statuspage.config import ComponentConfig, slugify
from statuspage.presentation.display import worst_status
from statuspage.presentation.links import incident_permalink
from statuspage.presentation.markdown import markdown_to_text, strip_control_characters
from statuspage.rules.indicator import Banner, standing
from storage.freshness import Staleness
from storage.incidents import rules
from storage.incidents.reads import IncidentView, UpdateView
from storage.vocabulary import ComponentStatus, Impact, IncidentStatus

Json = dict[str, Any]

# What a Statuspage client may be sent: never a value outside these.
COMPONENT_STATUSES = tuple(ComponentStatus)
DEGRADED_PERFORMANCE = ComponentStatus.DEGRADED_PERFORMANCE.value
INCIDENT_STATUSES = rules.INCIDENT_STATUSES
MAINTENANCE_STATUSES = rules.MAINTENANCE_STATUSES
INCIDENT_IMPACTS = (Impact.NONE, Impact.MINOR, Impact.MAJOR, Impact.CRITICAL)
MAINTENANCE_IMPACTS = (*INCIDENT_IMPACTS, Impact.MAINTENANCE)

# Where an internal status falls outside the kind's enum (it should not, but the
# edge must never leak one), the nearest public meaning.
_INCIDENT_STATUS_FALLBACK: dict[str, str] = {
    IncidentStatus.SCHEDULED: IncidentStatus.INVESTIGATING,
    IncidentStatus.IN_PROGRESS: IncidentStatus.IDENTIFIED,
    IncidentStatus.VERIFYING: IncidentStatus.MONITORING,
    IncidentStatus.COMPLETED: IncidentStatus.RESOLVED,
}
_MAINTENANCE_STATUS_FALLBACK: dict[str, str] = {
    IncidentStatus.INVESTIGATING: IncidentStatus.SCHEDULED,
    IncidentStatus.IDENTIFIED: IncidentStatus.IN_PROGRESS,
    IncidentStatus.MONITORING: IncidentStatus.VERIFYING,
    IncidentStatus.RESOLVED: IncidentStatus.COMPLETED,
    IncidentStatus.POSTMORTEM: IncidentStatus.COMPLETED,
}


@dataclass(frozen=True, slots=True)
class PageInfo:
    """The `page` object every response starts with."""

    id: str
    name: str
    url: str  # site.url, no trailing slash
    time_zone: str  # IANA name; timestamps are written in this zone
    updated_at: datetime  # the latest change of anything the API shows

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """One configured component with what storage knows of it."""

    config: ComponentConfig
    status: str | None  # as pages show it (`shown_statuses`); None: nothing recorded yet
    created_at: datetime
    updated_at: datetime  # the latest of the row's change, its status and freshness changes
    recorded: str | None = None  # the latest status in its history
    staleness: Staleness | None = None  # set while its results do not arrive
    freshness_changed_at: datetime | None = None  # when it last went silent or heard again


def page_id(site_name: str) -> str:
    return slugify(site_name)


def timestamp(at: datetime, tz: ZoneInfo) -> str:
    """`2026-11-26T10:15:02.113+00:00`, always with milliseconds (isoformat drops a
    zero fraction) and an offset in whole minutes (never `Z`, never seconds)."""
    local = at.astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    if offset.seconds % 60:
        # Historical local mean times have offsets in seconds; the format has none.
        local = at.astimezone(timezone(timedelta(minutes=round(offset.total_seconds() / 60))))
        offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign, hours, minute = "-" if minutes < 0 else "+", *divmod(abs(minutes), 60)
    return (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d}T"
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}.{local.microsecond // 1000:03d}"
        f"{sign}{hours:02d}:{minute:02d}"
    )


def optional_timestamp(at: datetime | None, tz: ZoneInfo) -> str | None:
    return None if at is None else timestamp(at, tz)


def clean(text: str | None) -> str | None:
    """Text as clients may receive it: no control characters, no lone surrogates."""
    return None if text is None else strip_control_characters(text)


def page_v2(page: PageInfo) -> Json:
    return {
        "id": page.id,
        "name": clean(page.name),
        "url": page.url,
        "time_zone": page.time_zone,
        "updated_at": timestamp(page.updated_at, page.tz),
    }


def status_v2(banner: Banner) -> Json:
    return {"indicator": banner.indicator, "description": banner.description}


def public_component_status(status: str | None) -> str:
    """No data yet is "operational" at this edge: a Statuspage client knows no other
    way to say "nothing is wrong that we know of"."""
    return status if status in COMPONENT_STATUSES else ComponentStatus.OPERATIONAL


def leaf_status(facts: ComponentFacts) -> str:
    """The status a client is sent for a leaf: its standing in the roll-up
    (`rules.indicator.standing`), so a component the pages show as "No Recent Data"
    is never "operational"; `data.fresh` tells it from a measured problem."""
    return public_component_status(standing(facts.status, facts.recorded))


def freshness_v2(stale: Sequence[Staleness], tz: ZoneInfo) -> Json:
    """`data`, beyond Statuspage: whether results arrive. For several (a group's
    silent children) the earliest of each time."""
    return {
        "fresh": not stale,
        "stale_since": optional_timestamp(
            min((s.stale_since for s in stale if s.stale_since), default=None), tz
        ),
        "last_result_at": optional_timestamp(
            min((s.last_result_at for s in stale if s.last_result_at), default=None), tz
        ),
    }


def _silent(facts: Sequence[ComponentFacts]) -> list[Staleness]:
    return [f.staleness for f in facts if f.staleness is not None]


def component_v2(facts: ComponentFacts, page: PageInfo) -> Json:
    config = facts.config
    return {
        "id": config.id,
        "name": clean(config.name),
        "status": leaf_status(facts),
        "created_at": timestamp(facts.created_at, page.tz),
        "updated_at": timestamp(facts.updated_at, page.tz),
        "position": config.position,
        "description": clean(config.description) or None,
        "showcase": True,
        "start_date": facts.created_at.astimezone(page.tz).date().isoformat(),
        "group_id": config.group_id,
        "page_id": page.id,
        "group": False,
        "only_show_if_degraded": False,
        "data": freshness_v2(_silent([facts]), page.tz),
    }


def group_v2(children: Sequence[ComponentFacts], page: PageInfo) -> Json:
    """A group row: an ordinary component with `group: true`, its children's ids,
    the worst child status, and the earliest and latest of their times."""
    first = children[0]
    created = min(c.created_at for c in children)
    return {
        "id": first.config.group_id,
        "name": clean(first.config.group),
        "status": public_component_status(worst_status([leaf_status(c) for c in children])),
        "created_at": timestamp(created, page.tz),
        "updated_at": timestamp(max(c.updated_at for c in children), page.tz),
        "position": first.config.position,
        "description": None,
        "showcase": False,
        "start_date": created.astimezone(page.tz).date().isoformat(),
        "group_id": None,
        "page_id": page.id,
        "group": True,
        "only_show_if_degraded": False,
        "data": freshness_v2(_silent(children), page.tz),
        "components": [c.config.id for c in children],
    }


def components_v2(components: Sequence[ComponentFacts], page: PageInfo) -> list[Json]:
    """All rows in configured order, each group row just before its first child."""
    groups: dict[str, list[ComponentFacts]] = {}
    for facts in components:
        if facts.config.group_id is not None:
            groups.setdefault(facts.config.group_id, []).append(facts)
    rows: list[Json] = []
    for facts in components:
        group_id = facts.config.group_id
        if group_id is not None and groups[group_id][0] is facts:
            rows.append(group_v2(groups[group_id], page))
        rows.append(component_v2(facts, page))
    return rows


def components_by_id(rows: Sequence[Json]) -> dict[str, Json]:
    """Leaf rows by id: what `incident_v2` embeds as the incident's components."""
    return {str(row["id"]): row for row in rows if not row["group"]}


def incident_v2(view: IncidentView, components: Mapping[str, Json], page: PageInfo) -> Json:
    """An incident, or a scheduled maintenance (which adds its window), in v2 shape.

    `components` maps leaf component ids to their v2 rows (`components_by_id`);
    a component the incident names but the page no longer shows is left out.
    """
    tz = page.tz
    body: Json = {
        "id": str(view.id),
        "name": clean(view.name),
        "status": _public_incident_status(view),
        "impact": _public_impact(view),
        "created_at": timestamp(view.created_at, tz),
        "updated_at": timestamp(view.last_changed_at, tz),
        "started_at": timestamp(view.started_at, tz),
        "monitoring_at": optional_timestamp(view.monitoring_at, tz),
        "resolved_at": optional_timestamp(view.resolved_at, tz),
        "shortlink": incident_permalink(page.url, view.id),
        "page_id": page.id,
        "incident_updates": [update_v2(u, view, tz) for u in view.updates] or [_stand_in(view, tz)],
        "components": _incident_components(view, components),
    }
    if view.is_maintenance:
        body["scheduled_for"] = optional_timestamp(view.scheduled_for or view.started_at, tz)
        body["scheduled_until"] = optional_timestamp(view.scheduled_until, tz)
    return body


def update_v2(update: UpdateView, incident: IncidentView, tz: ZoneInfo) -> Json:
    return {
        "id": str(update.id),
        "incident_id": str(update.incident_id),
        "status": _public_status(update.status, incident.is_maintenance),
        "body": markdown_to_text(update.body),
        "created_at": timestamp(update.created_at, tz),
        "updated_at": timestamp(update.updated_at, tz),
        "display_at": timestamp(update.display_at, tz),
        "affected_components": _affected(update.affected_components),
        "deliver_notifications": update.deliver_notifications,
        "custom_tweet": None,
        "tweet_id": None,
    }


def _affected(changes: Sequence[Mapping[str, str]] | None) -> list[Json] | None:
    if not changes:
        return None
    return [
        {
            "code": str(change.get("code", "")),
            "name": clean(str(change.get("name", ""))),
            "old_status": public_component_status(change.get("old_status")),
            "new_status": public_component_status(change.get("new_status")),
        }
        for change in changes
    ]


def _stand_in(view: IncidentView, tz: ZoneInfo) -> Json:
    """Every v2 incident has at least one update; if all of an incident's updates
    were deleted, a stand-in built from the incident keeps the shape. Its id cannot
    collide with a real update's, which are numbers."""
    return {
        "id": f"incident-{view.id}",
        "incident_id": str(view.id),
        "status": _public_incident_status(view),
        "body": "",
        "created_at": timestamp(view.created_at, tz),
        "updated_at": timestamp(view.updated_at, tz),
        "display_at": timestamp(view.started_at, tz),
        "affected_components": None,
        "deliver_notifications": False,
        "custom_tweet": None,
        "tweet_id": None,
    }


def _incident_components(view: IncidentView, components: Mapping[str, Json]) -> list[Json]:
    found = [components[cid] for cid in view.components if cid in components]
    return sorted(found, key=lambda row: (int(row["position"]), str(row["id"])))


def _public_status(status: str, maintenance: bool) -> str:
    if maintenance:
        if status in MAINTENANCE_STATUSES:
            return status
        return _MAINTENANCE_STATUS_FALLBACK.get(status, IncidentStatus.SCHEDULED)
    if status in INCIDENT_STATUSES:
        return status
    return _INCIDENT_STATUS_FALLBACK.get(status, IncidentStatus.INVESTIGATING)


def _public_incident_status(view: IncidentView) -> str:
    return _public_status(view.status, view.is_maintenance)


def _public_impact(view: IncidentView) -> str:
    if view.is_maintenance:
        return view.impact if view.impact in MAINTENANCE_IMPACTS else "maintenance"
    # An incident whose only effect is maintenance has no impact a client can name.
    return view.impact if view.impact in INCIDENT_IMPACTS else "none"
