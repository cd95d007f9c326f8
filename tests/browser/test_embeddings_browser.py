"""The Embeddings page in headless Chromium: choosing a word lights its row, training draws the loss live and
ends with the neighbours, a deep link restores the patch view in Chinese."""

from __future__ import annotations

import pytest

from components.compute import embeddings as E
from tests.browser.conftest import goto, goto_drawn, metric_value
from tools.live_server import wait_idle

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
LOOKED = '.mlp-emb-table tr[data-row="looked"] th'
# How many epochs the drawn loss curve holds, every 20 ms (the curve grows while the run trains).
WATCH = """() => { window.__lens = []; window.__tick = setInterval(() => {
  const gd = document.querySelector('.st-key-emb_chart .js-plotly-plot');
  const n = gd && gd.data && gd.data[0].y ? gd.data[0].y.length : 0;
  if (n !== window.__lens.at(-1)) window.__lens.push(n); }, 20); }"""


def test_choosing_a_word_lights_its_row(page, server_url):
    goto(page, f"{server_url}/embeddings")
    corpus = E.load_corpus("en")
    page.locator(LOOKED).first.wait_for(timeout=30_000)
    assert page.locator(LOOKED).nth(1).inner_text() == "king"
    box = page.locator(".st-key-emb_word input")
    box.click()
    box.fill("cat")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('{LOOKED}')[1]?.innerText === 'cat'", timeout=30_000)
    wait_idle(page)
    assert page.locator(LOOKED).first.inner_text() == str(corpus.index["cat"])
    assert "emb_word=cat" in page.url and metric_value(page, "lookup vs one-hot product") == "equal"
    assert page.locator(EXCEPTION).count() == 0


def test_training_draws_live_and_ends_with_the_neighbours(page, server_url):
    goto_drawn(page, f"{server_url}/embeddings?emb_view=train&emb_epochs=50")
    page.evaluate(WATCH)
    epochs = page.locator('.st-key-emb_epochs input[type="range"]')
    epochs.focus()
    for _ in range(18):  # 50 -> 950 epochs: a new run
        page.keyboard.press("ArrowRight")
    page.get_by_text("Epoch 950 of 950").wait_for(timeout=60_000)
    wait_idle(page)
    page.wait_for_timeout(300)
    lens = page.evaluate("() => { clearInterval(window.__tick); return window.__lens; }")
    assert lens[-1] == 950 and len([n for n in lens if 0 < n < 950]) >= 3, lens  # drawn while it trained
    page.get_by_text("Nearest words to “king”").wait_for(timeout=30_000)
    assert "emb_epochs=950" in page.url and page.locator(EXCEPTION).count() == 0


def test_deep_link_restores_the_patches_in_chinese(page, server_url):
    goto(page, f"{server_url}/embeddings?emb_view=images&emb_patch=28&emb_dim=64&lang=zh")
    page.locator('[data-testid="stMain"] [data-testid="stImage"] img').first.wait_for(timeout=30_000)
    assert metric_value(page, "图块数") == "N = 64"
    assert metric_value(page, "图块词元 (N, d)") == "(64, 64)"
    assert page.locator('.st-key-emb_patch [data-testid="stSliderThumbValue"]').inner_text() == "28"
    assert page.locator(EXCEPTION).count() == 0
