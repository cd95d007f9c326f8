"""Grids of numbers as HTML (the Convolution kernel and its multiply-add inspector): coloured cells with their
numbers, a colour bar under each grid. Plain strings for ``st.html``; the styles are in ``assets/css/base.css``.

Not Plotly heatmaps: the browser lays out a few dozen ``<div>`` in a millisecond where a heatmap chart costs
~50 ms to redraw on every change (issue 10). The numbers are text of the page: as large as the body text where
the cells have room (a projector's 28 px included), smaller only as far as a narrow cell needs (CSS container
units), and the full value on hover (``title``).

Each cell carries its value in ``data-v`` and each grid its scale in ``data-zmin``/``data-zmax``: what the
picture shows can be read back exactly (the tests do).
"""

from __future__ import annotations

from html import escape

import numpy as np

from components.figures.heatgrid import NARROW, cell_digits, colorbar_ticks, max_abs
from components.figures.numbers import fmt
from components.figures.raster import diverging_lut


def _ink(rgb: np.ndarray) -> str:
    """Black or white, whichever contrasts more with the cell (WCAG relative luminance)."""
    c = np.asarray(rgb, dtype=np.float64) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#ffffff" if 1.05 / (lum + 0.05) > (lum + 0.05) / 0.05 else "#000000"


def _colours(z: np.ndarray, signed: bool, limit: float) -> np.ndarray:
    """``(rows, cols, 3)`` uint8: the diverging scale from ``-limit`` to ``+limit``, or grey from 0 to 1."""
    t = (z / limit + 1) / 2 if signed else z
    idx = np.clip(np.round(np.nan_to_num(t, nan=0.5) * 255), 0, 255).astype(np.intp)
    if signed:
        return np.take(diverging_lut(), idx, axis=0)
    return np.repeat(idx[..., None], 3, axis=-1).astype(np.uint8)


def _hex(rgb: np.ndarray) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb))


def _bar(signed: bool, limit: float) -> str:
    ticks = colorbar_ticks(limit, signed)
    stops = np.linspace(-limit, limit, 9) if signed else np.linspace(0.0, 1.0, 9)
    colours = ", ".join(_hex(c) for c in _colours(stops[None, :], signed, limit)[0])
    labels = "".join(f"<span>{escape(fmt(v, 3))}</span>" for v in ticks)
    return (
        f'<div class="mlp-bar" style="background:linear-gradient(to right, {colours})"></div>'
        f'<div class="mlp-ticks">{labels}</div>'
    )


def grid(
    z: np.ndarray,
    signed: bool,
    title: str = "",
    limit: float | None = None,
    digits: int | None = None,
    narrow: int = NARROW,
) -> str:
    """One grid: ``z`` (NaN = an empty cell, e.g. a dilated kernel's holes) coloured on its scale, its numbers
    written while the grid is at most ``narrow`` columns wide (``digits`` significant digits, default
    ``cell_digits``), the colour bar under it.

    Args:
        signed: diverging around 0 on ``[-limit, limit]`` (default ``max |z|``), else grey on ``[0, 1]``.
    """
    z = np.atleast_2d(np.asarray(z, dtype=np.float64))
    rows, cols = z.shape
    limit = limit or max_abs(z)
    colours = _colours(z, signed, limit)
    written = cols <= narrow
    digits = digits or cell_digits(cols) or 3
    texts = [[fmt(v, digits) if np.isfinite(v) else "" for v in row] for row in z]
    chars = max([len(s) for row in texts for s in row] + [1])
    cells = []
    for r in range(rows):
        for c in range(cols):
            v = z[r, c]
            if not np.isfinite(v):
                cells.append('<div class="mlp-hole"></div>')
                continue
            rgb = colours[r, c]
            ink = _ink(rgb)
            value = f"{float(f'{v:.6g}') + 0.0:.6g}"  # + 0.0: no "-0" from a zero pixel times a negative weight
            text = escape(texts[r][c]) if written else ""
            cells.append(
                f'<div data-v="{value}" title="{escape(fmt(v, 5))}" style="background:{_hex(rgb)};color:{ink}">'
                f"{text}</div>"
            )
    zmin, zmax = (-limit, limit) if signed else (0.0, 1.0)
    # The numbers' size: the body's, or what fits a cell (a cell is 100cqw / cols wide; a digit ~0.55 em).
    fit = 100 / cols / (0.6 * chars + 0.6)
    head = f'<div class="mlp-grid-title">{escape(title)}</div>' if title else ""
    return (
        f'<div class="mlp-grid" data-rows="{rows}" data-cols="{cols}" data-zmin="{zmin:.6g}" data-zmax="{zmax:.6g}">'
        f"{head}"
        f'<div class="mlp-cells" style="grid-template-columns:repeat({cols},1fr);--fit:{fit:.3f}cqw">'
        + "".join(cells)
        + "</div>"
        + _bar(signed, limit)
        + "</div>"
    )


def grids(panels: list[str], rows: bool = False) -> str:
    """Grids side by side (they wrap under each other when the column is too narrow); ``rows``: one under the
    other, each as wide as the page (1-D windows)."""
    return f'<div class="mlp-grids{" mlp-rows" if rows else ""}">' + "".join(panels) + "</div>"
