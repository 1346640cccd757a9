"""The rule about silence: a component whose results stopped arriving (no worker
probes it, a worker is stuck, a region is cut off). The status evaluator marks it
(`statuspage.service.status_job`); this rule turns the mark into an alert, per
component, that clears when results arrive again."""

from __future__ import annotations

from collections.abc import Mapping

from statuspage.rules.alerts.model import Figures, Reading, Rule
from statuspage.rules.alerts.site_rules import SITE_KINDS, SiteData


def no_recent_data(rule: Rule, data: SiteData, now: float) -> Mapping[str, Reading]:
    """Seconds each stale component has been marked so; a component with results
    again is absent from the data, reads 0, and its alert clears. The figure people
    read is the time since its last result: the mark's own age is about zero when
    the alert fires, which says nothing."""
    readings = {}
    for component_id, stale_since in data.stale.items():
        silent_s = max(0.0, now - stale_since)
        # As for a missed response target, one mark is the whole signal: the
        # evaluator only marks a component after several intervals without a result.
        offending = rule.min_offending if silent_s > rule.above else 0
        readings[component_id] = Reading(silent_s, offending, _figures(component_id, data, now))
    return readings


def _figures(component_id: str, data: SiteData, now: float) -> Figures:
    last = data.last_results.get(component_id)
    if last is None:  # never a result since the service has known it
        return {"component": component_id}
    minutes = round(max(0.0, now - last) / 60, 1)
    return {"component": component_id, "since_last_result_minutes": minutes}


# Joins by a call, not a decorator: mutmut leaves decorated functions unmutated.
SITE_KINDS.kind("no_recent_data")(no_recent_data)
