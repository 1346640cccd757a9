"""`/api/v2/components/{id}/uptime.json`: our measured figures, beyond Statuspage.

The same numbers the component page shows, from `storage.summary.component_summary`:

- `availability` = (up + degraded) / (up + degraded + down), maintenance left
  out, as a fraction 0..1; `availability_percent` is the page's text, rounded
  down to two decimals ("99.99", never "100.00" unless nothing failed);
- `sla_compliance` = probes within the latency target / probes that succeeded;
- latency in milliseconds over successful probes (p50/p95/p99 nearest-rank,
  read from the roll-up histograms, so within 10 % of the exact value);
- a window or day with no result that counts is `null` throughout, never 0 or 1.

Windows: "24h" (the current site-local hour and the 23 before it) and "7d",
"30d", "90d" (today and the days before it, cut at midnight in the page's
time zone). `days` holds the 90 day cells of the bar, oldest first. Every day
and window has its `source`: "probes", or "reported_status" for a component
without a check, whose days are the bar's and the calendar's
(`presentation.days.status_days`) and whose windows are the same rule over the
window's time (`status_windows`; its "24h" is the 24 hours up to now): uptime
from its status history by the Statuspage rule, over the time a status was
known; no probes, no SLA, no latency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from statuspage.api.v2 import Json
from statuspage.presentation.days import StatusDay, day_level, reported_uptime_text
from storage.figures.windows import HISTORY_WINDOW, Figures, LatencyFigures
from storage.queries.summary import ComponentSummary
from storage.vocabulary import HISTORY_DAYS

UPTIME_WINDOWS = ("24h", "7d", "30d", HISTORY_WINDOW)


def counts_v2(figures: Figures) -> Json:
    return {
        "up": figures.up,
        "degraded": figures.degraded,
        "down": figures.down,
        "maintenance": figures.maintenance,
        "within_sla": figures.within_sla,
    }


def latency_v2(latency: LatencyFigures | None) -> Json | None:
    if latency is None:
        return None
    return {
        "count": latency.count,
        "average": round(latency.average_ms, 3),
        "p50": round(latency.p50_ms, 3),
        "p95": round(latency.p95_ms, 3),
        "p99": round(latency.p99_ms, 3),
        "min": round(latency.min_ms, 3),
        "max": round(latency.max_ms, 3),
    }


def figures_v2(figures: Figures, latency: LatencyFigures | None) -> Json:
    has_data = figures.has_data
    has_successes = figures.sla_compliance is not None
    return {
        "availability": figures.availability,
        "availability_percent": figures.availability_text() if has_data else None,
        "sla_compliance": figures.sla_compliance,
        "sla_compliance_percent": figures.sla_compliance_text() if has_successes else None,
        "probes": counts_v2(figures),
        "latency_ms": latency_v2(latency),
    }


def day_v2(day: date, figures: Figures, latency: LatencyFigures | None) -> Json:
    figures_json = figures_v2(figures, latency)
    return {
        "date": day.isoformat(),
        "level": day_level(figures),
        "source": "probes",
        **figures_json,
    }


def reported_v2(up_ppm: int | None) -> Json:
    """A manual component's figures for a day or window: the uptime of its reported
    status, nothing measured (no probes, SLA compliance or latency)."""
    return {
        "source": "reported_status",
        **figures_v2(Figures(), None),
        "availability": None if up_ppm is None else up_ppm / 1_000_000,
        "availability_percent": reported_uptime_text(up_ppm),
    }


def status_day_v2(day: StatusDay) -> Json:
    """A manual component's day: the uptime its bar shows."""
    return {"date": day.day.isoformat(), "level": day.level, **reported_v2(day.up_ppm)}


@dataclass(frozen=True, slots=True)
class ReportedUptime:
    """A manual component's uptime from its status history, used instead of the
    probes' roll-ups (`presentation.days.status_days` and `status_windows`)."""

    days: Sequence[StatusDay]  # its bar's days
    windows: Mapping[str, int | None]  # uptime in parts per million per window


def uptime_v2(
    summary: ComponentSummary, sla_ms: float | None, reported: ReportedUptime | None = None
) -> Json:
    """The `sla_ms`, `windows` and `days` members of the response; `reported` for a
    manual component, None for a probed one."""
    if reported is not None:
        windows = {name: reported_v2(reported.windows.get(name)) for name in UPTIME_WINDOWS}
        days = [status_day_v2(d) for d in reported.days]
    else:
        windows = {
            name: {
                "source": "probes",
                **figures_v2(summary.windows.get(name, Figures()), summary.latency.get(name)),
            }
            for name in UPTIME_WINDOWS
        }
        days = [
            day_v2(d.day, d.figures, summary.day_latency.get(d.day))
            for d in summary.days[-HISTORY_DAYS:]
        ]
    return {"sla_ms": sla_ms, "windows": windows, "days": days}
