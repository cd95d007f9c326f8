"""The Convolution page's pixel pickers: the whole output and a zoomed neighbourhood.

Both are a plain picture (HTML: an ``<img>`` with outlines laid over it in
percent) in output-pixel coordinates: pixel ``(y, x)`` is the unit square
centred on ``(x, y)``, row 0 at the top. A click is turned into those
coordinates in the browser (``components/ui/plot_click.py``) and rounded to the
pixel here (``pixel_at``), so both pick exactly the pixel under the mouse: a
1024² output is still one picture and two boxes. The overview shows where you are; the zoom shows the pixels of the
neighbourhood large enough to see (and click) each one.
"""

from __future__ import annotations

import math

from components.figures.theme import PALETTE

ZOOM_SIDE = 15  # output pixels per side of the zoom (odd: the current pixel in the middle)
PICKER_HEIGHT = 320  # CSS px: the overview and the zoom side by side, as tall as the old charts


def zoom_box(h_out: int, w_out: int, current: tuple[int, int], side: int = ZOOM_SIDE) -> tuple[int, int, int, int]:
    """``(y0, x0, rows, cols)``: ``side x side`` output pixels centred on ``current``, shifted inside the output."""
    cy, cx = current
    rows, cols = min(side, h_out), min(side, w_out)
    y0 = min(max(cy - side // 2, 0), h_out - rows)
    x0 = min(max(cx - side // 2, 0), w_out - cols)
    return y0, x0, rows, cols


def picture_ranges(box: tuple[int, int, int, int]) -> tuple[tuple[float, float], tuple[float, float]]:
    """``(x range, y range)`` in output coordinates of ``box = (y0, x0, rows, cols)``; y reversed (row 0 on top)."""
    y0, x0, rows, cols = box
    return (x0 - 0.5, x0 + cols - 0.5), (y0 + rows - 0.5, y0 - 0.5)


def pixel_at(x: float, y: float, h_out: int, w_out: int) -> tuple[int, int]:
    """``(y, x)`` of the output pixel whose square holds the data point ``(x, y)``, clamped to the output."""
    return min(max(math.floor(y + 0.5), 0), h_out - 1), min(max(math.floor(x + 0.5), 0), w_out - 1)


def _percent(v: float) -> str:
    return f"{100 * v:.4f}%"


def _outline(top: float, left: float, height: float, width: float, line: int) -> str:
    """An orange box over the picture, in fractions of the picture's size (it scales with the picture)."""
    return (
        f'<div style="position:absolute;top:{_percent(top)};left:{_percent(left)};height:{_percent(height)};'
        f"width:{_percent(width)};outline:{line}px solid {PALETTE[1]};outline-offset:-{line}px;"
        'pointer-events:none;box-sizing:border-box"></div>'
    )


def _picture(image_uri: str, overlays: list[str], aspect: float, crisp: bool) -> str:
    """The picture as wide as its column, at most ``PICKER_HEIGHT`` tall (``aspect`` = width / height), the
    outlines laid over it.

    A plain ``<img>``, not a chart: the browser only decodes it (a Plotly chart costs ~50 ms to redraw, issue 10).
    ``ui.plot_click`` maps a click on the ``<img>`` box to output pixels with ``picture_ranges``.
    """
    rendering = "pixelated" if crisp else "auto"
    width = f"min(100%,{PICKER_HEIGHT * aspect:.1f}px)"
    return (
        f'<div style="position:relative;width:{width};line-height:0">'
        f'<img src="{image_uri}" alt="" draggable="false" style="display:block;width:100%;height:auto;'
        f'image-rendering:{rendering};cursor:crosshair">' + "".join(overlays) + "</div>"
    )


def pick_html(image_uri: str, h_out: int, w_out: int, current: tuple[int, int]) -> str:
    """The whole output, the zoom's area outlined and a small box on the current pixel.

    Args:
        image_uri: the output picture (any size: the browser scales it to the box).
        current: ``(y, x)`` of the inspected pixel.
    """
    y0, x0, rows, cols = zoom_box(h_out, w_out, current)
    cy, cx = current
    area = _outline(y0 / h_out, x0 / w_out, rows / h_out, cols / w_out, 2)
    # The current pixel: at least 10 CSS px, centred on it, however small one output pixel is on screen.
    here = (
        f'<div style="position:absolute;top:{_percent((cy + 0.5) / h_out)};left:{_percent((cx + 0.5) / w_out)};'
        f"width:max({_percent(1 / w_out)},10px);height:max({_percent(1 / h_out)},10px);"
        f"transform:translate(-50%,-50%);outline:2px solid {PALETTE[1]};pointer-events:none" + '"></div>'
    )
    return _picture(image_uri, [area, here], w_out / h_out, crisp=False)


def zoom_html(image_uri: str, box: tuple[int, int, int, int], current: tuple[int, int]) -> str:
    """The neighbourhood ``box = (y0, x0, rows, cols)`` large with crisp pixels, the current pixel outlined.

    Args:
        image_uri: the box's pixels only (``rows x cols``, enlarged without blur).
        current: ``(y, x)`` of the inspected pixel.
    """
    y0, x0, rows, cols = box
    cy, cx = current
    cell = _outline((cy - y0) / rows, (cx - x0) / cols, 1 / rows, 1 / cols, 3)
    return _picture(image_uri, [cell], cols / rows, crisp=True)
