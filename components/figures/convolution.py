"""Plotly figures for the Convolution page.

Builders return ``SpecFigure``: a ``go.Figure`` carrying a plain JSON spec (see
``components/figures/spec.py`` for why).
"""

from __future__ import annotations

import numpy as np
import torch

from components.figures import grid_html
from components.figures.heatgrid import cell_digits, grid_layout, heatmap, max_abs, weight_limit
from components.figures.spec import SpecFigure as figure
from components.figures.theme import PALETTE

WIDE = 9  # columns that fit numbers in half of a 1024 px page (the sliding window's panels)
MAX_TEXT_FRAMES = 64  # numbers in every animation frame beyond this make the spec too heavy


def kernel_html(kernel: torch.Tensor, dilation: int, title: str = "") -> str:
    """The kernel's weights as a grid of numbers, coloured by sign, with the colour bar that explains it.

    With dilation ``D > 1`` the taps are drawn ``D`` cells apart and the holes
    between them left blank: the grid is the window's true footprint. The page
    writes the title above it (text wraps there).
    """
    k = kernel.shape[0]
    span = dilation * (k - 1) + 1
    z = np.full((span, span), np.nan)
    z[::dilation, ::dilation] = kernel.double().numpy()
    return grid_html.grid(z, signed=True, title=title, limit=weight_limit(kernel), digits=cell_digits(k))


def multiply_add_html(patch: torch.Tensor, weights: torch.Tensor, products: torch.Tensor, titles: list[str]) -> str:
    """Input patch, kernel weights and their element-wise products side by side, each with its colour bar
    (the weights on the kernel picture's scale, ``weight_limit``)."""
    return grid_html.grids(
        [
            grid_html.grid(patch.double().numpy(), signed=False, title=titles[0]),
            grid_html.grid(weights.double().numpy(), signed=True, title=titles[1], limit=weight_limit(weights)),
            grid_html.grid(products.double().numpy(), signed=True, title=titles[2]),
        ]
    )


def _outline(y0: float, y1: float, x0: float, x1: float, axis: str = "") -> dict:
    """A closed orange rectangle (window or current cell)."""
    return {
        "type": "scatter",
        "x": [x0, x1, x1, x0, x0],
        "y": [y0, y0, y1, y1, y0],
        "mode": "lines",
        "xaxis": f"x{axis}",
        "yaxis": f"y{axis}",
        "line": {"color": PALETTE[1], "width": 4},
        "hoverinfo": "skip",
    }


def _window_traces(rows: list[int], cols: list[int], cell: tuple[int, int]) -> list[dict]:
    tx, ty = np.meshgrid(cols, rows)
    taps = {
        "type": "scatter",
        "x": tx.ravel().tolist(),
        "y": ty.ravel().tolist(),
        "mode": "markers",
        "marker": {"color": PALETTE[1], "size": 7},
        "hoverinfo": "skip",
    }
    cy, cx = cell
    return [
        _outline(rows[0] - 0.5, rows[-1] + 0.5, cols[0] - 0.5, cols[-1] + 0.5),
        taps,
        _outline(cy - 0.5, cy + 0.5, cx - 0.5, cx + 0.5, axis="2"),
    ]


def sliding_window_figure(
    padded: torch.Tensor,
    output: torch.Tensor,
    taps: list[tuple[list[int], list[int]]],
    labels: dict[str, str],
    start: int = 0,
    numbers: bool = True,
) -> figure:
    """Animated window sliding over a small padded crop, filling the output.

    Args:
        padded: ``(Hp, Wp)`` padded input crop.
        output: ``(Ho, Wo)`` convolution of that crop.
        taps: per output position in row-major order, the (rows, cols) it reads.
        labels: ``input``, ``output``, ``play``, ``pause``, ``step`` texts.
        start: the frame shown first (the inspected pixel's position).
        numbers: write the values in the cells (else on hover only: a projector's body-sized digits do not fit
            cells this small).

    Traces: 0 input crop, 1 the empty output grid (light cells), 2 output so
    far, 3 window outline, 4 kernel taps, 5 current output cell; each frame
    replaces 2-5 (drawn in this order, so outlines stay on top).
    """
    out = output.double().numpy()
    w_out = out.shape[1]
    signed, limit = bool((out < 0).any()), max_abs(out)
    frames = []
    for step, (rows, cols) in enumerate(taps):
        shown = np.full(out.shape, np.nan)
        shown.flat[: step + 1] = out.flat[: step + 1]
        text = numbers and len(taps) <= MAX_TEXT_FRAMES
        cells = {**heatmap(shown, signed, axis=2, limit=limit, text=text, max_cols=WIDE), "xgap": 2, "ygap": 2}
        traces = [cells, *_window_traces(rows, cols, divmod(step, w_out))]
        frames.append({"name": str(step), "data": traces, "traces": [2, 3, 4, 5]})
    layout = grid_layout([labels["input"], labels["output"]], height=440)
    layout["xaxis2"]["range"] = [-0.5, w_out - 0.5]
    layout["yaxis2"].update(range=[out.shape[0] - 0.5, -0.5], autorange=False)
    play = {"frame": {"duration": 400, "redraw": True}, "fromcurrent": True, "transition": {"duration": 0}}
    now = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    layout["updatemenus"] = [
        {
            "type": "buttons",
            "direction": "left",
            "x": 0.0,
            "y": -0.06,
            "xanchor": "left",
            "yanchor": "top",
            "buttons": [
                {"label": labels["play"], "method": "animate", "args": [None, play]},
                {"label": labels["pause"], "method": "animate", "args": [[None], now]},
            ],
        }
    ]
    layout["sliders"] = [
        {
            "active": start,
            "x": 0.22,
            "len": 0.78,
            "y": -0.02,
            "currentvalue": {"prefix": labels["step"] + " "},
            "steps": [{"label": str(i + 1), "method": "animate", "args": [[str(i)], now]} for i in range(len(frames))],
        }
    ]
    first = [dict(trace) for trace in frames[start]["data"]]  # copies: styling must not touch a frame twice
    empty = {
        "type": "heatmap",
        "name": "grid",
        "z": np.zeros(out.shape).tolist(),
        "colorscale": [[0.0, "#ececec"], [1.0, "#ececec"]],
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
        "xaxis": "x2",
        "yaxis": "y2",
        "hoverinfo": "skip",
    }
    data = [heatmap(padded.double().numpy(), signed=False, axis=1, text=numbers, max_cols=WIDE), empty, *first]
    return figure({"data": data, "layout": layout, "frames": frames})
