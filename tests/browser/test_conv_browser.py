"""The Convolution page in headless Chromium: exact-pixel clicks, the pixel in the link, nothing clipped."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from components.figures.conv_pick import picture_ranges, zoom_box
from tests.browser.conftest import goto
from tools.live_server import wait_idle

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'

# Where output point (x, y) of a picker picture is on screen: its <img> box spans the listener's ranges (pixel
# (y, x) is the unit square centred on (x, y), row 0 at the top), read from what the page sent.
_PIXEL_AT = """([key, x, y, xr, yr]) => {
  const r = document.querySelector(`.st-key-${key} img`).getBoundingClientRect();
  return [r.left + r.width * (x - xr[0]) / (xr[1] - xr[0]), r.top + r.height * (y - yr[1]) / (yr[0] - yr[1])];
}"""


def _ranges(page, key: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """The pixels the picture ``key`` shows: the whole output, or the zoom around the current pixel."""
    w, h = map(int, page.locator('[data-testid="stMetricValue"]').nth(1).inner_text().split("×"))  # the output
    box = zoom_box(h, w, _pixel(page)[::-1]) if key == "conv_zoom" else (0, 0, h, w)
    return picture_ranges(box)


def _pixel(page) -> tuple[int, int]:
    return int(page.locator(".st-key-conv_ox input").input_value()), int(
        page.locator(".st-key-conv_oy input").input_value()
    )


def _click_pixel(page, key: str, x: float, y: float, lands: tuple[int, int] | None = None) -> None:
    """Click data point (x, y) of the picker ``key``; wait until the inputs show ``lands`` (default: rounded)."""
    page.locator(f".st-key-{key} img").first.scroll_into_view_if_needed()
    wait_idle(page)
    sx, sy = page.evaluate(_PIXEL_AT, [key, x, y, *_ranges(page, key)])
    page.mouse.click(sx, sy)
    _wait_pixel(page, *(lands or (round(x), round(y))))
    wait_idle(page)


def _wait_pixel(page, x: int, y: int) -> None:
    page.wait_for_function(
        "([x, y]) => document.querySelector('.st-key-conv_ox input')?.value === String(x)"
        " && document.querySelector('.st-key-conv_oy input')?.value === String(y)",
        arg=[x, y],
        timeout=30_000,
    )


def test_overview_then_zoom_click_picks_the_exact_pixel_and_the_link_keeps_it(page, server_url):
    goto(page, f"{server_url}/convolution")
    assert _pixel(page) == (225, 150)  # the centre
    _click_pixel(page, "conv_pick", 405, 30)  # the overview: exactly the pixel under the mouse
    page.get_by_text("Output pixel [y=30, x=405]").wait_for(timeout=30_000)
    _click_pixel(page, "conv_zoom", 402.4, 32.4, lands=(402, 32))  # the zoom: near a corner of that pixel's square
    page.get_by_text("Output pixel [y=32, x=402]").wait_for(timeout=30_000)
    assert "conv_ox=402" in page.url and "conv_oy=32" in page.url
    goto(page, page.url)  # the link reopens on the same pixel (the inputs show it a moment after the run)
    _wait_pixel(page, 402, 32)


def test_exact_click_on_a_1024_square_output(page, server_url, tmp_path):
    goto(page, f"{server_url}/convolution")
    pixels = np.random.default_rng(1).integers(0, 256, (1024, 1024, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "square.png")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(tmp_path / "square.png"))
    page.get_by_text("Output · 1024×1024").wait_for(timeout=60_000)
    wait_idle(page)
    _click_pixel(page, "conv_pick", 405, 30)  # the overview, though a screen pixel spans ~3 output pixels there
    for x, y in ((398, 37), (396, 41), (403, 34)):  # the zoom (15×15 around the current pixel) picks any pixel
        _click_pixel(page, "conv_zoom", x - 0.4, y + 0.4, lands=(x, y))
    assert page.locator(EXCEPTION).count() == 0


def test_heic_photo_upload(page, server_url, tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    goto(page, f"{server_url}/convolution")
    buf = io.BytesIO()
    Image.new("RGB", (90, 60), (200, 120, 40)).save(buf, format="HEIF", quality=90)
    (tmp_path / "IMG_0042.HEIC").write_bytes(buf.getvalue())
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(tmp_path / "IMG_0042.HEIC"))
    page.get_by_text("Input · 90×60").wait_for(timeout=30_000)
    assert page.locator(EXCEPTION).count() == 0
