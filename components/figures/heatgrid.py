"""Heatmap grids of numbers (kernels, patches, crops): traces, panels, colour bars, cell text.

Shared by the Convolution page's figures; plain JSON specs (see ``spec.py``).
"""

from __future__ import annotations

import numpy as np
import torch

from components.figures.numbers import fmt
from components.figures.theme import DIVERGING_SCALE, GREY_SCALE

GAP = 0.05


NARROW = 5  # columns that fit numbers in a third of a 1024 px page (the kernel and multiply-add panels)


def cell_digits(cols: int, max_cols: int = NARROW) -> int | None:
    """Significant digits of the numbers written in a grid ``cols`` wide (``None``: too narrow for any).

    The multiply-add line under the figure writes its numbers with the same
    digits, so a value reads the same in the picture and in the sum.
    """
    return 3 if cols <= 3 else 2 if cols <= max_cols else None


def cell_text(z: np.ndarray, digits: int | None = None, max_cols: int = NARROW) -> dict:
    """Numbers inside the cells while they fit (smaller font for wider grids), hover only beyond ``max_cols``."""
    cols = z.shape[1] if z.ndim == 2 else 1
    if cols > max_cols:
        return {}
    digits = digits or cell_digits(cols, max_cols)
    return {
        "text": [[fmt(v, digits) if np.isfinite(v) else "" for v in row] for row in z],
        "texttemplate": "%{text}",
        "textfont": {"size": 13 if cols <= 3 else 10 if cols <= 5 else 9},
    }


def max_abs(z: np.ndarray) -> float:
    finite = np.abs(z[np.isfinite(z)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def heatmap(
    z: np.ndarray, signed: bool, axis: int = 1, limit: float | None = None, text: bool = True, max_cols: int = NARROW
) -> dict:
    """A heatmap trace dict: diverging around 0 when ``signed``, else grey in ``[0, 1]``; numbers in the cells
    (``text``) up to ``max_cols`` columns."""
    limit = limit or max_abs(z)
    suffix = "" if axis == 1 else str(axis)
    trace = {
        "type": "heatmap",
        # + 0.0: a zero pixel times a negative weight is -0.0, which would hover as "-0"
        "z": [[float(f"{v:.6g}") + 0.0 if np.isfinite(v) else None for v in row] for row in np.atleast_2d(z)],
        "colorscale": DIVERGING_SCALE if signed else GREY_SCALE,
        "zmin": -limit if signed else 0.0,
        "zmax": limit if signed else 1.0,
        "showscale": False,
        "xaxis": f"x{suffix}",
        "yaxis": f"y{suffix}",
        "hovertemplate": "%{z:.5~g}<extra></extra>",  # value only (cell positions differ per view); ~: no 0.50000
    }
    return {**trace, **(cell_text(z, max_cols=max_cols) if text else {})}


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
        if not title:  # the page writes it above the chart instead
            continue
        layout["annotations"].append(
            {
                "text": title,
                "x": x0 + width / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",  # "auto" anchors the outer titles at their left/right ends
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    return layout


def weight_limit(kernel: torch.Tensor) -> float:
    """The kernel colour scale runs from ``-L`` (full blue) to ``+L`` (full red), ``L = max |w|``:
    the kernel figure and the multiply-add figure share it, so one colour is one weight."""
    return max_abs(kernel.double().numpy())


def colorbar_ticks(limit: float, signed: bool) -> list[float]:
    """A colour bar's ticks: its ends and its middle (0 on the signed scale)."""
    return [-limit, 0.0, limit] if signed else [0.0, 0.5, 1.0]
