"""deploy/compose.yaml checked without Docker (no daemon here): it parses, it is valid against
the Compose Specification's JSON schema (the copy vendored by check-jsonschema, pinned), its
references resolve, and every environment variable is one its image documents."""
from __future__ import annotations

import configparser
import json
import re
import subprocess
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml

from spamline.jobs.config import load_jobs

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

# Elasticsearch image: ES settings given as dotted env names, plus the image's own variables
# (Elastic's "Install Elasticsearch with Docker": ELASTIC_PASSWORD(_FILE), ES_JAVA_OPTS; the
# settings are from the security, discovery, node and license settings references).
ES_IMAGE_VARS = {"ELASTIC_PASSWORD", "ELASTIC_PASSWORD_FILE", "ES_JAVA_OPTS"}
ES_SETTINGS = {
    "node.name", "cluster.name", "discovery.type", "bootstrap.memory_lock",
    "xpack.security.enabled", "xpack.license.self_generated.type",
    *(f"xpack.security.{layer}.ssl.{key}" for layer in ("http", "transport")
      for key in ("enabled", "key", "certificate", "certificate_authorities")),
    "xpack.security.transport.ssl.verification_mode",
}
# Kibana image: its kibana-docker script turns the settings it lists into env names
# (upper case, dots to underscores); these are the ones used here, from that list.
KIBANA_SETTINGS = {"server.name", "elasticsearch.hosts", "elasticsearch.username",
                   "elasticsearch.password", "elasticsearch.ssl.certificateAuthorities"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def kibana_env(setting: str) -> str:
    return setting.upper().replace(".", "_")


def schema_errors(doc: dict) -> list[str]:
    schema_file = files("check_jsonschema") / "builtin_schemas/vendor/compose-spec.json"
    schema = json.loads(schema_file.read_text())
    validator = jsonschema.validators.validator_for(schema)(
        schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


def test_valid_against_the_compose_spec_schema(compose: dict) -> None:
    assert schema_errors(compose) == []


def test_the_schema_check_catches_mistakes(compose: dict) -> None:
    broken = json.loads(json.dumps(compose))
    broken["services"]["es01"]["depends_on"]["setup"]["condition"] = "service_finished"
    broken["services"]["redis"]["helthcheck"] = broken["services"]["redis"].pop("healthcheck")
    broken["services"]["worker"]["deploy"]["replica"] = 2
    errors = schema_errors(broken)
    assert {e.split(":")[0] for e in errors} >= {
        "services/es01/depends_on", "services/redis", "services/worker/deploy"}, errors


def test_references_resolve(compose: dict) -> None:
    services, volumes = compose["services"], set(compose["volumes"])
    for name, svc in services.items():
        for dep in svc.get("depends_on", {}):
            assert dep in services, (name, dep)
        for mount in svc.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).is_file(), (name, source)
            elif ":" in mount:
                assert source in volumes, (name, source)
        if build := svc.get("build"):
            dockerfile = (DEPLOY / build["context"] / build["dockerfile"]).resolve()
            stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile.read_text(), re.M)
            assert build["target"] in stages, (name, build["target"])


def test_security_is_on_with_generated_passwords(compose: dict) -> None:
    es = compose["services"]["es01"]["environment"]
    assert es["xpack.security.enabled"] == "true" and es["discovery.type"] == "single-node"
    assert "ELASTIC_PASSWORD" not in es and es["ELASTIC_PASSWORD_FILE"].startswith("/secrets/")
    setup = (DEPLOY / "setup.sh").read_text()
    assert "/dev/urandom" in setup
    for secret in ("elastic_password", "kibana_password", "spamline_password"):
        assert secret in setup
    assert all(not re.search(r"PASSWORD[\"']?:\s*\S", json.dumps(svc.get("environment", {})))
               for svc in compose["services"].values()), "a password in the compose file"
    for svc in compose["services"].values():  # nothing listens beyond the host's loopback
        assert all(p.startswith("127.0.0.1:") for p in svc.get("ports", []))


def test_environment_variables_are_documented(compose: dict) -> None:
    services = compose["services"]
    for name in ("es01",):
        for var in services[name]["environment"]:
            assert var in ES_IMAGE_VARS or var in ES_SETTINGS, (name, var)
    kibana = {kibana_env(s) for s in KIBANA_SETTINGS}
    for var in services["kibana"]["environment"]:
        assert var in kibana, var
    assert "ELASTICSEARCH_PASSWORD" in services["kibana"]["entrypoint"][-1]
    source = "\n".join(p.read_text() for p in (ROOT / "spamline").rglob("*.py"))
    for name, svc in services.items():
        for var in svc.get("environment", {}):
            if var.startswith("SPAMLINE_") and var != "SPAMLINE_ES_URL":  # the tests' own
                assert f'"{var}"' in source, (name, var)


def test_workers_share_the_frontier_and_the_store(compose: dict, tmp_path: Path) -> None:
    services = compose["services"]
    assert services["worker"]["deploy"]["replicas"] == "${SPAMLINE_WORKERS:-2}"
    (job,) = load_jobs(DEPLOY / "jobs.toml")
    assert job.frontier == "redis://redis:6379/0" and "redis" in services
    assert job.store == services["worker"]["environment"]["SPAMLINE_STORE"] == "https://es01:9200"
    scrapyd = configparser.ConfigParser()
    scrapyd.read(DEPLOY / "scrapyd.conf")
    assert scrapyd["scrapyd"]["bind_address"] == "0.0.0.0"
    assert services["contract"]["command"][-3:] == ["-m", "es", "tests/store"]


@pytest.mark.parametrize("script", ["setup.sh", "users.sh"])
def test_shell_scripts_parse(script: str) -> None:
    check = subprocess.run(["bash", "-n", str(DEPLOY / script)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_the_contract_suite_reaches_es01_with_the_spamline_user(compose: dict) -> None:
    env = compose["services"]["contract"]["environment"]
    assert env["SPAMLINE_ES_URL"] == "https://es01:9200" and "SPAMLINE_STORE" not in env
    assert env["SPAMLINE_ES_USER"] == "spamline"
    users = (DEPLOY / "users.sh").read_text()
    assert "/_security/user/spamline" in users and '"names": ["spamline*"]' in users
