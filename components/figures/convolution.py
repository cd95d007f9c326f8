"""Plotly figures for the Convolution page.

Builders return ``SpecFigure``: a ``go.Figure`` carrying a plain JSON spec (see
``components/figures/spec.py`` for why).
"""

from __future__ import annotations

import numpy as np
import torch

from components.figures.spec import SpecFigure as figure
from components.figures.theme import DIVERGING_SCALE, GREY_SCALE, PALETTE

GAP = 0.05
MAX_TEXT_FRAMES = 64  # numbers in every animation frame beyond this make the spec too heavy


def _cell_text(z: np.ndarray) -> dict:
    """Numbers inside the cells while they fit: 3 significant digits up to 5x5,
    two decimals in a smaller font up to 9 columns, hover only beyond."""
    cols = z.shape[1] if z.ndim == 2 else 1
    if cols > 9:
        return {}
    fmt, size = ("{:.3g}", 13) if cols <= 3 else ("{:.2f}", 11) if cols <= 5 else ("{:.2f}", 9)
    return {
        "text": [[fmt.format(v) if np.isfinite(v) else "" for v in row] for row in z],
        "texttemplate": "%{text}",
        "textfont": {"size": size},
    }


def _limit(z: np.ndarray) -> float:
    finite = np.abs(z[np.isfinite(z)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def heatmap(z: np.ndarray, signed: bool, axis: int = 1, limit: float | None = None, text: bool = True) -> dict:
    """A heatmap trace dict: diverging around 0 when ``signed``, else grey in ``[0, 1]``."""
    limit = limit or _limit(z)
    suffix = "" if axis == 1 else str(axis)
    trace = {
        "type": "heatmap",
        "z": [[float(f"{v:.6g}") if np.isfinite(v) else None for v in row] for row in np.atleast_2d(z)],
        "colorscale": DIVERGING_SCALE if signed else GREY_SCALE,
        "zmin": -limit if signed else 0.0,
        "zmax": limit if signed else 1.0,
        "showscale": False,
        "xaxis": f"x{suffix}",
        "yaxis": f"y{suffix}",
        "hovertemplate": "%{z:.5g}<extra></extra>",  # cell positions differ per view: value only
    }
    return {**trace, **(_cell_text(z) if text else {})}


def grid_layout(titles: list[str], height: int) -> dict:
    """Side-by-side square panels (what ``make_subplots`` does, without its cost)."""
    n = len(titles)
    width = (1 - GAP * (n - 1)) / n
    layout: dict = {"height": height, "showlegend": False, "annotations": []}
    for i, title in enumerate(titles):
        suffix = "" if i == 0 else str(i + 1)
        x0 = i * (width + GAP)
        layout[f"xaxis{suffix}"] = {
            "domain": [x0, x0 + width],
            "showticklabels": False,
            "showgrid": False,
            "zeroline": False,
            "ticks": "",
        }
        layout[f"yaxis{suffix}"] = {
            "autorange": "reversed",
            "scaleanchor": f"x{suffix}",
            "showticklabels": False,
            "showgrid": False,
            "zeroline": False,
            "ticks": "",
        }
        layout["annotations"].append(
            {
                "text": title,
                "x": x0 + width / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    return layout


def kernel_figure(kernel: torch.Tensor, dilation: int, title: str) -> figure:
    """The kernel's weights as a grid of numbers, coloured by sign.

    With dilation ``D > 1`` the taps are drawn ``D`` cells apart and the holes
    between them left blank: the grid is the window's true footprint.
    """
    k = kernel.shape[0]
    span = dilation * (k - 1) + 1
    z = np.full((span, span), np.nan)
    z[::dilation, ::dilation] = kernel.double().numpy()
    layout = grid_layout([title], height=280)
    layout["width"] = 280
    return figure({"data": [heatmap(z, signed=True, limit=_limit(kernel.double().numpy()))], "layout": layout})


def multiply_add_figure(
    patch: torch.Tensor, weights: torch.Tensor, products: torch.Tensor, titles: list[str]
) -> figure:
    """Input patch, kernel weights and their element-wise products side by side."""
    data = [
        heatmap(patch.double().numpy(), signed=False, axis=1),
        heatmap(weights.double().numpy(), signed=True, axis=2),
        heatmap(products.double().numpy(), signed=True, axis=3),
    ]
    return figure({"data": data, "layout": grid_layout(titles, height=260)})


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
) -> figure:
    """Animated window sliding over a small padded crop, filling the output.

    Args:
        padded: ``(Hp, Wp)`` padded input crop.
        output: ``(Ho, Wo)`` convolution of that crop.
        taps: per output position in row-major order, the (rows, cols) it reads.
        labels: ``input``, ``output``, ``play``, ``pause``, ``step`` texts.
        start: the frame shown first (the inspected pixel's position).

    Traces: 0 input crop, 1 the empty output grid (light cells), 2 output so
    far, 3 window outline, 4 kernel taps, 5 current output cell; each frame
    replaces 2-5 (drawn in this order, so outlines stay on top).
    """
    out = output.double().numpy()
    w_out = out.shape[1]
    signed, limit = bool((out < 0).any()), _limit(out)
    frames = []
    for step, (rows, cols) in enumerate(taps):
        shown = np.full(out.shape, np.nan)
        shown.flat[: step + 1] = out.flat[: step + 1]
        cells = {**heatmap(shown, signed, axis=2, limit=limit, text=len(taps) <= MAX_TEXT_FRAMES), "xgap": 2, "ygap": 2}
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
    data = [heatmap(padded.double().numpy(), signed=False, axis=1, text=padded.shape[1] <= 9), empty, *first]
    return figure({"data": data, "layout": layout, "frames": frames})


def pick_figure(
    image_uri: str, h_out: int, w_out: int, current: tuple[int, int], title: str, cells: int = 48
) -> figure:
    """The output picture with an invisible grid of clickable points over it.

    Plotly selections only report data points, never image pixels, so a grid
    of at most ``cells x cells`` transparent markers makes the picture clickable.
    The current pixel is marked with an open square.
    """
    step = max(1, -(-max(h_out, w_out) // cells))
    ys, xs = np.meshgrid(np.arange(0, h_out, step), np.arange(0, w_out, step), indexing="ij")
    marker = max(4, min(24, 300 // max(1, max(h_out, w_out) // step)))
    grid = {
        "type": "scatter",
        "x": xs.ravel().tolist(),
        "y": ys.ravel().tolist(),
        "mode": "markers",
        "marker": {"size": marker, "symbol": "square", "color": "rgba(0,0,0,0)"},
        "hovertemplate": "x=%{x}, y=%{y}<extra></extra>",
    }
    here = {
        "type": "scatter",
        "x": [current[1]],
        "y": [current[0]],
        "mode": "markers",
        "hoverinfo": "skip",
        "marker": {"size": 16, "symbol": "square-open", "color": PALETTE[1], "line": {"width": 3}},
    }
    layout = grid_layout([title], height=320)
    layout["xaxis"].update(range=[-0.5, w_out - 0.5], constrain="domain")
    layout["yaxis"].update(range=[h_out - 0.5, -0.5], autorange=False, constrain="domain")
    layout["images"] = [
        {
            "source": image_uri,
            "xref": "x",
            "yref": "y",
            "x": -0.5,
            "y": -0.5,
            "sizex": w_out,
            "sizey": h_out,
            "sizing": "stretch",
            "layer": "below",
        }
    ]
    layout["dragmode"] = False
    layout["clickmode"] = "event+select"
    return figure({"data": [grid, here], "layout": layout})
