"""The metric sources' scrapes as periodic jobs on the probes' scheduler, at start-up
and after each reload: added sources start, removed ones stop, a source whose interval
changed restarts on its new grid and the others keep running. A source's other settings
(URL, token, timeout, its metrics) need no restart: the collector reads them on each run.
"""

from __future__ import annotations

import functools

from statuspage.config import Settings
from statuspage.metric_specs import MetricSourceConfig, source_job_id
from statuspage.service.metric_collector import MetricCollector
from statuspage.service.scheduler import PeriodicJob, ProbeScheduler, ScheduleChanges


def sources_to_scrape(settings: Settings, *, membership: bool) -> list[MetricSourceConfig]:
    """Under membership every source: the scheduler asks the membership at each run
    (`Membership.holds`), so one live worker scrapes each. Otherwise those this
    process's static `[probes] shard` holds."""
    sources = settings.metrics.sources
    if membership:
        return list(sources)
    shard = settings.file.probes.shard
    return [s for s in sources if shard.holds(source_job_id(s.name))]


def schedule_sources(
    scheduler: ProbeScheduler, collector: MetricCollector, settings: Settings, *, membership: bool
) -> ScheduleChanges:
    """Make the scheduler's source jobs match `settings`."""
    jobs = [
        PeriodicJob(
            source_job_id(source.name),
            source.interval_s,
            functools.partial(collector.collect, source.name),
        )
        for source in sources_to_scrape(settings, membership=membership)
    ]
    return scheduler.apply_periodic(jobs)
