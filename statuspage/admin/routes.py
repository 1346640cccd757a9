"""`setup_admin(app)`: the admin area, sign-in and the write API, behind one guard.

Called once from the public routes' setup (web role only). The guard
middleware (`statuspage.admin.guard`) is what protects these routes; a route
added here is guarded by its path alone, whatever its handler does.
"""

from __future__ import annotations

from aiohttp import web

from statuspage import keys
from statuspage.admin import views_alerts as alerts
from statuspage.admin import views_audit as audit
from statuspage.admin import views_auth as auth
from statuspage.admin import views_components as components
from statuspage.admin import views_corrections as corrections
from statuspage.admin import views_dashboard as dashboard
from statuspage.admin import views_incidents as incidents
from statuspage.admin import views_maintenance as maintenance
from statuspage.admin import views_metrics
from statuspage.admin import views_notifications as notifications
from statuspage.admin import views_subscribers as subscribers
from statuspage.admin import views_templates as incident_templates
from statuspage.admin import views_tokens as tokens
from statuspage.admin import views_workers as workers
from statuspage.admin.api import setup_write_api
from statuspage.admin.api_alerts import setup_alert_api
from statuspage.admin.api_components import setup_component_api
from statuspage.admin.api_metrics import setup_metric_api
from statuspage.admin.api_templates import setup_template_api
from statuspage.admin.devices import DeviceCookies
from statuspage.admin.guard import admin_headers, admin_middleware
from statuspage.admin.passwords import Passwords
from statuspage.admin.sessions import fernet_key, secret_key, session_storage
from statuspage.admin.state import ADMIN, AdminState
from statuspage.http.render import Renderer, template_dir

INCIDENT = r"/admin/incidents/{incident_id:[0-9]{1,18}}"
UPDATE = INCIDENT + r"/updates/{update_id:[0-9]{1,18}}"
ALERT = r"/admin/alerts/{alert_id:[0-9]{1,18}}"


def setup_admin(app: web.Application) -> None:
    settings = app[keys.SETTINGS].current
    secret = secret_key(settings)
    secure = settings.file.site.url.startswith("https://")
    templates = template_dir()
    app[ADMIN] = AdminState(
        renderer=Renderer(templates),
        passwords=Passwords(),
        sessions=session_storage(secret, secure=secure),
        devices=DeviceCookies(
            fernet_key(secret, "statuspage device cookie"), secure=secure, clock=app[keys.CLOCK]
        ),
        stylesheet=(templates / "admin" / "admin.css").read_text(encoding="utf-8"),
        clock=app[keys.CLOCK],
    )
    app.middlewares.append(admin_middleware(app))
    app.on_response_prepare.append(admin_headers)
    _add_pages(app.router)
    _add_incident_pages(app.router)
    _add_template_and_component_pages(app.router)
    setup_write_api(app)
    setup_alert_api(app.router)
    setup_component_api(app.router)
    setup_template_api(app.router)
    setup_metric_api(app.router)


def _add_pages(router: web.UrlDispatcher) -> None:
    router.add_get("/admin", dashboard.dashboard, name="admin")
    router.add_get("/admin/", dashboard.dashboard)
    router.add_get("/admin/admin.css", auth.stylesheet)
    router.add_get("/admin/sign-in", auth.sign_in_form, name="admin_sign_in")
    router.add_post("/admin/sign-in", auth.sign_in)
    router.add_post("/admin/sign-out", auth.sign_out)
    router.add_get("/admin/password", auth.password_form)
    router.add_post("/admin/password", auth.change_password)
    router.add_get("/admin/maintenances/new", maintenance.new_maintenance_form)
    router.add_post("/admin/maintenances", maintenance.create_maintenance)
    router.add_get("/admin/tokens", tokens.tokens)
    router.add_post("/admin/tokens", tokens.create_token_view)
    router.add_post(r"/admin/tokens/{token_id:[0-9]{1,9}}/revoke", tokens.revoke_token_view)
    router.add_get("/admin/audit", audit.audit)
    router.add_get("/admin/alerts", alerts.alerts)
    router.add_get("/admin/metrics", views_metrics.metrics_view)
    router.add_post(ALERT + "/ack", alerts.acknowledge_view)
    router.add_post(ALERT + "/silence", alerts.silence_view)
    router.add_post(ALERT + "/resolve", alerts.resolve_view)
    router.add_get("/admin/notifications", notifications.notifications)
    router.add_get("/admin/subscribers", subscribers.subscribers)
    router.add_post(
        r"/admin/subscribers/{subscriber_id:[0-9]{1,18}}/remove", subscribers.remove_subscriber
    )
    router.add_get("/admin/workers", workers.workers)


def _add_incident_pages(router: web.UrlDispatcher) -> None:
    router.add_get("/admin/incidents", dashboard.incident_list)
    router.add_post("/admin/incidents", incidents.create)
    router.add_get("/admin/incidents/new", incidents.new_incident_form)
    router.add_get(INCIDENT, incidents.incident_detail)
    router.add_post(INCIDENT + "/updates", incidents.post_update_view)
    router.add_post(INCIDENT + "/edit", corrections.edit_incident_view)
    router.add_post(INCIDENT + "/publish", corrections.publish_view)
    router.add_post(INCIDENT + "/delete", corrections.delete_incident_view)
    router.add_post(INCIDENT + "/postmortem", corrections.postmortem_view)
    router.add_get(UPDATE + "/edit", corrections.edit_update_form)
    router.add_post(UPDATE + "/edit", corrections.edit_update_view)
    router.add_post(UPDATE + "/delete", corrections.delete_update_view)


def _add_template_and_component_pages(router: web.UrlDispatcher) -> None:
    one = incident_templates.TEMPLATE
    router.add_get("/admin/templates", incident_templates.templates_view)
    router.add_post("/admin/templates", incident_templates.create_template_view)
    router.add_get("/admin/templates/new", incident_templates.new_template_form)
    router.add_get(one, incident_templates.edit_template_form)
    router.add_post(one, incident_templates.edit_template_view)
    router.add_post(one + "/delete", incident_templates.delete_template_view)
    router.add_get("/admin/components", components.components_page)
    router.add_post(components.COMPONENT, components.set_status_view)
