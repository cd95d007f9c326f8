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


TRACE = "([key, i]) => document.querySelector(`.st-key-${key} .js-plotly-plot`)?.data?.[i]?.y"


def chart_trace(page, key: str, i: int) -> list:
    """The y values of trace ``i`` of the chart keyed ``key``, as plotly.js holds them."""
    return page.evaluate(TRACE, [key, i])


def goto_drawn(page, url: str) -> None:
    """Load the page and wait until every chart is drawn (plotly.js draws after the run has finished)."""
    goto(page, url)
    page.wait_for_function(
        "() => { const c = [...document.querySelectorAll('.ml-chart')];"
        " return c.length > 0 && c.every(e => e.hasAttribute('data-drawn')); }",
        timeout=30_000,
    )


def metric_value(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()
