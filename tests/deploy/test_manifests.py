"""deploy/k8s/ against Kubernetes' own schemas (strict, offline), and what the manifests promise."""

from __future__ import annotations

import re

import kubernetes_validate
import pytest
import yaml

from tools.live_server import ROOT

K8S = ROOT / "deploy" / "k8s"
# The oldest Kubernetes the schemas bundle and the newest: policy/v1 and networking.k8s.io/v1 are in both.
VERSIONS = ["1.25", kubernetes_validate.latest_version()]
DOCS = [(path.name, doc) for path in sorted(K8S.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text())]


def one(kind: str) -> dict:
    (doc,) = [d for _, d in DOCS if d["kind"] == kind]
    return doc


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("name", "doc"), DOCS, ids=[f"{n}:{d['kind']}" for n, d in DOCS])
def test_manifest_validates_strictly(name, doc, version):
    kubernetes_validate.validate(doc, version, strict=True)


def test_strict_validation_catches_a_typo():
    doc = {**one("Deployment"), "spec": {**one("Deployment")["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, VERSIONS[-1], strict=True)


def test_every_kind_is_there():
    assert sorted(d["kind"] for _, d in DOCS) == ["Deployment", "Ingress", "PodDisruptionBudget", "Service"]


def test_deployment_probes_resources_and_secret():
    spec = one("Deployment")["spec"]
    assert spec["replicas"] >= 2
    (container,) = spec["template"]["spec"]["containers"]
    port = container["ports"][0]
    assert port["containerPort"] == 8501
    ready, live = container["readinessProbe"], container["livenessProbe"]
    for probe in (ready, live):
        assert probe["httpGet"]["path"] == "/_stcore/health"
        assert probe["httpGet"]["port"] in (port["name"], 8501)
    # Lenient liveness: at least 2 minutes of failed checks before a restart.
    assert live["initialDelaySeconds"] >= 30 and live["periodSeconds"] * live["failureThreshold"] >= 120
    resources = container["resources"]
    assert resources["limits"]["memory"] == "2Gi"
    assert resources["requests"]["memory"] and resources["requests"]["cpu"]
    (secret,) = [e for e in container["env"] if e["name"] == "STREAMLIT_SERVER_COOKIE_SECRET"]
    assert set(secret["valueFrom"]["secretKeyRef"]) == {"name", "key"}
    assert "value" not in secret  # never the secret itself in the repository
    assert spec["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_selectors_and_ports_line_up():
    labels = one("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert one("Deployment")["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert one("Service")["spec"]["selector"].items() <= labels.items()
    assert one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert one("PodDisruptionBudget")["spec"]["minAvailable"] == 1
    service = one("Service")
    (path,) = one("Ingress")["spec"]["rules"][0]["http"]["paths"]
    backend = path["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in [p["name"] for p in service["spec"]["ports"]]
    container_ports = [p["name"] for p in one("Deployment")["spec"]["template"]["spec"]["containers"][0]["ports"]]
    assert all(p["targetPort"] in container_ports for p in service["spec"]["ports"])


def test_ingress_cookie_affinity_timeouts_and_body_size():
    notes = one("Ingress")["metadata"]["annotations"]
    key = "nginx.ingress.kubernetes.io/"
    assert notes[key + "affinity"] == "cookie"
    assert notes[key + "affinity-mode"] == "persistent"
    assert notes[key + "session-cookie-name"]
    assert int(notes[key + "proxy-read-timeout"]) >= 3600
    assert int(notes[key + "proxy-send-timeout"]) >= 3600
    # Above the app's own upload limit (.streamlit/config.toml, megabytes).
    limit = int(re.search(r"^maxUploadSize = (\d+)", (ROOT / ".streamlit/config.toml").read_text(), re.M)[1])
    assert int(notes[key + "proxy-body-size"].removesuffix("m")) > limit
    assert "sessionAffinity" not in one("Service")["spec"] or one("Service")["spec"]["sessionAffinity"] == "None"


def test_compose_replicas_match_the_static_haproxy_config():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    servers = re.findall(r"^\s*server \S+ (\S+):8501\b", (ROOT / "deploy" / "haproxy.cfg").read_text(), re.M)
    replicas = [name for name, svc in compose["services"].items() if svc.get("build")]
    assert sorted(servers) == sorted(replicas) and len(replicas) >= 2
    for name in replicas:
        env = compose["services"][name]["environment"]
        assert env["STREAMLIT_SERVER_COOKIE_SECRET"].startswith("${COOKIE_SECRET:?")  # required, never a default
        assert compose["services"][name]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert "8600:8600" in compose["services"]["balancer"]["ports"]
