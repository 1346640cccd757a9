"""What the browser tests' site holds: the production configuration's components (as
`statuspage demo` shows them), three days of simulated results and a resolved
incident, an operator (alice), and the states the screenshots show."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

from probes.clock import system_clock
from statuspage.config import Settings, load_settings
from statuspage.demo_history import demo_config_text, prefill_history
from statuspage.rules.subscriber_links import CONFIRM, UNSUBSCRIBE, LinkClaims, sign
from storage.database import Database
from storage.incidents.reads import get_incident
from storage.incidents.rules import NewIncident, NewUpdate
from storage.incidents.templates import TemplateInput, save_template
from storage.incidents.writes import create_incident, post_update
from storage.manual_status import set_component_status
from storage.metrics.writes import Point, write_points
from storage.subscribers.secrets import SUBSCRIBER_LINKS, site_secret
from storage.subscribers.writes import request_subscription
from storage.vocabulary import IncidentKind, SubscriberKind
from tests.admin.helpers import add_test_user
from tests.browser.live_site import LiveSite, live_site
from tests.notify.subscriber_site import NO_LIMITS

DB_NAME = "page.db"
SECRET = 'secret_key = "browser-tests-secret-key-0123456789abcdef"\n'
PAST_INCIDENT = "Slow payment confirmations"  # the demo history's resolved incident


# What the demo's configuration leaves out that a public page can show: each
# component's latency line on `/`, and a public metric with data (a push metric,
# so the site's data can hold its points).
FRONT_PAGE_LATENCY = "front_page_latency = true\n"
PUBLIC_METRIC = "new-accounts"
PUBLIC_METRIC_CONFIG = f"""
[[metrics]]
id = "{PUBLIC_METRIC}"
name = "New accounts per hour"
group = "Business"
kind = "push"
unit = "/h"
public = true
"""


def browser_settings(folder: Path) -> Settings:
    text = demo_config_text(port=8080, target_port=9, db_name=DB_NAME)
    text = text.replace("[server]\n", "[server]\n" + SECRET)
    text = text.replace("[site]\n", "[site]\n" + FRONT_PAGE_LATENCY, 1) + PUBLIC_METRIC_CONFIG
    path = folder / "statuspage.toml"
    path.write_text(text, "utf-8")
    return load_settings(path, {})


def prepare_database(folder: Path) -> Path:
    """A database with the components, their history and alice, made once and copied."""
    folder.mkdir(parents=True, exist_ok=True)
    with live_site(browser_settings(folder)) as site:
        now = system_clock()
        site.call(lambda: prefill_history(site.db, now=now, tz_name="UTC"))
        site.call(lambda: add_test_user(site.db, "alice"))
        site.call(lambda: push_public_metric(site.db, now))
    return folder / DB_NAME


async def push_public_metric(db: Database, now: datetime) -> None:
    """A point an hour over the last day, as an application pushing it would leave."""
    points = [Point(PUBLIC_METRIC, now - timedelta(hours=h), 40.0 + h % 7) for h in range(24)]
    await write_points(db, points, pages=True)


def copy_database(prepared: Path, folder: Path) -> Settings:
    shutil.copyfile(prepared, folder / DB_NAME)
    return browser_settings(folder)


def add_incident(site: LiveSite, name: str = "Checkout is failing") -> int:
    """A published incident on External services, with one update after its first."""
    now = system_clock()
    new = NewIncident(
        name=name,
        status="investigating",
        body="We are **investigating** failed payments:\n\n- cards\n- wallets",
        components={"external": "major_outage"},
        severity="P1",
    )
    incident_id = site.call(lambda: create_incident(site.db, new, now=now - timedelta(hours=1)))
    update = NewUpdate("identified", "A bad deploy; rolling back.", {"external": "partial_outage"})
    site.call(lambda: post_update(site.db, incident_id, update, now=now - timedelta(minutes=30)))
    return incident_id


def latest_update(site: LiveSite, incident_id: int) -> int:
    incident = site.call(lambda: get_incident(site.db, incident_id, include_drafts=True))
    assert incident is not None
    return max(u.id for u in incident.updates)


def add_template(site: LiveSite, name: str = "Payments down") -> int:
    template = TemplateInput(
        name=name,
        title="Card payments are failing",
        body="We are investigating failed card payments.",
        components={"external": "major_outage"},
    )
    now = system_clock()
    return site.call(lambda: save_template(site.db, template, now=now, actor="alice"))


def subscriber_links(site: LiveSite) -> tuple[str, str]:
    """A subscriber's confirmation and unsubscribe links (paths), signed as its mail's
    would be."""
    now = system_clock()

    async def links() -> tuple[str, str]:
        done = await request_subscription(
            site.db,
            SubscriberKind.EMAIL,
            "reader@example.test",
            None,
            now=now,
            resend_after=timedelta(0),
            limits=NO_LIMITS,
        )
        secret = await site_secret(site.db, SUBSCRIBER_LINKS, now=now)
        address, sid = "reader@example.test", done.subscriber_id
        confirm = LinkClaims(sid, CONFIRM, address, expires_at=now + timedelta(days=1))
        leave = LinkClaims(sid, UNSUBSCRIBE, address)
        return (
            f"/subscribe/confirm?token={sign(secret, confirm)}",
            f"/subscribe/unsubscribe?token={sign(secret, leave)}",
        )

    return site.call(links)


def set_status(site: LiveSite, component_id: str, status: str) -> None:
    now = system_clock()
    site.call(lambda: set_component_status(site.db, component_id, status, now=now, actor="t"))


def add_maintenance(site: LiveSite) -> int:
    """Maintenance in progress on the database, started ten minutes ago."""
    now = system_clock()
    new = NewIncident(
        name="Database upgrade",
        status="in_progress",
        body="We are upgrading the database; queries may be slower for an hour.",
        components={"database": "under_maintenance"},
        kind=IncidentKind.MAINTENANCE,
        scheduled_for=now - timedelta(minutes=10),
        scheduled_until=now + timedelta(minutes=50),
    )
    return site.call(lambda: create_incident(site.db, new, now=now - timedelta(minutes=10)))


STATES = {
    "operational": lambda site: None,
    "degraded": lambda site: set_status(site, "database", "degraded_performance"),
    "outage": lambda site: set_status(site, "system", "major_outage"),
    "maintenance": add_maintenance,
    "incident": add_incident,
}
