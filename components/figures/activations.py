"""Plotly figures for the Activations page (plain JSON specs, see ``spec.py``): an activation and its derivative,
two models' decision regions side by side, and the plane as each layer of a network sees it."""

from __future__ import annotations

import math

import torch

from components.figures.overfitting import CLASS_COLOURS, points_traces
from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE

CURVE_COLOUR, SLOPE_COLOUR, DEAD_FILL = PALETTE[0], PALETTE[3], "rgba(213, 94, 0, 0.12)"
STILL = {"fixedrange": True, "automargin": False}
LINE_COLOUR = "rgba(60, 60, 60, 0.35)"


def curve_figure(
    xs: torch.Tensor, f: torch.Tensor, df: torch.Tensor, spans: list[tuple[float, float]], x0: float,
    at: tuple[float, float], labels: dict[str, str],
) -> SpecFigure:  # fmt: skip
    """Left ``f(x)`` with its tangent at ``x0``; right ``f'(x)`` (autograd), ``x0`` marked on both, the spans
    where ``|f'|`` has vanished shaded on the right. ``at`` = ``(f(x0), f'(x0))``. ``labels``: ``f``, ``df``,
    ``x``, ``tangent``, ``vanished``."""
    lo, hi = float(xs[0]), float(xs[-1])
    f0, d0 = at
    top = float(f.max())
    fy = [min(float(f.min()), -1.2), max(top, 1.2) if math.isfinite(top) else 1.2]
    fy[1] = min(fy[1], 6.0)
    dy = [min(float(df.min()) - 0.1, -0.1), max(float(df.max()) + 0.15, 1.15)]
    tangent_x = [max(lo, x0 - 2), min(hi, x0 + 2)]
    data = [
        {"type": "scatter", "x": finite_values(xs), "y": finite_values(f), "mode": "lines", "name": labels["f"],
         "line": {"color": CURVE_COLOUR, "width": 3}},
        {"type": "scatter", "x": tangent_x, "y": finite_values([f0 + d0 * (v - x0) for v in tangent_x]),
         "mode": "lines", "name": labels["tangent"], "line": {"color": SLOPE_COLOUR, "width": 2, "dash": "dash"}},
        {"type": "scatter", "x": [x0], "y": finite_values([f0]), "mode": "markers", "showlegend": False,
         "marker": {"size": 12, "color": SLOPE_COLOUR}},
        {"type": "scatter", "x": finite_values(xs), "y": finite_values(df), "mode": "lines", "name": labels["df"],
         "xaxis": "x2", "yaxis": "y2", "line": {"color": SLOPE_COLOUR, "width": 3}},
        {"type": "scatter", "x": [x0], "y": finite_values([d0]), "mode": "markers", "showlegend": False,
         "xaxis": "x2", "yaxis": "y2", "marker": {"size": 12, "color": SLOPE_COLOUR}},
    ]  # fmt: skip
    if spans:  # one legend entry for the shaded spans
        data.append({"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": labels["vanished"],
                     "marker": {"symbol": "square", "size": 14, "color": DEAD_FILL}})  # fmt: skip
    shapes = [
        {"type": "rect", "xref": "x2", "yref": "y2 domain", "x0": a, "x1": b, "y0": 0, "y1": 1,
         "fillcolor": DEAD_FILL, "line": {"width": 0}, "layer": "below"}
        for a, b in spans
    ]  # fmt: skip
    layout = {
        "height": 380,
        "margin": {"l": 50, "r": 10, "t": 30, "b": 90},
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "shapes": shapes,
        "xaxis": {"domain": [0, 0.44], "range": [lo, hi], "title": {"text": labels["x"]}, **STILL},
        "yaxis": {"range": fy, "title": {"text": labels["f"]}, **STILL},
        "xaxis2": {"domain": [0.58, 1], "anchor": "y2", "range": [lo, hi], "title": {"text": labels["x"]}, **STILL},
        "yaxis2": {"anchor": "x2", "range": dy, "title": {"text": labels["df"]}, **STILL},
    }
    return SpecFigure({"data": data, "layout": layout})


def regions_figure(
    train: tuple[torch.Tensor, torch.Tensor], test: tuple[torch.Tensor, torch.Tensor], classes: int,
    images: list[dict], titles: list[str], labels: dict[str, str],
) -> SpecFigure:  # fmt: skip
    """Models' decision regions side by side (``regions_image`` dicts over the same box), the same points on
    each, one title above each. ``labels``: ``train``, ``test``, ``x``, ``y``."""
    data, layout, k_all = [], {"images": []}, len(images)
    box = images[0]
    x_range = [box["x"], box["x"] + box["sizex"]]
    y_range = [box["y"] - box["sizey"], box["y"]]
    gap = 0.06
    width = (1 - gap * (k_all - 1)) / k_all
    points = [*points_traces(*train, classes, labels["train"], False),
              *points_traces(*test, classes, labels["test"], True)]  # fmt: skip
    for k, image in enumerate(images):
        n = "" if k == 0 else str(k + 1)
        xa, ya = f"x{n}", f"y{n}"
        data += [trace | {"xaxis": xa, "yaxis": ya, "showlegend": trace["showlegend"] and k == 0} for trace in points]
        layout["images"].append(image | {"xref": xa, "yref": ya})
        left = k * (width + gap)
        layout[f"xaxis{n}"] = {"domain": [left, left + width], "range": x_range, "title": {"text": labels["x"]},
                               "showgrid": False, "zeroline": False, "anchor": ya, **STILL}  # fmt: skip
        layout[f"yaxis{n}"] = {"range": y_range, "showgrid": False, "zeroline": False, "anchor": xa,
                               "scaleanchor": xa, "constrain": "domain", **STILL,
                               **({"title": {"text": labels["y"]}} if k == 0 else {})}  # fmt: skip
    layout["annotations"] = [
        {"text": f"<b>{title}</b>", "xref": f"x{'' if k == 0 else k + 1} domain", "yref": "paper", "x": 0.5,
         "y": 1.0, "yanchor": "bottom", "showarrow": False}
        for k, title in enumerate(titles)
    ]  # fmt: skip
    layout.update({
        "height": 470, "margin": {"l": 50, "r": 10, "t": 40, "b": 100}, "hovermode": False,
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
    })  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})


def layers_figure(stages: list[tuple[str, torch.Tensor, torch.Tensor]], labels: torch.Tensor, classes: int,
                  columns: int = 3, boundary: bool = False,
                  colours: list[str] | None = None) -> SpecFigure:  # fmt: skip
    """Small multiples, one per stage: ``(title, points (n, 2), grid lines (L, P, 2))`` in that stage's two
    coordinates; the points coloured by their class ``labels`` (``colours``, default the class colours); each
    panel scaled to its own content. With ``boundary`` the last stage holds two logits and the line ``z₀ = z₁``
    (the decision boundary) is drawn in it."""
    rows = math.ceil(len(stages) / columns)
    colours = colours or CLASS_COLOURS
    data, layout, notes = [], {}, []
    gap_x, gap_y = 0.05, 0.12 / rows
    width, height = (1 - gap_x * (columns - 1)) / columns, (1 - gap_y * (rows - 1)) / rows
    for k, (title, points, lines) in enumerate(stages):
        r, c = divmod(k, columns)
        n = "" if k == 0 else str(k + 1)
        xa, ya = f"x{n}", f"y{n}"
        x0 = c * (width + gap_x)
        y1 = 1 - r * (height + gap_y)
        xs, ys = [], []
        for line in lines:  # one trace for all lines: None between them
            xs += [*finite_values(line[:, 0]), None]
            ys += [*finite_values(line[:, 1]), None]
        data.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "xaxis": xa, "yaxis": ya,
                     "hoverinfo": "skip", "showlegend": False, "line": {"color": LINE_COLOUR, "width": 1}})  # fmt: skip
        for cls in range(classes):
            pick = labels == cls
            data.append({"type": "scatter", "x": finite_values(points[pick, 0]), "y": finite_values(points[pick, 1]),
                         "mode": "markers", "xaxis": xa, "yaxis": ya, "hoverinfo": "skip", "showlegend": False,
                         "marker": {"size": 6, "color": colours[cls % len(colours)],
                                    "line": {"width": 0.5, "color": "#ffffff"}}})  # fmt: skip
        both = torch.cat([points, lines.reshape(-1, 2)])
        lo, hi = both.amin(0), both.amax(0)
        pad = 0.05 * (hi - lo) + 1e-6
        layout[f"xaxis{n}"] = {"domain": [x0, x0 + width], "anchor": ya, "showticklabels": False,
                               "range": [float(lo[0] - pad[0]), float(hi[0] + pad[0])], "showgrid": False,
                               "zeroline": False, **STILL}  # fmt: skip
        layout[f"yaxis{n}"] = {"domain": [y1 - height, y1], "anchor": xa, "showticklabels": False,
                               "range": [float(lo[1] - pad[1]), float(hi[1] + pad[1])], "showgrid": False,
                               "zeroline": False, **STILL}  # fmt: skip
        if boundary and k == len(stages) - 1:  # z0 = z1 across the panel
            a, b = max(float(lo[0] - pad[0]), float(lo[1] - pad[1])), min(float(hi[0] + pad[0]), float(hi[1] + pad[1]))
            data.append({"type": "scatter", "x": [a, b], "y": [a, b], "mode": "lines", "xaxis": xa, "yaxis": ya,
                         "hoverinfo": "skip", "showlegend": False,
                         "line": {"color": "#000000", "width": 2, "dash": "dash"}})  # fmt: skip
        notes.append({"text": title, "xref": f"{xa} domain", "yref": f"{ya} domain", "x": 0.5, "y": 1.0,
                      "yanchor": "bottom", "showarrow": False})  # fmt: skip
    layout.update({"height": 40 + 280 * rows, "margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "annotations": notes,
                   "hovermode": False, "showlegend": False})  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})
