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


def test_compose_runs_api_replicas_behind_the_proxy():
    spec = yaml.safe_load(COMPOSE.read_text())
    api, proxy = spec["services"]["api"], spec["services"]["proxy"]
    assert "ports" not in api, "a fixed host port would stop `--scale api=3`"
    assert proxy["ports"] == ["127.0.0.1:8000:8080"] and "api" in proxy["depends_on"]
    mount = proxy["volumes"][0].split(":")
    conf = (ROOT / mount[0]).read_text()
    assert mount[1] == "/etc/nginx/nginx.conf"
    assert "listen 8080;" in conf and "set $api http://api:8000;" in conf
    assert "resolver 127.0.0.11" in conf   # re-resolved: scaling needs no reload


# Kubernetes examples (deploy/k8s): kubeconform and kubectl are not installed here, so
# this is a structure check of the fields each kind needs and of how they fit
# together (selectors, ports, secrets, schedule, the Ray entrypoint), not a full
# OpenAPI schema validation.
K8S = ROOT / "deploy" / "k8s"


def _k8s_docs() -> dict[str, dict]:
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            assert {"apiVersion", "kind", "metadata"} <= set(doc), path
            assert doc["metadata"]["name"], path
            docs[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return docs


def _containers(pod_spec: dict) -> list[dict]:
    containers = pod_spec["containers"]
    for c in containers:
        assert c["name"] and c["image"]
        for env in c.get("env", []):
            if "PASSWORD" in env["name"] or "KEYS" in env["name"]:
                assert "secretKeyRef" in env["valueFrom"], f"{env['name']} must be a secret"
                assert "value" not in env
    return containers


def test_k8s_api_deployment_and_service_fit_together():
    docs = _k8s_docs()
    deployment, service = docs["Deployment/mlkg-api"], docs["Service/mlkg-api"]
    assert deployment["apiVersion"] == "apps/v1" and service["apiVersion"] == "v1"
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["selector"].items() <= labels.items()
    (api,) = _containers(spec["template"]["spec"])
    assert api["args"][:2] == ["kg", "serve"]
    port_names = {p["name"]: p["containerPort"] for p in api["ports"]}
    assert str(api["args"][api["args"].index("--port") + 1]) == str(port_names["http"])
    assert service["spec"]["ports"][0]["targetPort"] in port_names
    assert api["readinessProbe"]["httpGet"]["path"] == "/healthz"
    env = {e["name"] for e in api["env"]}
    assert {"MLKG_STORE", "NEO4J_PASSWORD", "MLKG_API_KEYS"} <= env


def test_k8s_weekly_cronjob():
    import tomllib

    from ingest.weekly import WeeklyConfig
    docs = _k8s_docs()
    cron = docs["CronJob/mlkg-weekly"]
    assert cron["apiVersion"] == "batch/v1"
    fields = cron["spec"]["schedule"].split()
    assert len(fields) == 5
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in ("OnFailure", "Never")
    (weekly,) = _containers(pod)
    assert weekly["args"][:2] == ["kg", "weekly"]
    config_map = pod["volumes"][0]["configMap"]["name"]
    toml = docs[f"ConfigMap/{config_map}"]["data"]["weekly.toml"]
    WeeklyConfig.from_dict(tomllib.loads(toml))          # a config the job accepts


def test_k8s_backfill_rayjob():
    docs = _k8s_docs()
    job = docs["RayJob/mlkg-backfill"]
    assert job["apiVersion"] == "ray.io/v1"
    entry = job["spec"]["entrypoint"].split()
    assert entry[:2] == ["kg", "ingest"] and "--executor" in entry
    assert entry[entry.index("--executor") + 1].startswith("ray")
    cluster = job["spec"]["rayClusterSpec"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'"ray[data]=={cluster["rayVersion"]}"' in pyproject   # same Ray as the extra
    _containers(cluster["headGroupSpec"]["template"]["spec"])
    for group in cluster["workerGroupSpecs"]:
        assert group["groupName"] and group["replicas"] >= 1
        _containers(group["template"]["spec"])
