"""Each probed component's error budget over the last 30 days, as the dashboard and
`GET /api/admin/budgets` show it: counted from the day roll-ups (the page's 30-day
uptime window), judged by `statuspage.rules.alerts.budget`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from statuspage.config import Settings
from statuspage.rules.alerts.budget import BUDGET_WINDOW_DAYS, budget_remaining
from storage.alerts.overview import BudgetCounts, budget_counts
from storage.database import Database
from storage.figures.windows import window_bounds

NOTHING = BudgetCounts(0, 0)


@dataclass(frozen=True, slots=True)
class Budget:
    component_id: str
    name: str
    objective: float  # 0.99
    results: int
    failures: int
    remaining: float | None  # 1.0 untouched, below 0 overspent; None: nothing measured

    @property
    def overspent(self) -> bool:
        return self.remaining is not None and self.remaining < 0


async def load_budgets(db: Database, settings: Settings, now: datetime) -> list[Budget]:
    """Every probed component, in display order."""
    probed = settings.probed_components
    span = window_bounds(f"{BUDGET_WINDOW_DAYS}d", now, settings.tz)
    counts = await budget_counts(db, [c.id for c in probed], span)
    budgets = []
    for component in probed:
        found = counts.get(component.id, NOTHING)
        objective = component.availability_objective
        budgets.append(
            Budget(
                component_id=component.id,
                name=component.name,
                objective=objective,
                results=found.results,
                failures=found.failures,
                remaining=budget_remaining(found.results, found.failures, objective),
            )
        )
    return budgets
