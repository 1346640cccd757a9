"""Firing alerts on `/metrics`, read from the database at each scrape.

The alert rows are the truth and any process may be scraped, so every process
reads them rather than keeping counts of its own: all report the same numbers
(aggregate with `max`, not `sum`). Every configured rule has a series from the
start, 0 while none of its alerts fire, so an expression over it never meets a
missing series; an alert of a rule no longer configured shows while it fires.

* `statuspage_alerts_firing{rule,severity}`: firing alerts of each rule;
* `statuspage_alerts_readable`: 1 when this scrape read them, 0 when the database
  could not answer in time (the firing series are then left out, not reported as
  0, and the rest of /metrics is served as usual).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from statuspage.alert_specs import merged_specs
from statuspage.settings_model import FileSettings
from storage.alerts.reads import firing_counts
from storage.database import Database

log = logging.getLogger("statuspage.metrics")

READ_TIMEOUT_S = 2.0  # a scrape waits no longer than this for the database


class AlertFigures(Collector):
    def __init__(self) -> None:
        self._firing: dict[tuple[str, str], int] | None = None

    async def refresh(self, db: Database, file: FileSettings) -> None:
        """Read the firing alerts now; `collect` reports what this read found."""
        try:
            async with asyncio.timeout(READ_TIMEOUT_S):
                counts = await firing_counts(db)
        except Exception as error:  # any database failure: the rest of /metrics stands
            log.warning(
                "could not read alerts for /metrics", extra={"fields": {"error": repr(error)}}
            )
            self._firing = None
            return
        firing = dict.fromkeys(configured_rules(file), 0)
        firing.update({(rule, severity.value): n for (rule, severity), n in counts.items()})
        self._firing = firing

    def collect(self) -> Iterator[Metric]:
        readable = GaugeMetricFamily(
            "statuspage_alerts_readable",
            "1 when this scrape read the alerts from the database, 0 when it could not",
        )
        readable.add_metric([], 0 if self._firing is None else 1)
        yield readable
        if self._firing is None:
            return
        firing = GaugeMetricFamily(
            "statuspage_alerts_firing",
            "Firing alerts by rule and severity, from the database (the same in every process)",
            labels=["rule", "severity"],
        )
        for (rule, severity), count in sorted(self._firing.items()):
            firing.add_metric([rule, severity], count)
        yield firing


def configured_rules(file: FileSettings) -> list[tuple[str, str]]:
    """(name, severity) of every enabled rule, defaults included."""
    if not file.alerting.enabled:
        return []
    return [(s["name"], str(s["severity"])) for s in merged_specs(file) if s.get("severity")]
