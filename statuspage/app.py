"""`create_app`: the one place where the service is wired together.

Shared resources live in one-yield cleanup contexts under typed app keys
(`statuspage.keys`), started in order and stopped in reverse: database, then
client session, result writer, probe scheduler and periodic jobs. Stopping
therefore lets in-flight probes finish before the writer's final flush.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import hdrs, web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from probes.clock import Clock, system_clock
from probes.sessions import ProbeSessions
from statuspage import keys
from statuspage.alerting.incidents import IncidentAutomation
from statuspage.alerting.service import AlertingService
from statuspage.config import Settings
from statuspage.notify.service import Notifier
from statuspage.service import connections
from statuspage.service.health import STALL_MARGIN_S, health
from statuspage.service.jobs import PeriodicJobs
from statuspage.service.loop_monitor import LoopMonitor
from statuspage.service.membership import Membership, uses_membership
from statuspage.service.metric_collector import MetricCollector
from statuspage.service.metrics import ServiceMetrics
from statuspage.service.metrics_access import NO_STORE, may_read_metrics, metrics_refused
from statuspage.service.roles import Roles
from statuspage.service.runner import ProbeLimits, ProbeRunner
from statuspage.service.scheduler import ProbeScheduler
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.shards import components_to_probe
from statuspage.service.source_jobs import schedule_sources
from statuspage.service.startup import open_database, prepare_database, sole_writer
from storage.metrics.buffer import MAX_PENDING_POINTS, PointWriter
from storage.results.writer import ResultWriter

log = logging.getLogger("statuspage")

# How long past the longest probe timeout shutdown waits for the last flush.
SHUTDOWN_FLUSH_S = 0.8


def create_app(settings: Settings, roles: Roles, *, clock: Clock = system_clock) -> web.Application:
    """The service for `roles`; `clock` is the one clock every part reads (tests move it)."""
    # First, so it is outermost: the connection guard must know a request is in
    # hand before anything else awaits.
    app = web.Application(middlewares=[connections.request_began])
    app.on_response_prepare.append(connections.response_began)  # the write deadline's start
    app[keys.CLOCK] = clock
    app[keys.SETTINGS] = SettingsHolder(settings)
    app[keys.ROLES] = roles
    app[keys.METRICS] = ServiceMetrics()
    app.cleanup_ctx.append(_database)
    if roles.probes or roles.jobs:
        app.cleanup_ctx.append(_loop_monitor)
    if roles.probes:
        app.cleanup_ctx.extend([_client_session, _writer, _scheduler])
    if roles.jobs:
        app.cleanup_ctx.extend([_periodic_jobs, _alerting])
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    if roles.web:
        _add_web_routes(app)
    return app


def _add_web_routes(app: web.Application) -> None:
    """Every route of the web role, in one place. Imported here, not at the top, so a
    probe-only process never loads Jinja, the pages or the admin area."""
    from statuspage.admin.routes import setup_admin
    from statuspage.api.routes import setup_api_routes
    from statuspage.feeds.routes import setup_feed_routes
    from statuspage.http.setup import setup_http
    from statuspage.web.routes import setup_pages

    setup_http(app)  # shared state, error pages, body deadlines, headers
    setup_pages(app)  # statuspage/web: the public pages
    setup_api_routes(app)  # statuspage/api: JSON API v2, uptime, badges, OpenAPI
    setup_feed_routes(app)  # statuspage/feeds: history and updates feeds
    setup_admin(app)  # statuspage/admin: admin area, sign-in, API tokens, write API


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS].current
    roles = app[keys.ROLES]
    db = open_database(settings)
    try:
        # The lock first: a second prober must not even upgrade the schema under the first.
        with sole_writer(db, roles):
            await prepare_database(
                db, settings, upgrade=roles.upgrades_schema, clock=app[keys.CLOCK]
            )
            app[keys.DATABASE] = db
            yield
    finally:
        await db.dispose()


async def _loop_monitor(app: web.Application) -> AsyncIterator[None]:
    """The process's one event loop monitor: the probes ask it whether a stall, not the
    target, made a probe slow; the status judge, whether a stall of its own, not a
    component, left results missing."""
    monitor = LoopMonitor()
    monitor.start()
    app[keys.LOOP_MONITOR] = monitor
    yield
    monitor.stop()


async def _client_session(app: web.Application) -> AsyncIterator[None]:
    # Uncapped: the runner's ProbeLimits are the only caps, so a reload that changes
    # [probes] concurrency or per_host_limit takes full effect.
    sessions = ProbeSessions.open(app[keys.SETTINGS].current.file.probes.dns_servers)
    app[keys.PROBE_SESSIONS] = sessions
    yield
    await sessions.close()


async def _writer(app: web.Application) -> AsyncIterator[None]:
    writer = ResultWriter(app[keys.DATABASE])
    points = PointWriter(app[keys.DATABASE], max_buffer=MAX_PENDING_POINTS)
    writer.start()
    points.start()
    app[keys.WRITER], app[keys.POINT_WRITER] = writer, points
    yield
    await writer.close(timeout_s=SHUTDOWN_FLUSH_S + 5)
    await points.close(timeout_s=SHUTDOWN_FLUSH_S)


async def _scheduler(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS].current
    probes = settings.file.probes
    runner = ProbeRunner(
        sessions=app[keys.PROBE_SESSIONS],
        sink=app[keys.WRITER],
        limits=ProbeLimits(probes.concurrency, probes.rate_per_s, probes.per_host_limit),
        metrics=app[keys.METRICS],
        region=probes.region,
        confirm_down_retries=probes.confirm_down_retries,
        clock=app[keys.CLOCK],
        monitor=app[keys.LOOP_MONITOR],
    )
    scheduler = ProbeScheduler(runner, app[keys.CLOCK])
    membership = None
    if uses_membership(settings, app[keys.DATABASE]):
        membership = Membership(app[keys.DATABASE], scheduler, app[keys.SETTINGS], app[keys.CLOCK])
        await membership.step()  # join, and take a share, before the first run
        app[keys.MEMBERSHIP] = membership
    else:
        scheduler.apply(components_to_probe(settings))
    schedule_sources(
        scheduler, _metric_collector(app, scheduler), settings, membership=membership is not None
    )
    scheduler.start()
    looking = asyncio.create_task(membership.run(), name="membership") if membership else None
    if probes.shard.total > 1:
        log.info(
            "probing one shard",
            extra={"fields": {"shard": str(probes.shard), "jobs": len(scheduler.jobs)}},
        )
    app[keys.SCHEDULER] = scheduler
    yield
    if membership is not None and looking is not None:
        await membership.stop()
        await looking
    await scheduler.shutdown(grace_s=longest_timeout_s(app[keys.SETTINGS].current))


def _metric_collector(app: web.Application, scheduler: ProbeScheduler) -> MetricCollector:
    """The metric sources' collector, on the probes' limits; it reads the settings in
    force on each run, so a reload reaches a source's URL, token, timeout and metrics."""
    holder = app[keys.SETTINGS]
    collector = MetricCollector(
        db=app[keys.DATABASE],
        points=app[keys.POINT_WRITER],
        sessions=app[keys.PROBE_SESSIONS],
        limits=lambda: scheduler.runner.limits,
        settings=lambda: holder.current.metrics,
        clock=app[keys.CLOCK],
        monitor=app[keys.LOOP_MONITOR],
    )
    app[keys.METRIC_COLLECTOR] = collector
    return collector


async def _periodic_jobs(app: web.Application) -> AsyncIterator[None]:
    jobs = PeriodicJobs(
        app[keys.DATABASE],
        app[keys.SETTINGS],
        clock=app[keys.CLOCK],
        writer=app.get(keys.WRITER),  # set before: the probes' contexts come first
        monitor=app[keys.LOOP_MONITOR],
    )
    jobs.start()
    app[keys.JOBS] = jobs
    yield
    await jobs.shutdown()


async def _alerting(app: web.Application) -> AsyncIterator[None]:
    """The alert evaluator; only the process holding the alerting lock evaluates."""
    db, settings, clock = app[keys.DATABASE], app[keys.SETTINGS], app[keys.CLOCK]
    service = AlertingService(db, settings, clock=clock)
    service.handlers.append(IncidentAutomation(db, settings, clock=clock))
    notifier = Notifier(db, settings, clock=clock)
    # Messages are queued in the transaction that moves the alerts; the sender is
    # woken after the incident automation, so a new incident's link goes with them.
    service.planner = notifier.planner
    service.round_hooks.append(notifier.round)
    service.handlers.append(notifier.heard)
    notifier.start()
    app[keys.NOTIFIER] = notifier
    writer = app.get(keys.WRITER)
    if writer is not None and db.is_sqlite:  # PostgreSQL: heard through NOTIFY instead
        writer.listeners.append(service.accept)
    task = asyncio.create_task(service.run(), name="alerting")
    app[keys.ALERTING] = service
    yield
    await service.stop()
    await task
    await notifier.stop()


def longest_timeout_s(settings: Settings) -> float:
    checks = [c.check for c in settings.components if c.check is not None]
    return max((c.timeout_s for c in checks), default=0.0)


async def healthz(request: web.Request) -> web.Response:
    """For load balancers and the Dockerfile's HEALTHCHECK: the process serves, and
    whether its storage works (statuspage.service.health)."""
    jobs, alerting = request.app.get(keys.JOBS), request.app.get(keys.ALERTING)
    failures = dict(jobs.failures) if jobs is not None else {}
    if alerting is not None and alerting.failure is not None:
        failures["alerting"] = alerting.failure
    notifier = request.app.get(keys.NOTIFIER)
    if notifier is not None and (failure := notifier.failure or notifier.sender.failure):
        failures["notifications"] = failure
    settings = request.app[keys.SETTINGS].current
    db = request.app.get(keys.DATABASE)
    status, body = health(
        request.app.get(keys.WRITER),
        failures,
        settings.database_url,
        request.app.get(keys.POINT_WRITER),
        stalled_after_s=settings.file.storage.statement_timeout_s + STALL_MARGIN_S,
        now=asyncio.get_running_loop().time(),
        files=db.files_problem() if db is not None else None,
    )
    return web.json_response(body, status=status)


async def metrics(request: web.Request) -> web.Response:
    token = request.app[keys.SETTINGS].current.file.server.metrics_token
    if not may_read_metrics(request.headers.get(hdrs.AUTHORIZATION), token):
        return metrics_refused()
    service_metrics = request.app[keys.METRICS]
    writer = request.app.get(keys.WRITER)
    if writer is not None:
        service_metrics.buffer_pending.set(writer.pending)
        service_metrics.buffer_dropped.set(writer.dropped)
    if (points := request.app.get(keys.POINT_WRITER)) is not None:
        service_metrics.points_pending.set(points.pending)
        service_metrics.points_dropped.set(points.dropped)
    if (guard := request.app.get(keys.CONNECTIONS)) is not None:
        service_metrics.connections_open.set(guard.open)
        service_metrics.connections_shed.set(guard.shed)
        service_metrics.connections_idle_closed.set(guard.idle_closed)
        service_metrics.connections_refused.set(guard.refused)
        service_metrics.connections_write_timeouts.set(guard.write_timeouts)
        service_metrics.connections_slow_bodies_closed.set(guard.slow_bodies_closed)
    if (monitor := request.app.get(keys.LOOP_MONITOR)) is not None:
        service_metrics.loop_stalls.set(monitor.count)
        service_metrics.loop_longest_stall.set(monitor.longest_s)
    if (db := request.app.get(keys.DATABASE)) is not None:
        await service_metrics.alerts.refresh(db, request.app[keys.SETTINGS].current.file)
    body = generate_latest(service_metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST, **NO_STORE})
