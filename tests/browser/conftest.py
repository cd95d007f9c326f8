"""Browser tests: the real server in Debian's headless Chromium (DESIGN §7).

Without Chromium they skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os

import pytest

from tools.live_server import chromium_available, launch_chromium, live_server, wait_idle

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if chromium_available():
        return
    message = "Chromium not found at /usr/bin/chromium (apt-get install chromium chromium-driver)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: browser tests must run. {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def server_url():
    _require_chromium()
    with live_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    yield pg
    context.close()


def goto(page, url: str) -> None:
    """Load ``url`` and wait until the first script run has drawn the page and finished."""
    page.goto(url)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    wait_idle(page)


def output_image_src(page) -> str:
    """The second picture in the main area is the convolution output."""
    return page.locator('[data-testid="stMain"] [data-testid="stImage"] img').nth(1).get_attribute("src")
