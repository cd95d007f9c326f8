"""The Loss functions page in headless Chromium: the outlier control redraws the line and the loss curves, a
logit slider redraws the probabilities, deep links restore the settings."""

from __future__ import annotations

import pytest

from tests.browser.conftest import TRACE, chart_trace, goto_drawn, metric_value
from tools.live_server import wait_idle

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'


def test_outlier_slider_moves_the_point_and_the_mse(page, server_url):
    goto_drawn(page, f"{server_url}/losses")
    before = float(metric_value(page, "MSE"))
    outlier_y = chart_trace(page, "loss_fit", 6)  # the outlier's marker
    slider = page.locator('.st-key-loss_outlier input[type="range"]')
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({TRACE})(['loss_fit', 6])?.[0] > {outlier_y[0] + 1.5}", timeout=30_000)
    wait_idle(page)
    assert "loss_outlier=2" in page.url
    assert float(metric_value(page, "MSE")) > before
    assert page.locator(EXCEPTION).count() == 0


def test_logit_slider_redraws_the_probabilities(page, server_url):
    goto_drawn(page, f"{server_url}/losses?loss_view=classification")
    probs = chart_trace(page, "loss_softmax", 1)
    z = page.locator('.st-key-loss_z2 input[type="range"]')
    z.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({TRACE})(['loss_softmax', 1])?.[1] > {probs[1]}", timeout=30_000)
    wait_idle(page)
    assert "loss_z2=1.1" in page.url
    assert page.locator(EXCEPTION).count() == 0


def test_deep_link_restores_the_example(page, server_url):
    goto_drawn(page, f"{server_url}/losses?loss_view=classification&loss_classes=4&loss_true=3&loss_z4=6&lang=zh")
    assert page.locator(".st-key-loss_true input").input_value() == "类别 3"
    assert page.locator('.st-key-loss_z4 input[type="range"]').input_value() == "6"
    assert len(chart_trace(page, "loss_softmax", 0)) == 4
    assert page.locator(EXCEPTION).count() == 0
