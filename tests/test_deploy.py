"""docker-compose.yml: valid for the compose CLI, and shaped as the README says."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from conftest import unavailable

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"


def _compose_cli() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                 capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_config_is_valid():
    cli = _compose_cli()
    if cli is None:
        unavailable("no docker compose CLI (install Debian's docker-compose)")
    env = {**os.environ, "NEO4J_PASSWORD": "secret", "MLKG_API_KEYS": "k1"}
    result = subprocess.run([*cli, "-f", str(COMPOSE), "config", "-q"], capture_output=True,
                            text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_compose_services_and_no_literal_credentials():
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    assert services["neo4j"]["image"] == "neo4j:5.26-community"
    assert "healthcheck" in services["neo4j"] and "neo4j-data" in spec["volumes"]
    assert services["api"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "weekly" in " ".join(services["weekly"]["command"])
    for name in ("neo4j", "api", "weekly"):
        for key, value in services[name].get("environment", {}).items():
            if "PASSWORD" in key or "AUTH" in key or "KEYS" in key:
                assert "${" in str(value), f"{name}.{key} must come from the environment"
