"""Plotly figures for the Loss functions page (``panels.py`` lays them out): the line and its residuals, each loss
against the slope, logits → probabilities → gradient."""

from __future__ import annotations

import torch

from components.figures.panels import dots, line
from components.figures.spec import finite_values
from components.figures.theme import PALETTE

LOSS_COLOURS = {"mse": PALETTE[0], "mae": PALETTE[3], "huber": PALETTE[2]}
RESIDUAL = "rgba(213, 94, 0, 0.7)"


def fit_panel(x: torch.Tensor, y: torch.Tensor, w: float, b: float, best: dict[str, tuple[float, float]],
              labels: dict[str, str]) -> dict:  # fmt: skip
    """The points (the last one, which the outlier control moves, marked), the line ``w x + b`` with each point's
    residual, and the best line of each loss (dashed)."""
    xs = [float(x.min()) - 0.3, float(x.max()) + 0.3]
    rx, ry = [], []
    for xi, yi in zip(x.tolist(), y.tolist(), strict=True):
        rx += [xi, xi, None]
        ry += [yi, w * xi + b, None]
    traces = [{"type": "scatter", "x": rx, "y": ry, "mode": "lines", "name": labels["residual"],
               "line": {"color": RESIDUAL, "width": 2}}]  # fmt: skip
    for name, (bw, bb) in best.items():
        traces.append(line(xs, [bw * v + bb for v in xs], labels[f"best_{name}"], LOSS_COLOURS[name], "dash", 2))
    traces += [
        line(xs, [w * v + b for v in xs], labels["line"], "#000000"),
        dots(x[:-1], y[:-1], labels["points"], PALETTE[0]),
        dots(x[-1:], y[-1:], labels["outlier"], PALETTE[3], size=14, symbol="diamond"),
    ]
    lo, hi = float(y.min()), float(y.max())
    pad = 0.1 * (hi - lo) + 0.5
    return {"traces": traces, "x": "x", "y": "y", "x_range": xs, "y_range": [min(lo, 0) - pad, hi + pad],
            "title": labels["fit_title"]}  # fmt: skip


def curves_panel(ws: torch.Tensor, curves: dict[str, torch.Tensor], w0: float, values: dict[str, float],
                 slopes: dict[str, float], labels: dict[str, str]) -> dict:  # fmt: skip
    """Each loss against the slope ``w``, the current ``w`` marked with the tangent (its gradient)."""
    traces = []
    span = 0.15 * float(ws[-1] - ws[0])
    for name, values_w in curves.items():
        colour = LOSS_COLOURS[name]
        traces.append(line(ws, values_w, labels[name], colour))
        v, d = values[name], slopes[name]
        tx = [w0 - span, w0 + span]
        traces.append(line(tx, [v - d * span, v + d * span], labels["tangent"], colour, "dot", 2, showlegend=False))
        traces.append(dots([w0], [v], labels[name], colour, showlegend=False))
    top = max(float(c.max()) for c in curves.values())
    # No x-axis title: the panel's title names w (a centred axis title met the tick under it on a projector)
    return {"traces": traces, "x": "", "y": labels["loss"], "y_range": [0, min(top, 60) * 1.05],
            "x_range": [float(ws[0]), float(ws[-1])], "title": labels["curves_title"]}  # fmt: skip


def bars_panel(names: list[str], values: torch.Tensor, colour: str, highlight: int, title: str, y: str,
               y_range: list[float] | None = None) -> dict:  # fmt: skip
    colours = [PALETTE[3] if i == highlight else colour for i in range(len(names))]
    trace = {"type": "bar", "x": names, "y": finite_values(values), "marker": {"color": colours},
             "showlegend": False, "text": [f"{v:.3g}" for v in values.tolist()], "textposition": "outside",
             "cliponaxis": False}  # fmt: skip
    panel = {"traces": [trace], "x": "", "y": y, "title": title}
    if y_range:
        panel["y_range"] = y_range
    return panel
