"""Browser tests: the real server in Debian's headless Chromium (DESIGN §7).

Without Chromium they skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import pytest

from tests.conftest import require_chromium
from tools.live_server import live_server, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def server_url():
    require_chromium()
    with live_server() as url:
        yield url


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
