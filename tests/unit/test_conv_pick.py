"""components.figures.conv_pick: exact clicks on the overview and the zoom, lean figures.

The references are independent: the pixel under a data point is found by
scanning every pixel's square, and a click is converted the way the browser
listener does (``components/ui/plot_click.py``: a fraction of the plot area,
mapped onto the axes' fixed ranges, y from the top).
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from components.figures.conv_pick import ZOOM_SIDE, pick_figure, picture_ranges, pixel_at, zoom_box, zoom_figure

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


def test_no_click_grid_and_lean_at_1024():
    fig = pick_figure(URI, 1024, 1024, (30, 405))
    (here,) = fig.to_dict()["data"]  # only the marker of the current pixel
    assert (here["x"], here["y"]) == ([405], [30])
    zoom = zoom_figure(URI, zoom_box(1024, 1024, (30, 405)), (30, 405))
    assert zoom.to_dict()["data"] == []
    assert len(json.dumps(fig.to_dict())) < 3_000 and len(json.dumps(zoom.to_dict())) < 3_000


def test_axes_are_the_listeners_fixed_ranges():
    for fig, box in (
        (pick_figure(URI, 300, 451, (150, 225)), (0, 0, 300, 451)),
        (zoom_figure(URI, (145, 220, 11, 11), (150, 225)), (145, 220, 11, 11)),
    ):
        layout = fig.to_dict()["layout"]
        x_range, y_range = picture_ranges(box)
        assert tuple(layout["xaxis"]["range"]) == x_range and tuple(layout["yaxis"]["range"]) == y_range
        assert layout["xaxis"]["fixedrange"] and layout["yaxis"]["fixedrange"]  # the view never moves
        assert layout["yaxis"]["scaleanchor"] == "x"  # square pixels


def test_zoom_axes_are_output_coordinates_and_outline_the_current_pixel():
    box = (145, 220, 11, 11)
    layout = zoom_figure(URI, box, (150, 225)).to_dict()["layout"]
    assert layout["xaxis"]["range"] == [219.5, 230.5]
    assert layout["yaxis"]["range"] == [155.5, 144.5]  # row 0 at the top
    (outline,) = layout["shapes"]
    assert (outline["x0"], outline["x1"], outline["y0"], outline["y1"]) == (224.5, 225.5, 149.5, 150.5)
    image = layout["images"][0]
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (219.5, 144.5, 11, 11)


def test_overview_outlines_the_zoom():
    h, w = 300, 451
    layout = pick_figure(URI, h, w, (150, 225)).to_dict()["layout"]
    y0, x0, rows, cols = zoom_box(h, w, (150, 225))
    (rect,) = layout["shapes"]
    assert (rect["x0"], rect["x1"]) == (x0 - 0.5, x0 + cols - 0.5)
    assert (rect["y0"], rect["y1"]) == (y0 - 0.5, y0 + rows - 0.5)
    image = layout["images"][0]
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (-0.5, -0.5, w, h)
