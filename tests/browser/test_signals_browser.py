"""The Signals page in headless Chromium: a control redraws both views that depend on it, uploads, deep links."""

from __future__ import annotations

import pytest

from tests.browser.conftest import TRACE, chart_trace, goto_drawn, metric_value
from tools.live_server import live_server, wait_idle

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'


def test_kernel_length_redraws_the_signal_and_the_window(page, server_url):
    goto_drawn(page, f"{server_url}/signals")
    output, weights = chart_trace(page, "sig_time", 1), chart_trace(page, "sig_window", 1)
    assert len(weights) == 9
    size = page.locator('.st-key-sig_size input[type="range"]')
    size.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({TRACE})(['sig_window', 1])?.length === 10", timeout=30_000)
    wait_idle(page)
    assert "sig_size=10" in page.url
    assert chart_trace(page, "sig_time", 1) != output  # the other view that depends on the kernel: not stale
    assert metric_value(page, "Kernel") == "K = 10"
    assert page.locator(EXCEPTION).count() == 0


def test_csv_upload(page, server_url, tmp_path):
    goto_drawn(page, f"{server_url}/signals")
    path = tmp_path / "prices.csv"
    path.write_text("day,price\n" + "".join(f"{i},{100 + i % 9}\n" for i in range(50)))
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')].some(e => e.innerText === 'N = 50')",
        timeout=30_000,
    )
    wait_idle(page)
    assert page.locator(".st-key-sig_source input").input_value() == "Your upload (CSV or WAV)"
    assert chart_trace(page, "sig_time", 0)[:3] == [100, 101, 102]
    assert page.locator(EXCEPTION).count() == 0


def test_typed_weights_and_a_refusal(page, server_url):
    goto_drawn(page, f"{server_url}/signals?sig_kernel=typed&lang=zh")
    box = page.locator(".st-key-sig_weights input")
    box.fill("1, -1, 2")
    box.press("Enter")
    page.wait_for_function(f"() => ({TRACE})(['sig_window', 1])?.length === 3 && "
                           f"({TRACE})(['sig_window', 1])[2] === 2", timeout=30_000)  # fmt: skip
    wait_idle(page)
    box.fill("1, two")
    box.press("Enter")
    page.get_by_text("“two” 不是数字").wait_for(timeout=30_000)
    wait_idle(page)
    assert chart_trace(page, "sig_window", 1) == [1, -1, 2]  # the last good weights stay
    assert page.locator(EXCEPTION).count() == 0


def test_deep_link_on_first_visit_after_server_start(browser):
    with live_server() as url:
        context = browser.new_context(locale="en-US")
        try:
            pg = context.new_page()
            goto_drawn(pg, f"{url}/signals?sig_source=square&sig_kernel=difference&sig_mode=valid&sig_position=60"
                     "&sig_view=frequency")  # fmt: skip
            assert pg.locator("h1").first.inner_text() == "Signals: 1-D filtering"
            assert pg.locator(".st-key-sig_source input").input_value() == "Square wave"
            assert pg.locator(".st-key-sig_kernel input").input_value() == "Difference [−1, 1]"
            assert pg.locator('.st-key-sig_position input[type="range"]').input_value() == "60"
            assert metric_value(pg, "Output length") == "L = 255"
            assert pg.locator(".st-key-sig_spectrum .js-plotly-plot").count() == 1
        finally:
            context.close()
