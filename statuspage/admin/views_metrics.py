"""The business and operations view: every configured metric, grouped as configured,
its latest value against its target and a chart of the last six hours."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from statuspage import keys
from statuspage.admin.pages import Chrome, chrome, render
from statuspage.admin.state import ADMIN
from statuspage.presentation.metric_cards import MetricCard, grouped, load_metric_cards


@dataclass(frozen=True, slots=True)
class MetricsPage:
    """Context of admin/metrics.html."""

    chrome: Chrome
    groups: list[tuple[str, list[MetricCard]]]  # (group name, its metrics), as configured


async def metrics_view(request: web.Request) -> web.Response:
    metrics = request.app[keys.SETTINGS].current.metrics.metrics
    now = request.app[ADMIN].clock()
    cards = await load_metric_cards(request.app[keys.DATABASE], metrics, now)
    page = MetricsPage(chrome=await chrome(request, "Metrics"), groups=grouped(cards))
    return render(request, "admin/metrics.html", page)
