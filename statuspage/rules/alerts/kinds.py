"""Every rule kind, found from the registries the kinds join when their modules load."""

from __future__ import annotations

from statuspage.rules.alerts import freshness_rules, response_rules  # noqa: F401  (register kinds)
from statuspage.rules.alerts.component_rules import COMPONENT_KINDS
from statuspage.rules.alerts.site_rules import SITE_KINDS

ALL_KINDS: tuple[str, ...] = (*COMPONENT_KINDS.names(), *SITE_KINDS.names())
LATENCY_KINDS = {"latency_p95": "p95", "latency_p99": "p99", "latency_average": "average"}
