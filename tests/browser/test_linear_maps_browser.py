"""The Linear maps page in headless Chromium: a matrix entry redraws the plane and the picture, the animation
plays from the identity to W + b, a deep link restores a preset in Chinese."""

from __future__ import annotations

import pytest

from tests.browser.conftest import goto_drawn, metric_value
from tools.live_server import wait_idle

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
# The x of the moved unit square's third corner (1, 1) as plotly.js holds it, found by the trace's name.
CORNER = """([key, name]) => { const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const tr = gd && gd.data.find(t => t.name === name); return tr ? tr.x[2] : null; }"""


def test_an_entry_redraws_the_plane_and_the_picture(page, server_url):
    goto_drawn(page, f"{server_url}/linear-maps")
    corner = page.evaluate(CORNER, ["lin_plane", "unit square after"])
    assert corner == pytest.approx(1.5)  # W (1, 1) = (1 + 0.5, 0.25 + 1.25)
    picture = page.locator(".st-key-lin_picture image").get_attribute("href")
    entry = page.locator('.st-key-lin_w01 input[type="range"]')
    entry.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({CORNER})(['lin_plane', 'unit square after']) > 1.52", timeout=30_000)
    wait_idle(page)
    assert page.evaluate(CORNER, ["lin_plane", "unit square after"]) == pytest.approx(1.55)
    assert "lin_w01=0.55" in page.url and "lin_preset" not in page.url  # custom is the default
    assert metric_value(page, "det W") == "1.11"  # 1 · 1.25 − 0.55 · 0.25
    page.wait_for_function(
        f"() => document.querySelector('.st-key-lin_picture image')?.getAttribute('href') !== {picture!r}",
        timeout=30_000,
    )
    assert page.locator(EXCEPTION).count() == 0


def test_play_moves_from_the_identity_to_the_map(page, server_url):
    goto_drawn(page, f"{server_url}/linear-maps?lin_b0=1")
    page.evaluate(
        f"() => {{ window.__xs = []; window.__tick = setInterval(() => "
        f"window.__xs.push(({CORNER})(['lin_plane', 'unit square after'])), 20); }}"
    )
    page.locator(".st-key-lin_plane .updatemenu-button").first.click()
    page.wait_for_timeout(2500)  # 25 frames of 60 ms
    xs = page.evaluate("() => { clearInterval(window.__tick); return window.__xs; }")
    distinct = sorted({round(x, 6) for x in xs})
    assert distinct[0] == pytest.approx(1.0) and distinct[-1] == pytest.approx(2.5)  # identity ... W + b
    assert len(distinct) >= 6, distinct  # frames in between, not a jump
    assert xs[-1] == pytest.approx(2.5)


def test_deep_link_restores_a_preset_in_chinese(page, server_url):
    goto_drawn(page, f"{server_url}/linear-maps?lin_preset=reflection&lin_angle=45&lang=zh")
    assert page.locator(".st-key-lin_preset input").input_value() == "关于直线的反射"
    assert page.locator('.st-key-lin_angle input[type="range"]').input_value() == "45"
    assert page.locator('.st-key-lin_w01 input[type="range"]').input_value() == "1"  # sin 90°
    assert metric_value(page, "det W") == "-1"
    page.get_by_text("镜像").first.wait_for(timeout=30_000)
    assert page.locator(EXCEPTION).count() == 0
