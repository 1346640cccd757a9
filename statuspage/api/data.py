"""What the v2 API reads from storage, loaded once per response.

`load_snapshot` gathers the page object and every component row; the admin
write API uses it too, to answer with an incident in v2 shape:

    snapshot = await load_snapshot(db, settings, now=now)
    body = incident_v2(view, snapshot.components_by_id, snapshot.page)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from statuspage.api.v2 import (
    ComponentFacts,
    Json,
    PageInfo,
    components_by_id,
    components_v2,
    page_id,
)
from statuspage.config import Settings
from statuspage.rules.indicator import Banner, maintenance_under_way, page_status
from storage.components import list_components
from storage.database import Database
from storage.freshness import (
    ShownStatus,
    freshness_changed_at,
    shown_components,
)
from storage.incidents.reads import IncidentView
from storage.queries.page import page_updated_at, status_changed_at

NOTHING_RECORDED = ShownStatus(None, None, None)  # a configured component not yet in storage


@dataclass(frozen=True, slots=True)
class V2Snapshot:
    page: PageInfo
    facts: tuple[ComponentFacts, ...]  # configured order
    components: list[Json]  # v2 rows, groups included
    components_by_id: dict[str, Json]  # leaf rows: what incidents embed


async def load_snapshot(db: Database, settings: Settings, *, now: datetime) -> V2Snapshot:
    """`now` only stands in for the times of a component not yet in storage."""
    facts = await component_facts(db, settings, now=now)
    site = settings.file.site
    page = PageInfo(
        id=page_id(site.name),
        name=site.name,
        url=site.url,
        time_zone=site.time_zone,
        updated_at=await _updated_at(db, facts) or now,
    )
    rows = components_v2(facts, page)
    return V2Snapshot(page, tuple(facts), rows, components_by_id(rows))


async def _updated_at(db: Database, facts: Sequence[ComponentFacts]) -> datetime | None:
    """`page_updated_at` (the feeds date themselves by it too), or a later freshness
    change: going silent changes what a component reads here."""
    found = [await page_updated_at(db), *(f.freshness_changed_at for f in facts)]
    moments = [m for m in found if m is not None]
    return max(moments) if moments else None


async def component_facts(
    db: Database, settings: Settings, *, now: datetime
) -> list[ComponentFacts]:
    shown = await shown_components(db)
    rows = {row.id: row for row in await list_components(db)}
    changed = await status_changed_at(db)
    freshness = await freshness_changed_at(db)
    facts = []
    for config in settings.components:
        row = rows.get(config.id)
        created = row.created_at if row is not None else now
        moments = [row.updated_at if row is not None else now]
        moments += [m[config.id] for m in (changed, freshness) if config.id in m]
        state = shown.get(config.id, NOTHING_RECORDED)
        facts.append(
            ComponentFacts(
                config,
                state.shown,
                created,
                max(moments),
                recorded=state.recorded,
                staleness=state.staleness,
                freshness_changed_at=freshness.get(config.id),
            )
        )
    return facts


def rollup(
    snapshot: V2Snapshot, unresolved: Sequence[IncidentView], maintenances: Sequence[IncidentView]
) -> Banner:
    """The page status, by the front page's rule over the statuses the component rows
    say (no data yet: operational; no recent data: at least degraded), so a client
    that rolls up the rows itself gets the same indicator. The description names
    how many components have no recent data, as the pages' rows do."""
    return page_status(
        [(f.status, f.recorded) for f in snapshot.facts],
        [i.impact for i in unresolved],
        maintenance_in_progress=maintenance_under_way(m.status for m in maintenances),
    )
