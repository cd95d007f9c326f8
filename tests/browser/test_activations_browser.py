"""The Activations page in headless Chromium: the curve follows its controls, deep links restore the settings,
the network trains live beside the linear model, and an Identity stack shows its collapse."""

from __future__ import annotations

import pytest

from tests.browser.conftest import TRACE, chart_trace, goto_drawn, metric_value
from tools.live_server import wait_idle

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
# Every progress text the page shows, recorded as it changes.
WATCH = """() => { window.__seen = [];
  new MutationObserver(() => { const p = document.querySelector('[data-testid="stProgress"]');
    const s = p && p.innerText; if (s && s !== window.__seen.at(-1)) window.__seen.push(s); })
  .observe(document.body, { subtree: true, childList: true, characterData: true }); }"""


def test_x_slider_moves_the_point_on_both_curves(page, server_url):
    goto_drawn(page, f"{server_url}/activations")
    before = chart_trace(page, "act_curves", 4)  # the point on f'
    x = page.locator('.st-key-act_x input[type="range"]')
    x.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({TRACE})(['act_curves', 4])?.[0] !== {before[0]}", timeout=30_000)
    wait_idle(page)
    assert "act_x=1.1" in page.url
    assert float(metric_value(page, "f′(1.1)")) == pytest.approx(0.3592, abs=1e-4)  # 1 - tanh(1.1)^2
    assert page.locator(EXCEPTION).count() == 0


def test_deep_link_restores_the_curve(page, server_url):
    goto_drawn(page, f"{server_url}/activations?act_curve=sigmoid&act_x=0&lang=zh")
    assert page.locator(".st-key-act_curve input").input_value() == "Sigmoid"
    assert page.locator('.st-key-act_x input[type="range"]').input_value() == "0"
    assert metric_value(page, "f′(0)") == "0.25"
    assert page.get_by_text("激活函数").first.is_visible()


def test_network_trains_live_and_beats_the_linear_model(page, server_url):
    goto_drawn(page, f"{server_url}/activations?act_view=network&act_epochs=2000&act_seed=3")
    page.evaluate(WATCH)
    page.locator(".st-key-act_train_button button").click()
    page.wait_for_function("() => window.__seen.some(s => s.startsWith('Epoch 2000 of 2000'))", timeout=60_000)
    wait_idle(page)
    seen = page.evaluate("() => window.__seen")
    assert len({s for s in seen if s.startswith("Epoch")}) >= 3, seen  # drawn live, not only at the end
    for key in ("act_regions", "act_linear"):  # each model's regions beside the other's
        assert page.evaluate(f"() => document.querySelector('.st-key-{key} .js-plotly-plot').layout.images.length") == 1
    rows = page.locator('[data-testid="stMarkdown"] table').first.locator("tbody tr")
    network, linear = (rows.nth(i).locator("td").nth(2).inner_text() for i in (0, 1))
    assert float(network.rstrip("%")) > float(linear.rstrip("%")) + 20
    assert page.locator(EXCEPTION).count() == 0


def test_identity_link_shows_the_collapse(page, server_url):
    goto_drawn(page, f"{server_url}/activations?act_view=network&act_act1=identity&act_act2=identity&act_epochs=50")
    page.get_by_text("multiplied into one").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator(".st-key-act_act1 input").input_value() == "Identity (none)"
    images = page.evaluate("() => document.querySelector('.st-key-act_collapsed .js-plotly-plot').layout.images.length")
    assert images == 2
    assert page.locator(EXCEPTION).count() == 0
