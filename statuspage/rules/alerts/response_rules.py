"""The rule about people rather than probes: an incident that has waited longer than
its severity's response time for a human (an acknowledgement or a first update)."""

from __future__ import annotations

from collections.abc import Mapping

from statuspage.rules.alerts.model import Reading, Rule
from statuspage.rules.alerts.site_rules import SITE_KINDS, SiteData


def response_target_missed(rule: Rule, data: SiteData, now: float) -> Mapping[str, Reading]:
    """Seconds past the target, per unacknowledged incident; an incident on time (or
    acknowledged, so absent from the data) reads 0 and its alert clears."""
    readings = {}
    for incident, due_at in data.awaiting_response.items():
        late_s = now - due_at
        # The guard's "offending" count is not a sample count here: one missed target
        # is the whole signal, so it counts as enough on its own.
        offending = rule.min_offending if late_s > rule.above else 0
        readings[incident] = Reading(late_s, offending, {"late_minutes": round(late_s / 60, 1)})
    return readings


# Joins by a call, not a decorator: mutmut leaves decorated functions unmutated.
SITE_KINDS.kind("response_target_missed")(response_target_missed)
