"""Fixtures shared by the browser tests (tests/browser) and the deployment tests (tests/deploy).

One Playwright instance for the whole run: the sync API allows one per thread, so every test that drives
Chromium takes ``browser`` from here.
"""

from __future__ import annotations

import os

import pytest

from tools.live_server import chromium_available, launch_chromium


def require_chromium() -> None:
    """Skip without Chromium, except under ``CI=true``, where browser tests must run (fail)."""
    if chromium_available():
        return
    message = "Chromium not found at /usr/bin/chromium (apt-get install chromium chromium-driver)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: browser tests must run. {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()
