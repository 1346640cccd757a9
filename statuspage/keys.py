"""Typed keys for everything the app shares, so handlers never reach for a global.

The value types are imported for type checking only: every process imports this
module, and a probe-only process must not load the web layer (Jinja, the pages)
just to name a key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from probes.clock import Clock
    from probes.sessions import ProbeSessions
    from statuspage.alerting.service import AlertingService
    from statuspage.http.state import WebState
    from statuspage.notify.service import Notifier
    from statuspage.service.connections import ConnectionGuard
    from statuspage.service.jobs import PeriodicJobs
    from statuspage.service.loop_monitor import LoopMonitor
    from statuspage.service.membership import Membership
    from statuspage.service.metric_collector import MetricCollector
    from statuspage.service.metrics import ServiceMetrics
    from statuspage.service.roles import Roles
    from statuspage.service.scheduler import ProbeScheduler
    from statuspage.service.settings_holder import SettingsHolder
    from storage.database import Database
    from storage.metrics.buffer import PointWriter
    from storage.results.writer import ResultWriter

CLOCK: web.AppKey[Clock] = web.AppKey("clock")  # the one clock every part of the app reads
SETTINGS: web.AppKey[SettingsHolder] = web.AppKey("settings")
ROLES: web.AppKey[Roles] = web.AppKey("roles")
DATABASE: web.AppKey[Database] = web.AppKey("database")
METRICS: web.AppKey[ServiceMetrics] = web.AppKey("metrics")
PROBE_SESSIONS: web.AppKey[ProbeSessions] = web.AppKey("probe_sessions")
WRITER: web.AppKey[ResultWriter] = web.AppKey("writer")
POINT_WRITER: web.AppKey[PointWriter] = web.AppKey("point_writer")  # scraped metric points
SCHEDULER: web.AppKey[ProbeScheduler] = web.AppKey("scheduler")
# With the probes or jobs role: the process's event loop monitor (its stalls).
LOOP_MONITOR: web.AppKey[LoopMonitor] = web.AppKey("loop_monitor")
# Set by a probing process on PostgreSQL that shares its region (no static shard).
MEMBERSHIP: web.AppKey[Membership] = web.AppKey("membership")
METRIC_COLLECTOR: web.AppKey[MetricCollector] = web.AppKey("metric_collector")  # probes role
CONNECTIONS: web.AppKey[ConnectionGuard] = web.AppKey("connections")  # set by a listener
ALERTING: web.AppKey[AlertingService] = web.AppKey("alerting")  # with the jobs role
NOTIFIER: web.AppKey[Notifier] = web.AppKey("notifier")  # with the jobs role
JOBS: web.AppKey[PeriodicJobs] = web.AppKey("jobs")  # set by a process with the jobs role
WEB: web.AppKey[WebState] = web.AppKey("web")  # pages, feeds, JSON: renderer, cache, assets
