"""Plotly figures for the Overfitting page (plain JSON specs, see ``spec.py``).

One figure holds the two views that change together while a model trains: the data with the model's fit
(a curve, or the decision regions as a picture) and the train/test loss curves. One figure with fixed
margins is one cheap redraw in the browser per update (see ``descent.py``).
"""

from __future__ import annotations

import math

import torch

from components.figures.raster import class_pixels, data_uri, encode
from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE, log_axis

CLASS_COLOURS = [PALETTE[0], PALETTE[3], PALETTE[2]]  # blue, vermilion, green
TRAIN_COLOUR, TEST_COLOUR, FIT_COLOUR = PALETTE[0], PALETTE[3], "#000000"
GAP_FILL = "rgba(213, 94, 0, 0.13)"  # the test colour, faint: the generalisation gap
# The legend sits at the bottom of the figure (container coordinates), below the axis titles, in a bottom margin
# that holds both: the theme scales margins with the font, so the layers never overlap, at any font size.
MARGIN = {"l": 60, "r": 10, "t": 30, "b": 110}
LEGEND = {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"}
# Training points filled and larger, test points hollow rings: on coloured decision regions a filled dot of the
# region's own colour needs the size and a white rim to stand out, a ring needs a thick line.
TRAIN_SIZE, TEST_SIZE, RING = 12, 9, 2.5


def points_traces(x: torch.Tensor, y: torch.Tensor, classes: int, name: str, hollow: bool) -> list[dict]:
    """Training points filled, test points hollow; classification colours them by class."""
    symbol = "circle-open" if hollow else "circle"
    size = TEST_SIZE if hollow else TRAIN_SIZE
    if classes == 0:
        marker = {"size": size - 2, "symbol": symbol, "color": "#333333", "line": {"width": 2 if hollow else 0}}
        return [{"type": "scatter", "x": finite_values(x[:, 0]), "y": finite_values(y), "mode": "markers",
                 "name": name, "marker": marker}]  # fmt: skip
    traces = []
    for c in range(classes):
        pick = y == c
        traces.append(
            {
                "type": "scatter",
                "x": finite_values(x[pick, 0]),
                "y": finite_values(x[pick, 1]),
                "mode": "markers",
                "name": name,
                "legendgroup": name,
                "showlegend": c == 0,
                "hoverinfo": "skip",
                "marker": {"size": size, "symbol": symbol, "color": CLASS_COLOURS[c % len(CLASS_COLOURS)],
                           "line": {"width": RING if hollow else 1.5, "color": None if hollow else "#ffffff"}},
            }
        )  # fmt: skip
    return traces


def regions_image(probs: torch.Tensor, x_range: tuple[float, float], y_range: tuple[float, float]) -> dict:
    """Decision regions as a layout image: ``probs`` is ``(H, W, C)`` over the grid, row 0 at the lowest y."""
    pixels = class_pixels(probs.flip(0), CLASS_COLOURS)
    return {
        "source": data_uri(encode(pixels, "PNG"), "PNG"),
        "xref": "x",
        "yref": "y",
        "x": x_range[0],
        "y": y_range[1],
        "sizex": x_range[1] - x_range[0],
        "sizey": y_range[1] - y_range[0],
        "sizing": "stretch",
        "layer": "below",
    }


def training_figure(
    train: tuple[torch.Tensor, torch.Tensor],
    test: tuple[torch.Tensor, torch.Tensor],
    classes: int,
    fit: tuple[torch.Tensor, torch.Tensor] | dict,
    curves: tuple[list[float], list[float]],
    best_epoch: int | None,
    labels: dict[str, str],
    epochs: int,
) -> SpecFigure:
    """Left: the data and the model; right: loss against epoch.

    Args:
        train, test: ``(x, y)`` of each set (x ``(n, d)``; y values or class labels).
        classes: 0 for regression, else the number of classes.
        fit: regression ``(xs, predictions)`` along the x axis; classification a ``regions_image`` dict.
        curves: train and test loss after each epoch (index 0 = before training).
        best_epoch: the epoch of the lowest test loss, marked (``None``: no curve yet).
        labels: ``train``, ``test``, ``model``, ``train_loss``, ``test_loss``, ``best``, ``epoch``, ``loss``,
            ``x``, ``y`` (axis and legend texts).
        epochs: the planned number of epochs (the epoch axis does not jump while curves grow).
    """
    data = [
        *points_traces(*train, classes, labels["train"], False),
        *points_traces(*test, classes, labels["test"], True),
    ]
    layout: dict = {}
    if classes == 0:
        xs, pred = fit
        data.insert(0, {"type": "scatter", "x": finite_values(xs), "y": finite_values(pred), "mode": "lines",
                        "name": labels["model"], "line": {"color": FIT_COLOUR, "width": 3}})  # fmt: skip
        ys = torch.cat([train[1], test[1]])
        lo, hi = float(ys.min()), float(ys.max())
        pad = 0.15 * (hi - lo or 1.0)
        x_range = [float(xs.min()), float(xs.max())]
        y_range = [lo - pad, hi + pad]
    else:
        layout["images"] = [fit]
        x_range = [fit["x"], fit["x"] + fit["sizex"]]
        y_range = [fit["y"] - fit["sizey"], fit["y"]]
    train_curve, test_curve = curves
    steps = list(range(len(train_curve)))
    data += [
        {"type": "scatter", "x": steps, "y": finite_values(train_curve), "xaxis": "x2", "yaxis": "y2",
         "mode": "lines", "name": labels["train_loss"], "line": {"color": TRAIN_COLOUR, "width": 3}},
        {"type": "scatter", "x": steps, "y": finite_values(test_curve), "xaxis": "x2", "yaxis": "y2",
         "mode": "lines", "name": labels["test_loss"], "line": {"color": TEST_COLOUR, "width": 3},
         "fill": "tonexty", "fillcolor": GAP_FILL},
    ]  # fmt: skip
    if best_epoch is not None and best_epoch < len(test_curve):
        data.append(
            {
                "type": "scatter",
                "x": [best_epoch],
                "y": finite_values([test_curve[best_epoch]]),
                "xaxis": "x2",
                "yaxis": "y2",
                "mode": "markers",
                "name": labels["best"],
                "hoverinfo": "x+y",
                "marker": {"symbol": "star", "size": 15, "color": "#ffffff", "line": {"color": "#000", "width": 1.5}},
            }
        )
    still = {"fixedrange": True, "automargin": False}
    span = max(epochs, 1)  # the epoch axis: the planned epochs and a little room for the star at either end
    layout.update(
        {
            "height": 540,
            "margin": MARGIN,
            "hovermode": "closest",
            "legend": LEGEND,
            "xaxis": {"domain": [0, 0.42], "range": x_range, "title": {"text": labels["x"]}, "zeroline": False,
                      "showgrid": not classes,
                      **still},
            "yaxis": {"range": y_range, "title": {"text": labels["y"]}, "zeroline": False, **still,
                      "showgrid": not classes,
                      **({"scaleanchor": "x", "constrain": "domain"} if classes else {})},
            "xaxis2": {"domain": [0.58, 1], "anchor": "y2", "range": [-0.02 * span, 1.02 * span],
                       "title": {"text": labels["epoch"]}, **still},
            "yaxis2": {"anchor": "x2", "title": {"text": labels["loss"]}, **log_axis(train_curve + test_curve, True),
                       **still},
        }
    )  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})


def sweep_figure(
    capacities: list[int], train: list[float], test: list[float], current: int, labels: dict[str, str]
) -> SpecFigure:
    """Final train and test loss against capacity: the test curve's U, the current capacity marked."""
    data = [
        {"type": "scatter", "x": capacities, "y": finite_values(train), "mode": "lines+markers",
         "name": labels["train_loss"], "line": {"color": TRAIN_COLOUR, "width": 3}, "marker": {"size": 8}},
        {"type": "scatter", "x": capacities, "y": finite_values(test), "mode": "lines+markers",
         "name": labels["test_loss"], "line": {"color": TEST_COLOUR, "width": 3}, "marker": {"size": 8}},
    ]  # fmt: skip
    # On a log axis Plotly places annotations at log10(x) (shapes and traces at x): measured in Chromium.
    at = math.log10(current) if labels.get("capacity_axis") == "log" else current
    shapes = [{"type": "line", "x0": current, "x1": current, "yref": "paper", "y0": 0, "y1": 1,
               "line": {"color": "#555555", "dash": "dot", "width": 2}}]  # fmt: skip
    layout = {
        "height": 400,
        "margin": {**MARGIN, "b": 95},
        "legend": LEGEND,
        "shapes": shapes,
        "annotations": [{"x": at, "y": 1, "yref": "paper", "text": labels["current"], "showarrow": False,
                         "yanchor": "bottom"}],
        "xaxis": {"title": {"text": labels["capacity"]}, "type": labels.get("capacity_axis", "linear"),
                  **({} if labels.get("capacity_axis") == "log" else {"dtick": 1}),  # whole degrees only
                  "fixedrange": True, "automargin": False},
        "yaxis": {"title": {"text": labels["loss"]}, **log_axis(train + test), "fixedrange": True, "automargin": False},
    }  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})
