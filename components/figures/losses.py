"""Plotly figures for the Loss functions page (plain JSON specs, see ``spec.py``): panels side by side, each with
its own axes — the line and its residuals, each loss against the slope, logits → probabilities → gradient, the
binary cross-entropy, and the two classic mistakes."""

from __future__ import annotations

import torch

from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE

LOSS_COLOURS = {"mse": PALETTE[0], "mae": PALETTE[3], "huber": PALETTE[2]}
STILL = {"fixedrange": True, "automargin": False}
RESIDUAL = "rgba(213, 94, 0, 0.7)"


def line(x, y, name: str, colour: str, dash: str = "solid", width: float = 3, **extra) -> dict:
    return {"type": "scatter", "x": finite_values(x), "y": finite_values(y), "mode": "lines", "name": name,
            "line": {"color": colour, "width": width, "dash": dash}, **extra}  # fmt: skip


def dots(x, y, name: str, colour: str, size: float = 11, symbol: str = "circle", **extra) -> dict:
    return {"type": "scatter", "x": finite_values(x), "y": finite_values(y), "mode": "markers", "name": name,
            "marker": {"color": colour, "size": size, "symbol": symbol, "line": {"width": 1, "color": "#fff"}},
            **extra}  # fmt: skip


def panels_figure(panels: list[dict], height: int = 400) -> SpecFigure:
    """Panels in a row. Each panel: ``traces`` (trace dicts), ``x`` and ``y`` axis titles, optional ``x_range``,
    ``y_range``, ``title`` and ``shapes`` (in the panel's axes)."""
    gap = 0.08
    width = (1 - gap * (len(panels) - 1)) / len(panels)
    data, layout, notes, shapes = [], {}, [], []
    for k, panel in enumerate(panels):
        n = "" if k == 0 else str(k + 1)
        xa, ya = f"x{n}", f"y{n}"
        data += [trace | {"xaxis": xa, "yaxis": ya} for trace in panel["traces"]]
        left = k * (width + gap)
        layout[f"xaxis{n}"] = {"domain": [left, left + width], "anchor": ya, "title": {"text": panel["x"]}, **STILL,
                               **({"range": panel["x_range"]} if "x_range" in panel else {})}  # fmt: skip
        layout[f"yaxis{n}"] = {"anchor": xa, "title": {"text": panel["y"]}, **STILL,
                               **({"range": panel["y_range"]} if "y_range" in panel else {})}  # fmt: skip
        shapes += [shape | {"xref": xa, "yref": ya} for shape in panel.get("shapes", [])]
        if panel.get("title"):
            notes.append({"text": f"<b>{panel['title']}</b>", "xref": f"{xa} domain", "yref": "paper", "x": 0.5,
                          "y": 1.0, "yanchor": "bottom", "showarrow": False})  # fmt: skip
    layout.update({
        "height": height, "margin": {"l": 55, "r": 10, "t": 40, "b": 100}, "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "annotations": notes, "shapes": shapes, "barmode": "group",
    })  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})


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
    return {"traces": traces, "x": labels["w"], "y": labels["loss"], "y_range": [0, min(top, 60) * 1.05],
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
