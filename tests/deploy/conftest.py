"""Deployment tests (deploy/): HAProxy from Debian; no browser.

Without HAProxy the tests that need it skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os

import pytest

from deploy.cluster import HAPROXY, haproxy_available


def require_haproxy() -> None:
    if haproxy_available():
        return
    message = f"HAProxy not found at {HAPROXY} (apt-get install haproxy)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: deployment tests must run. {message}")
    pytest.skip(message)


@pytest.fixture
def haproxy() -> str:
    require_haproxy()
    return HAPROXY
