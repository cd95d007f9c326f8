"""The Convolution page's pixel pickers: the whole output and a zoomed neighbourhood.

Both are a picture on fixed axes in output-pixel coordinates: pixel ``(y, x)``
is the unit square centred on ``(x, y)``, row 0 at the top (a reversed y
axis). A click is turned into data coordinates in the browser
(``components/ui/plot_click.py``) and rounded to the pixel here
(``pixel_at``), so both charts pick exactly the pixel under the mouse and
carry no click grid: a 1024² output is still one picture, a marker and a
rectangle. The overview shows where you are; the zoom shows the pixels of the
neighbourhood large enough to see (and click) each one.
"""

from __future__ import annotations

import math

from components.figures.spec import SpecFigure as figure
from components.figures.theme import PALETTE

ZOOM_SIDE = 15  # output pixels per side of the zoom (odd: the current pixel in the middle)


def zoom_box(h_out: int, w_out: int, current: tuple[int, int], side: int = ZOOM_SIDE) -> tuple[int, int, int, int]:
    """``(y0, x0, rows, cols)``: ``side x side`` output pixels centred on ``current``, shifted inside the output."""
    cy, cx = current
    rows, cols = min(side, h_out), min(side, w_out)
    y0 = min(max(cy - side // 2, 0), h_out - rows)
    x0 = min(max(cx - side // 2, 0), w_out - cols)
    return y0, x0, rows, cols


def picture_ranges(box: tuple[int, int, int, int]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Plotly's ``(x range, y range)`` of the pixels in ``box = (y0, x0, rows, cols)``; y reversed (row 0 on top)."""
    y0, x0, rows, cols = box
    return (x0 - 0.5, x0 + cols - 0.5), (y0 + rows - 0.5, y0 - 0.5)


def pixel_at(x: float, y: float, h_out: int, w_out: int) -> tuple[int, int]:
    """``(y, x)`` of the output pixel whose square holds the data point ``(x, y)``, clamped to the output."""
    return min(max(math.floor(y + 0.5), 0), h_out - 1), min(max(math.floor(x + 0.5), 0), w_out - 1)


def _rect(y0: float, x0: float, y1: float, x1: float, width: int = 3) -> dict:
    return {
        "type": "rect",
        "xref": "x",
        "yref": "y",
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "line": {"color": PALETTE[1], "width": width},
    }


def _picture_layout(image_uri: str, box: tuple[int, int, int, int], height: int, ticks: bool) -> dict:
    """Square pixels on fixed, reversed-y axes spanning ``box``, the picture below."""
    y0, x0, rows, cols = box
    (x_lo, x_hi), (y_lo, y_hi) = picture_ranges(box)
    axis = {
        "showgrid": False,
        "zeroline": False,
        "showticklabels": ticks,
        "ticks": "outside" if ticks else "",
        "fixedrange": True,  # the click listener converts with these ranges: the view must never move
        "nticks": 5,
        "constrain": "domain",
    }
    return {
        "height": height,
        "margin": {"l": 40 if ticks else 4, "r": 4, "t": 4, "b": 30 if ticks else 4},
        "showlegend": False,
        "xaxis": {**axis, "range": [x_lo, x_hi]},
        "yaxis": {**axis, "range": [y_lo, y_hi], "autorange": False, "scaleanchor": "x"},
        "images": [
            {
                "source": image_uri,
                "xref": "x",
                "yref": "y",
                "x": x0 - 0.5,
                "y": y0 - 0.5,
                "sizex": cols,
                "sizey": rows,
                "sizing": "stretch",
                "layer": "below",
            }
        ],
        "dragmode": "pan",  # what Streamlit sets anyway (so it need not redraw); fixed axes do not pan
        "hovermode": False,
    }


def pick_figure(image_uri: str, h_out: int, w_out: int, current: tuple[int, int]) -> figure:
    """The whole output, the current pixel marked and the zoom's area outlined.

    Args:
        image_uri: the output picture (any size: it is stretched over the axes).
        current: ``(y, x)`` of the inspected pixel.
    """
    y0, x0, rows, cols = zoom_box(h_out, w_out, current)
    layout = _picture_layout(image_uri, (0, 0, h_out, w_out), height=300, ticks=False)
    layout["shapes"] = [_rect(y0 - 0.5, x0 - 0.5, y0 + rows - 0.5, x0 + cols - 0.5, width=2)]
    here = {
        "type": "scatter",
        "x": [current[1]],
        "y": [current[0]],
        "mode": "markers",
        "hoverinfo": "skip",
        "marker": {"size": 9, "symbol": "square-open", "color": PALETTE[1], "line": {"width": 2}},
    }
    return figure({"data": [here], "layout": layout})


def zoom_figure(image_uri: str, box: tuple[int, int, int, int], current: tuple[int, int]) -> figure:
    """The neighbourhood ``box = (y0, x0, rows, cols)`` large, the current pixel outlined.

    Args:
        image_uri: the box's pixels only (``rows x cols``, enlarged with crisp edges).
        current: ``(y, x)`` of the inspected pixel.
    """
    layout = _picture_layout(image_uri, box, height=300, ticks=True)
    cy, cx = current
    layout["shapes"] = [_rect(cy - 0.5, cx - 0.5, cy + 0.5, cx + 0.5)]
    return figure({"data": [], "layout": layout})
