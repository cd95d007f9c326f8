"""components.figures.conv_pick: exact clicks on the overview and the zoom, lean pictures.

The references are independent: the pixel under a data point is found by
scanning every pixel's square, and a click is converted the way the browser
listener does (``components/ui/plot_click.py``: a fraction of the plot area,
mapped onto the axes' fixed ranges, y from the top).
"""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from components.figures.conv_pick import (
    PICKER_HEIGHT,
    ZOOM_SIDE,
    pick_html,
    picture_ranges,
    pixel_at,
    zoom_box,
    zoom_html,
)

URI = "data:image/png;base64,AAAA"


def _browser(fx: float, fy: float, x_range, y_range) -> tuple[float, float]:
    """plot_click's JS: ``x0 + fx * (x1 - x0)``, ``y1 - fy * (y1 - y0)`` (fy = 0 at the top edge)."""
    (x0, x1), (y0, y1) = x_range, y_range
    return x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)


def _square_holding(v: float, n: int) -> int:
    """Brute force: the pixel p whose square [p - 0.5, p + 0.5) holds v (the nearest edge pixel outside)."""
    inside = [p for p in range(n) if p - 0.5 <= v < p + 0.5]
    return inside[0] if inside else (0 if v < 0 else n - 1)


@settings(max_examples=300, deadline=None)
@given(h=st.integers(1, 1100), w=st.integers(1, 1100), data=st.data())
def test_a_click_anywhere_on_a_pixel_of_the_overview_picks_that_pixel(h, w, data):
    py, px = data.draw(st.integers(0, h - 1)), data.draw(st.integers(0, w - 1))
    ux, uy = data.draw(st.floats(0.01, 0.99)), data.draw(st.floats(0.01, 0.99))  # where inside the pixel's square
    x_range, y_range = picture_ranges((0, 0, h, w))
    x, y = _browser((px + ux) / w, (py + uy) / h, x_range, y_range)
    assert pixel_at(x, y, h, w) == (py, px)


@settings(max_examples=300, deadline=None)
@given(h=st.integers(1, 1100), w=st.integers(1, 1100), data=st.data())
def test_a_click_on_the_zoom_picks_the_pixel_under_the_mouse(h, w, data):
    cy, cx = data.draw(st.integers(0, h - 1)), data.draw(st.integers(0, w - 1))
    y0, x0, rows, cols = box = zoom_box(h, w, (cy, cx))
    assert y0 >= 0 and y0 + rows <= h and x0 >= 0 and x0 + cols <= w  # the zoom never leaves the output
    assert y0 <= cy < y0 + rows and x0 <= cx < x0 + cols  # and always shows the current pixel
    r, c = data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, cols - 1))
    x, y = _browser((c + 0.3) / cols, (r + 0.8) / rows, *picture_ranges(box))
    assert pixel_at(x, y, h, w) == (y0 + r, x0 + c)


@given(v=st.floats(-50, 1200), n=st.integers(1, 1100))
def test_pixel_at_rounds_to_the_square_and_clamps(v, n):
    assert pixel_at(v, v, n, n) == (_square_holding(v, n),) * 2


def test_the_1024_example_and_the_edges():
    x_range, y_range = picture_ranges((0, 0, 1024, 1024))
    assert x_range == (-0.5, 1023.5) and y_range == (1023.5, -0.5)  # row 0 at the top
    assert pixel_at(*_browser(405.5 / 1024, 30.5 / 1024, x_range, y_range), 1024, 1024) == (30, 405)
    assert pixel_at(-0.5, 1023.5, 1024, 1024) == (1023, 0) and pixel_at(1023.5, -0.5, 1024, 1024) == (0, 1023)
    assert pixel_at(1e9, -1e9, 300, 451) == (0, 450)  # a stale click after the output shrank: clamped


def test_zoom_box_centred_and_shifted_at_the_edges():
    assert ZOOM_SIDE % 2 == 1
    assert zoom_box(300, 451, (150, 225), 11) == (145, 220, 11, 11)
    assert zoom_box(300, 451, (0, 450), 11) == (0, 440, 11, 11)
    assert zoom_box(5, 7, (2, 3), 11) == (0, 0, 5, 7)  # smaller than the zoom: all of it
    assert zoom_box(300, 451, (150, 225)) == (150 - ZOOM_SIDE // 2, 225 - ZOOM_SIDE // 2, ZOOM_SIDE, ZOOM_SIDE)


def _boxes(html: str) -> list[dict[str, float]]:
    """The absolutely placed outlines of a picker, in fractions of the picture (top, left, height, width)."""
    found = []
    for style in re.findall(r'<div style="position:absolute;([^"]*)"', html):
        props = dict(p.split(":", 1) for p in style.split(";") if p)
        found.append({k: float(re.search(r"([\d.]+)%", props[k]).group(1)) / 100 for k in ("top", "left")}
                     | {"style": style})  # fmt: skip
    return found


def test_pictures_not_charts_and_lean_at_1024():
    html = pick_html(URI, 1024, 1024, (30, 405))
    assert html.count("<img") == 1 and URI in html and "plotly" not in html
    assert len(html) - len(URI) < 1_500  # however large the output: a picture and two boxes
    zoom = zoom_html(URI, zoom_box(1024, 1024, (30, 405)), (30, 405))
    assert zoom.count("<img") == 1 and "pixelated" in zoom  # crisp enlarged pixels


def test_overview_outlines_the_zoom_and_marks_the_current_pixel():
    h, w = 300, 451
    area, here = _boxes(pick_html(URI, h, w, (150, 225)))
    y0, x0, rows, cols = zoom_box(h, w, (150, 225))
    assert math.isclose(area["top"], y0 / h, abs_tol=1e-6) and math.isclose(area["left"], x0 / w, abs_tol=1e-6)
    assert f"height:{100 * rows / h:.4f}%" in area["style"] and f"width:{100 * cols / w:.4f}%" in area["style"]
    # the marker is centred on pixel (150, 225): the middle of its square, as pixel_at reads a click there
    x, y = _browser(here["left"], here["top"], *picture_ranges((0, 0, h, w)))
    assert pixel_at(x, y, h, w) == (150, 225)
    assert math.isclose(x, 225, abs_tol=1e-3) and math.isclose(y, 150, abs_tol=1e-3)


def test_zoom_outlines_exactly_the_current_pixel():
    box = (145, 220, 11, 11)
    (cell,) = _boxes(zoom_html(URI, box, (150, 225)))
    assert math.isclose(cell["top"], 5 / 11, abs_tol=1e-6) and math.isclose(cell["left"], 5 / 11, abs_tol=1e-6)
    assert f"height:{100 / 11:.4f}%" in cell["style"] and f"width:{100 / 11:.4f}%" in cell["style"]
    x, y = _browser(cell["left"] + 0.5 / 11, cell["top"] + 0.5 / 11, *picture_ranges(box))  # the cell's middle
    assert pixel_at(x, y, 300, 451) == (150, 225)


def test_pictures_keep_their_shape():
    """The box is as wide as the column allows but never taller than the picker height: width = height x aspect."""
    wide = pick_html(URI, 300, 451, (150, 225))
    assert f"width:min(100%,{PICKER_HEIGHT * 451 / 300:.1f}px)" in wide
    tall = zoom_html(URI, (0, 0, 15, 5), (7, 2))
    assert f"width:min(100%,{PICKER_HEIGHT * 5 / 15:.1f}px)" in tall
