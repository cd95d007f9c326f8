"""The Layers page in headless Chromium: a typed list rebuilds the model, a refusal keeps the last good one, a
deep link restores a preset, and train vs eval shows the dropout pictures."""

from __future__ import annotations

import pytest

from tests.browser.conftest import goto, metric_value
from tools.live_server import wait_idle

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'


def _type(page, text: str) -> None:
    box = page.locator(".st-key-lay_layers textarea")
    box.fill(text)
    box.press("Control+Enter")  # Streamlit applies a text area on Ctrl+Enter (or on leaving it)
    wait_idle(page)


def test_typed_layers_rebuild_and_a_refusal_keeps_the_last_good(page, server_url):
    goto(page, f"{server_url}/layers")
    assert metric_value(page, "Parameters (formulas)") == "212"
    _type(page, "Linear(8, 32)\nTanh()\nLinear(32, 2)")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')].some(e => e.innerText === '354')",
        timeout=30_000,
    )  # 8·32 + 32 + 32·2 + 2
    assert "lay_layers=" in page.url
    _type(page, "Linear(8, 32)\nimport os")
    page.get_by_text("is not a layer").wait_for(timeout=30_000)
    assert metric_value(page, "Parameters (formulas)") == "354"  # still the last good list
    assert page.locator(EXCEPTION).count() == 0


def test_deep_link_restores_a_preset_and_modes_draw(page, server_url):
    url = f"{server_url}/layers?lay_view=modes&lay_preset=mlp&lay_seed=5&lang=zh"
    goto(page, url)
    page.locator(".st-key-lay_dropout .js-plotly-plot").wait_for(timeout=30_000)
    assert page.locator(".st-key-lay_preset input").input_value() == "带 Dropout 的 MLP"
    assert page.locator(".st-key-lay_seed input").input_value() == "5"
    assert metric_value(page, "eval：第 1 次与第 2 次") == "0"
    assert page.locator(EXCEPTION).count() == 0
