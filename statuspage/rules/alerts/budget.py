"""A component's availability objective and how much of its error budget is left.

The objective is decided once, when the settings load (`ComponentConfig.
availability_objective`), so the alert rules (burn rate), the admin dashboard and the
write API all read the same number. The budget is the share of probes allowed to fail
over the window (1 - objective); what remains is 1 - (failures / results) / budget:
1.0 untouched, 0.0 spent exactly, below 0 overspent.
"""

from __future__ import annotations

from statuspage.rules.alerts.defaults import COMPONENT_OBJECTIVE, CRITICAL_OBJECTIVE

BUDGET_WINDOW_DAYS = 30  # the SRE workbook's window, and the page's 30-day uptime
# How far below zero the figure goes: -1.0 is the budget spent twice over. Past that
# the number stops moving (an operator needs "overspent", not "spent 900 times"); the
# results and failures shown beside it carry the exact size.
OVERSPENT_FLOOR = -1.0


def availability_objective(percent: float | None, *, critical: bool) -> float:
    """The configured objective (`availability_objective_percent`), else 99.9 % for a
    component marked critical and 99 % for any other, as a fraction."""
    if percent is not None:
        return percent / 100
    return CRITICAL_OBJECTIVE if critical else COMPONENT_OBJECTIVE


def budget_remaining(results: int, failures: int, objective: float) -> float | None:
    """The fraction of the error budget left, floored at `OVERSPENT_FLOOR`; None with
    no results (nothing measured, nothing spent or saved)."""
    if results <= 0:
        return None
    budget = 1.0 - objective
    if budget <= 0:  # a 100 % objective has no budget: any failure overspends it
        return 1.0 if failures == 0 else OVERSPENT_FLOOR
    left = 1.0 - (failures / results) / budget
    return max(OVERSPENT_FLOOR, min(1.0, left))
