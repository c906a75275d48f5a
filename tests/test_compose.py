"""docker-compose.yml is valid Compose and wires the stack the way the docs say.

Validated offline against the Compose Specification JSON schema shipped in
tests/fixtures/compose-spec.json (see tests/fixtures/README.md for its origin).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from m24.workflows.queues import QUEUES

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = ROOT / "tests" / "fixtures" / "compose-spec.json"
REALM_FILE = ROOT / "deploy" / "keycloak" / "m24-realm.json"

# Services that run once and exit; they need no healthcheck.
ONE_SHOTS = {"migrate"}
# Long-running services that expose no port to probe.
NO_HEALTHCHECK_NEEDED = re.compile(r"^(worker(-.+)?|beat|flower)$")

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def _interpolate(value: Any) -> Any:
    """Resolve ${VAR:-default} / ${VAR:?err} as Compose would with VAR unset."""
    if isinstance(value, str):
        return _VAR.sub(lambda m: m.group(3) if m.group(2) in (":-", "-") else "set", value)
    if isinstance(value, list):
        return [_interpolate(v) for v in value]
    if isinstance(value, dict):
        return {k: _interpolate(v) for k, v in value.items()}
    return value


def _load_compose() -> dict[str, Any]:
    with COMPOSE_FILE.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)  # safe_load resolves anchors and << merge keys
    assert isinstance(data, dict)
    resolved: dict[str, Any] = _interpolate(data)
    return resolved


def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    # The schema declares "https://json-schema.org/draft-07/schema", which jsonschema's
    # lookup (keyed on the http:// URIs) does not know: fall back to Draft 7 explicitly.
    assert "draft-07" in schema["$schema"]
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    cls.check_schema(schema)
    return cls(schema)


def _errors(data: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in _validator().iter_errors(data)]


def _depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deps = service.get("depends_on", {})
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    assert isinstance(deps, dict)
    return deps


def test_compose_file_matches_compose_spec_schema() -> None:
    assert _errors(_load_compose()) == []


def test_long_running_services_have_healthchecks() -> None:
    services = _load_compose()["services"]
    missing = [
        name
        for name, svc in services.items()
        if name not in ONE_SHOTS
        and not NO_HEALTHCHECK_NEEDED.match(name)
        and not (svc.get("healthcheck") and not svc["healthcheck"].get("disable"))
    ]
    assert missing == []


def test_depends_on_targets_exist() -> None:
    services = _load_compose()["services"]
    dangling = [(name, dep) for name, svc in services.items() for dep in _depends_on(svc) if dep not in services]
    assert dangling == []


def test_healthy_conditions_point_at_services_with_healthchecks() -> None:
    services = _load_compose()["services"]
    for name, svc in services.items():
        for dep, spec in _depends_on(svc).items():
            if spec.get("condition") == "service_healthy":
                assert services[dep].get("healthcheck"), f"{name} waits for {dep}'s health"
            if spec.get("condition") == "service_completed_successfully":
                assert dep in ONE_SHOTS, f"{name} waits for long-running {dep} to exit"


def test_api_waits_for_healthy_backends_and_migrations() -> None:
    services = _load_compose()["services"]
    api = services["api"]
    deps = _depends_on(api)
    assert deps["postgres"]["condition"] == "service_healthy"
    assert deps["rabbitmq"]["condition"] == "service_healthy"
    assert deps["migrate"]["condition"] == "service_completed_successfully"
    assert api["command"][:2] == ["m24", "serve"] and "--no-worker" in api["command"]
    assert "/healthz" in " ".join(api["healthcheck"]["test"])
    env = api["environment"]
    assert env["M24_ENV"] == "production"
    assert env["M24_DATABASE_URL"].startswith("postgresql://")
    assert env["M24_BROKER_URL"].startswith("amqp://")
    assert env["M24_ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
    assert env["M24_KEYCLOAK_URL"] == "http://keycloak:8080/realms/m24"
    assert services["migrate"]["command"] == ["m24", "db", "upgrade"]


def test_every_queue_has_a_worker() -> None:
    services = _load_compose()["services"]
    consumed: list[str] = []
    for tier in ("central", "regional", "private", "default"):
        cmd = services[f"worker-{tier}"]["command"]
        assert cmd[:3] == ["m24", "worker", "--queues"]
        consumed += cmd[3].split(",")
    assert sorted(consumed) == sorted(QUEUES), "each queue consumed by exactly one worker service"
    assert services["beat"]["command"] == ["m24", "beat"]


def test_build_contexts_and_realm_exist() -> None:
    services = _load_compose()["services"]
    for svc in services.values():
        build = svc.get("build")
        if build is None:
            continue
        context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
        assert (context / dockerfile).is_file(), context / dockerfile
    realm = json.loads(REALM_FILE.read_text(encoding="utf-8"))
    assert realm["realm"] == "m24"
    assert {r["name"] for r in realm["roles"]["realm"]} >= {
        "sme_representative",
        "sme_staff",
        "specialist_member",
        "agency_reviewer",
        "agency_approver",
        "agency_admin",
        "platform_admin",
    }
    clients = {c["clientId"]: c for c in realm["clients"]}
    assert clients["m24-web"]["attributes"]["pkce.code.challenge.method"] == "S256"
    assert clients["m24-web"]["publicClient"] is False
    assert realm["accessTokenLifespan"] == 300 and realm["bruteForceProtected"] is True


def _break_ports(d: dict[str, Any]) -> None:
    d["services"]["api"]["ports"] = "not-a-list"


def _break_top_level(d: dict[str, Any]) -> None:
    d["servicez"] = {}


def _break_condition(d: dict[str, Any]) -> None:
    d["services"]["api"]["depends_on"]["postgres"]["condition"] = "service_ready"


def _break_service_key(d: dict[str, Any]) -> None:
    d["services"]["postgres"]["helthcheck"] = d["services"]["postgres"].pop("healthcheck")


@pytest.mark.parametrize("breaker", [_break_ports, _break_top_level, _break_condition, _break_service_key])
def test_schema_rejects_broken_compose_files(breaker: Any) -> None:
    broken = copy.deepcopy(_load_compose())
    breaker(broken)
    assert _errors(broken), f"{breaker.__name__} was accepted"
