"""The balancer's configuration: HAProxy accepts it, and it keeps a browser on its replica."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from deploy import balancer
from tools.live_server import ROOT

STATIC = ROOT / "deploy" / "haproxy.cfg"
STATIC_ARGS = ["--front", ":8600", "--dns", "127.0.0.11:53", "app1:8501", "app2:8501"]


def haproxy_check(haproxy: str, cfg: Path) -> subprocess.CompletedProcess:
    return subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)


def test_loopback_config_for_two_backends_is_valid(haproxy, tmp_path):
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(balancer.loopback([8501, 8502], 8600))
    result = haproxy_check(haproxy, cfg)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr


def test_static_config_is_valid(haproxy):
    result = haproxy_check(haproxy, STATIC)
    assert result.returncode == 0, result.stderr
    # app1/app2 exist only inside Docker's network: here they are unresolved, nothing else is wrong.
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert all("could not resolve address" in line for line in warnings), result.stderr


def test_static_config_is_the_generators_output(capsys):
    balancer.main(STATIC_ARGS)
    command = f"python -m deploy.balancer {' '.join(STATIC_ARGS)} > deploy/haproxy.cfg"
    assert STATIC.read_text() == capsys.readouterr().out, f"deploy/haproxy.cfg is out of date: {command}"


def directives(cfg: str) -> list[str]:
    """The config's lines without comments and indentation."""
    return [line.split("#")[0].strip() for line in cfg.splitlines() if line.split("#")[0].strip()]


@pytest.mark.parametrize("cfg", [balancer.loopback([8501, 8502, 8503], 8600), STATIC.read_text()])
def test_cookie_stickiness_health_checks_and_failover(cfg):
    lines = directives(cfg)
    assert "balance roundrobin" in lines
    assert any(re.fullmatch(r"cookie SERVERID insert indirect nocache\b.*", line) for line in lines)
    # Never source/IP affinity: one NAT address would carry a whole classroom to one backend.
    assert not any(re.match(r"(balance (source|hdr)|stick)", line) for line in lines)
    servers = [line for line in lines if line.startswith("server ")]
    assert servers and all(re.search(r"\bcookie (\S+)$", s) for s in servers)
    assert len({s.split()[-1] for s in servers}) == len(servers)  # one cookie value per replica
    assert "option httpchk GET /_stcore/health" in lines
    assert "http-check expect string ok" in lines
    assert any(line.startswith("default-server check") for line in lines)
    assert any(line.startswith("option redispatch") for line in lines)
    assert any(re.fullmatch(r"retries [1-9]\d*", line) for line in lines)
    assert "timeout tunnel 1h" in lines  # the websocket of an open lesson
    assert "timeout client 1h" in lines and "timeout server 1h" in lines
    assert not any(line.startswith(("http-request deny", "option http-buffer-request")) for line in lines)


def test_no_backend_is_refused():
    with pytest.raises(ValueError):
        balancer.render([])
