"""The Upsampling page in headless Chromium: the factor redraws the crops, a click picks a tiny-map cell,
a first-visit deep link restores the view."""

from __future__ import annotations

import pytest

from tests.browser.conftest import goto
from tools.live_server import live_server, wait_idle

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
SOURCES = "() => [...document.querySelectorAll('.st-key-up_gallery .mlp-tile')].map(e => e.style.backgroundImage)"


def test_factor_redraws_every_crop(page, server_url):
    goto(page, f"{server_url}/upsampling")
    page.wait_for_function(f"() => ({SOURCES})().length === 11", timeout=30_000)  # a first visit may run twice
    before = page.evaluate(SOURCES)
    assert len(before) == 11 and len(set(before)) == 1
    factor = page.locator('.st-key-up_factor input[type="range"]')
    factor.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"b => ({SOURCES})()[1] !== b[1]", arg=before, timeout=30_000)
    wait_idle(page)
    after = page.evaluate(SOURCES)
    assert len(set(after)) == 1 and after[0] != before[0]  # one picture, all tiles redrawn from it
    assert "up_factor=5" in page.url
    size = page.evaluate(
        "u => new Promise(ok => { const i = new Image(); i.onload = () => ok([i.naturalWidth, i.naturalHeight]);"
        " i.src = u.slice(5, -2); })",
        after[0],
    )
    assert size == [64 * 11, 64]  # eleven 64-pixel crops side by side, exact pixels
    assert page.locator(EXCEPTION).count() == 0


def test_a_click_on_the_tiny_output_picks_that_cell(page, server_url):
    goto(page, f"{server_url}/upsampling?up_view=tiny&up_factor=2")
    page.locator(".st-key-up_tiny_out_click").wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(1000)  # the click listener's script loads after the page has drawn
    cells = page.locator(".st-key-up_tiny_out .mlp-cells")
    box = cells.bounding_box()
    page.mouse.click(box["x"] + box["width"] * (4.5 / 6), box["y"] + box["height"] * (2.5 / 6))  # row 2, column 4
    page.wait_for_function("() => location.search.includes('up_ti=2') && location.search.includes('up_tj=4')",
                           timeout=30_000)  # fmt: skip
    wait_idle(page)
    assert page.locator('.st-key-up_ti input[type="range"]').input_value() == "2"
    assert page.get_by_text("Output · cell (2, 4) picked").count() == 1
    assert page.locator(EXCEPTION).count() == 0


def test_deep_link_on_first_visit_after_server_start(browser):
    with live_server() as url:
        context = browser.new_context(locale="en-US")
        try:
            pg = context.new_page()
            goto(pg, f"{url}/upsampling?up_factor=3&up_view=transposed&up_image=checkerboard")
            assert pg.locator("h1").first.inner_text() == "Upsampling"
            assert pg.locator('.st-key-up_factor input[type="range"]').input_value() == "3"
            assert pg.locator(".st-key-up_image input").input_value() == "Checkerboard (pattern)"
            pg.get_by_text("K = 5 is not divisible by S = 3").wait_for(timeout=30_000)
        finally:
            context.close()


def test_upload(page, server_url, tmp_path):
    from tests.app.conftest import png_bytes

    goto(page, f"{server_url}/upsampling")
    path = tmp_path / "blue.png"
    path.write_bytes(png_bytes(800, 400, (20, 90, 220)))
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_text("512×256 · feature map 128×64").wait_for(timeout=30_000)
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0
