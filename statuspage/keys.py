"""Typed keys for everything the app shares, so handlers never reach for a global."""

from __future__ import annotations

from aiohttp import web

from probes.clock import Clock
from probes.sessions import ProbeSessions
from statuspage.http.state import WebState
from statuspage.service.connections import ConnectionGuard
from statuspage.service.metrics import ServiceMetrics
from statuspage.service.roles import Roles
from statuspage.service.scheduler import ProbeScheduler
from statuspage.service.settings_holder import SettingsHolder
from storage.database import Database
from storage.results.writer import ResultWriter

CLOCK = web.AppKey("clock", Clock)  # the one clock every part of the app reads
SETTINGS = web.AppKey("settings", SettingsHolder)
ROLES = web.AppKey("roles", Roles)
DATABASE = web.AppKey("database", Database)
METRICS = web.AppKey("metrics", ServiceMetrics)
PROBE_SESSIONS = web.AppKey("probe_sessions", ProbeSessions)
WRITER = web.AppKey("writer", ResultWriter)
SCHEDULER = web.AppKey("scheduler", ProbeScheduler)
CONNECTIONS = web.AppKey("connections", ConnectionGuard)  # set by a process that listens
WEB = web.AppKey("web", WebState)  # public pages: renderer, page cache, assets
