"""`/api/metrics.json`: the metrics an operator marks public, beside the Statuspage-shaped
`/api/v2/` (which stays exactly Statuspage's): each with its unit, target, latest value
and the last 24 hours as hourly means from the roll-ups."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from statuspage import keys
from statuspage.api.v2 import Json, optional_timestamp, timestamp
from statuspage.api.views import json_text
from statuspage.http.serving import JSON, Document, serve
from storage.metrics.reads import hourly_buckets, latest_points

HOURS = timedelta(hours=24)


async def public_metrics(request: web.Request) -> web.StreamResponse:
    app = request.app

    async def build() -> Document:
        settings, now = app[keys.SETTINGS].current, app[keys.WEB].clock()
        db, tz = app[keys.DATABASE], settings.tz
        public = [m for m in settings.metrics.metrics if m.public]
        latest = await latest_points(db, [m.id for m in public])
        body: list[Json] = []
        for metric in public:
            point = latest.get(metric.id)
            hours = await hourly_buckets(db, metric.id, now - HOURS)
            body.append(
                {
                    "id": metric.id,
                    "name": metric.name,
                    "unit": metric.unit,
                    "target_below": metric.target_below,
                    "target_above": metric.target_above,
                    "value": None if point is None else point.value,
                    "at": optional_timestamp(None if point is None else point.at, tz),
                    "hourly": [
                        {
                            "hour": timestamp(h.start, tz),
                            "mean": h.average,
                            "min": h.minimum,
                            "max": h.maximum,
                        }
                        for h in hours
                    ],
                }
            )
        return Document(json_text({"metrics": body}), JSON)

    return await serve(request, request.path, build)
