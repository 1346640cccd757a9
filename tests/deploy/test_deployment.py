"""compose.yaml and the Kubernetes example, read as the tools read them: valid against
their schemas (the Compose Specification's, and Kubernetes' own through
kubernetes-validate), and shaped as docs/scaling.md says: PostgreSQL, an upgrade run
before anything else, two web servers and three probe workers, health on /healthz."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from jsonschema import Draft7Validator  # type: ignore[import-untyped]

from statuspage.cli import command_modules

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE = ROOT / "compose.yaml"
KUBERNETES = ROOT / "deploy" / "kubernetes" / "statuspage.yaml"
COMPOSE_SCHEMA = Path(__file__).with_name("compose_spec.json")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return loaded


def kubernetes() -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(KUBERNETES.read_text("utf-8")) if d]


def by_kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in kubernetes() if d["kind"] == kind]


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workload["spec"]["template"]["spec"]["containers"]
    return found


def test_compose_is_valid_against_the_compose_specification() -> None:
    schema = json.loads(COMPOSE_SCHEMA.read_text("utf-8"))
    errors = [e.message for e in Draft7Validator(schema).iter_errors(compose())]
    assert errors == []


def test_the_compose_check_notices_a_mistake() -> None:
    schema = json.loads(COMPOSE_SCHEMA.read_text("utf-8"))
    broken = compose()
    broken["services"]["web-a"]["comand"] = ["statuspage", "serve"]
    assert list(Draft7Validator(schema).iter_errors(broken))


def test_compose_runs_postgres_two_web_servers_and_three_workers() -> None:
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    web = [s for s in services.values() if s.get("command") == ["statuspage", "serve"]]
    assert len(web) == 2
    worker = services["worker"]
    assert worker["command"][:2] == ["statuspage", "probe"]
    assert worker["deploy"]["replicas"] == 3
    assert "/healthz" in " ".join(worker["healthcheck"]["test"])


def test_in_compose_everything_waits_for_the_schema_upgrade() -> None:
    services = compose()["services"]
    assert services["upgrade"]["command"] == ["statuspage", "db", "upgrade"]
    for name in ("web-a", "web-b", "worker"):
        after = services[name]["depends_on"]
        assert after["upgrade"]["condition"] == "service_completed_successfully"
        assert after["postgres"]["condition"] == "service_healthy"


def test_compose_web_servers_share_one_database_and_one_secret_key() -> None:
    services = compose()["services"]
    environments = [services[n]["environment"] for n in ("web-a", "web-b", "worker")]
    assert len({e["STATUSPAGE_DATABASE_URL"] for e in environments}) == 1
    assert environments[0]["STATUSPAGE_SECRET_KEY"] == environments[1]["STATUSPAGE_SECRET_KEY"]
    assert environments[0]["STATUSPAGE_DATABASE_URL"].startswith("postgresql://")


@pytest.mark.parametrize("index", range(4))
def test_each_kubernetes_object_is_valid_against_kubernetes_own_schema(index: int) -> None:
    resource = kubernetes()[index]
    kubernetes_validate.validate(resource, kubernetes_validate.latest_version(), strict=True)


def test_the_kubernetes_check_notices_a_mistake() -> None:
    web = by_kind("Deployment")[0]
    containers(web)[0]["readinessProbe"]["httpGet"]["pth"] = "/healthz"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(web, kubernetes_validate.latest_version(), strict=True)


def test_kubernetes_runs_web_and_workers_with_probes_on_healthz() -> None:
    web, worker = by_kind("Deployment")
    assert containers(web)[0]["command"] == ["statuspage", "serve"]
    assert containers(worker)[0]["command"][:2] == ["statuspage", "probe"]
    assert (web["spec"]["replicas"], worker["spec"]["replicas"]) == (2, 3)
    for deployment in (web, worker):
        (container,) = containers(deployment)
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"]["path"] == "/healthz"


def test_kubernetes_upgrades_the_schema_in_a_job() -> None:
    (job,) = by_kind("Job")
    (container,) = containers(job)
    assert container["command"] == ["statuspage", "db", "upgrade"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] in ("OnFailure", "Never")


def test_kubernetes_and_compose_run_the_commands_the_program_has() -> None:
    subparsers = argparse.ArgumentParser().add_subparsers()
    for module in command_modules():
        module.add_parser(subparsers)
    workloads = [d for d in kubernetes() if "template" in d.get("spec", {})]
    commands = [c["command"][1] for d in workloads for c in containers(d)]
    commands += [s["command"][1] for s in compose()["services"].values() if "command" in s]
    assert set(commands) <= set(subparsers.choices)
