"""Plotly figures for the Signals page (plain JSON specs, see ``spec.py``).

The time view draws input and output on one sample axis: output sample ``i`` sits at the middle of the window
that made it (``Filtered.centre``), so a smoothing kernel's output lies on the input it smooths, in every mode.
"""

from __future__ import annotations

import numpy as np
import torch

from components.compute.signals import Filtered
from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE, log_axis

INPUT, OUTPUT, CONVOLVE, KERNEL, PRODUCT = "#888888", PALETTE[0], PALETTE[3], PALETTE[1], PALETTE[2]
MAX_POINTS = 4000  # longer signals are drawn as their min/max per bucket: the same picture, fewer points
MARKERS_UP_TO = 160  # samples drawn as dots as well while they are this few
MAX_FRAMES = 32  # the window animation's positions, from the inspected one on
WINDOW_MARGIN = 4  # samples shown beside the window's path


def envelope(xs: np.ndarray, ys: np.ndarray, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """``(xs, ys)`` as they are while short; else each bucket's minimum and maximum, in order."""
    n = len(ys)
    if n <= max_points:
        return xs, ys
    buckets = max_points // 2
    edges = np.linspace(0, n, buckets + 1).astype(int)
    out_x, out_y = np.empty(2 * buckets), np.empty(2 * buckets)
    for b in range(buckets):
        seg = ys[edges[b] : edges[b + 1]]
        lo, hi = int(np.argmin(seg)), int(np.argmax(seg))
        first, second = sorted((lo, hi))
        out_x[2 * b : 2 * b + 2] = xs[edges[b] + first], xs[edges[b] + second]
        out_y[2 * b : 2 * b + 2] = seg[first], seg[second]
    return out_x, out_y


def _line(xs, ys, name: str, color: str, width: float = 2.0, dash: str = "solid", **extra) -> dict:
    xs, ys = envelope(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    mode = "lines+markers" if len(ys) <= MARKERS_UP_TO else "lines"
    return {
        "type": "scatter",
        "x": finite_values(xs),
        "y": finite_values(ys),
        "mode": mode,
        "name": name,
        "line": {"color": color, "width": width, "dash": dash},
        "marker": {"size": 5, "color": color},
        **extra,
    }


def time_figure(
    x: torch.Tensor, result: Filtered, position: int, labels: dict[str, str], other: torch.Tensor | None = None
) -> SpecFigure:
    """The input, the output on the input's sample axis, the window of output sample ``position`` shaded.

    Args:
        x: ``(N,)`` the input.
        result: the filter's padded input and output.
        position: the inspected output sample.
        labels: ``input``, ``output``, ``other``, ``window``, ``sample`` texts.
        other: the other operation's output (true convolution when ``result`` is cross-correlation, or the
            reverse), drawn dashed over it.
    """
    k = len(result.kernel)
    out = result.output.numpy()
    centres = np.arange(len(out)) - result.left + (k - 1) / 2
    data = [
        _line(np.arange(len(x)), x.numpy(), labels["input"], INPUT, 1.5),
        _line(centres, out, labels["output"], OUTPUT, 2.5),
    ]
    if other is not None:
        data.append(_line(centres, other.numpy(), labels["other"], CONVOLVE, 2.0, "dash"))
    start = position - result.left
    y = float(out[position])
    data.append(
        {
            "type": "scatter",
            "x": [result.centre(position)],
            "y": finite_values([y]),
            "mode": "markers",
            "name": labels["sample"],
            "marker": {"size": 13, "color": OUTPUT, "symbol": "diamond", "line": {"width": 2, "color": "#ffffff"}},
        }
    )
    layout = {
        "height": 340,
        "margin": {"l": 55, "r": 10, "t": 10, "b": 75},
        "xaxis": {"title": {"text": labels["index"]}, "zeroline": False},
        "yaxis": {"zeroline": False},
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "shapes": [
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": start - 0.5,
                "x1": start + k - 0.5,
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(230, 159, 0, 0.18)",
                "line": {"width": 0},
                "layer": "below",
            }
        ],
    }
    return SpecFigure({"data": data, "layout": layout})


def signal_figure(x: torch.Tensor, labels: dict[str, str]) -> SpecFigure:
    """The input alone (the filter could not run: the page says why above it)."""
    layout = {"height": 340, "margin": {"l": 55, "r": 10, "t": 10, "b": 75},
              "xaxis": {"title": {"text": labels["index"]}, "zeroline": False}, "yaxis": {"zeroline": False},
              "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
              "showlegend": True}  # fmt: skip
    return SpecFigure({"data": [_line(np.arange(len(x)), x.numpy(), labels["input"], INPUT, 1.5)], "layout": layout})


def _window_traces(result: Filtered, i: int, labels: dict[str, str], hidden: bool = False) -> list[dict]:
    taps, w, products = (v.numpy() for v in result.window(i))
    where = (np.arange(len(w)) + i - result.left).tolist()
    total = float(result.output[i])
    return [
        {
            "type": "bar",
            "x": where,
            "y": finite_values(w),
            "name": labels["weights"],
            "marker": {"color": KERNEL},
            "xaxis": "x",
            "yaxis": "y2",
            "offsetgroup": "w",
            "hovertemplate": "w = %{y}<extra></extra>",
        },
        {
            "type": "bar",
            "x": where,
            "y": finite_values(products),
            "name": labels["products"],
            "marker": {"color": PRODUCT},
            "xaxis": "x",
            "yaxis": "y2",
            "offsetgroup": "p",
            "hovertemplate": "x·w = %{y}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": where,
            "y": finite_values(taps),
            "mode": "markers",
            "name": labels["taps"],
            "marker": {"size": 10, "color": KERNEL, "line": {"width": 1.5, "color": "#000000"}},
        },
        {
            "type": "scatter",
            "x": [result.centre(i)],
            "y": finite_values([total]),
            "mode": "markers+text",
            "name": labels["sum"],
            "text": [f"y[{i}] = ?" if hidden else f"y[{i}] = {total:.4g}"],
            "textposition": "middle right",  # beside the marker, not on it; past the plot's edge if need be
            "cliponaxis": False,
            "marker": {"size": 14, "color": OUTPUT, "symbol": "diamond"},
        },
    ]


def window_figure(
    result: Filtered, position: int, labels: dict[str, str], play: bool = False, hidden: bool = False
) -> SpecFigure:
    """Above: the padded input near output sample ``position``'s window, its taps ringed, the output sample at the
    window's middle. Below: the weights under their taps and the products, whose sum is that output sample.
    ``hidden``: the output sample's value not written (the lesson's "predict first").
    ``play``: Play / the slider walk the window on over the next ``MAX_FRAMES`` positions (no rerun). Off by
    default: 32 frames cost the browser ~50-80 ms on every change of the settings (issue 10).

    Args:
        labels: ``padded``, ``taps``, ``weights``, ``products``, ``sum``, ``index``, ``play``, ``pause``,
            ``position`` texts.
    """
    k, last = len(result.kernel), len(result.output) - 1
    positions = list(range(position, min(last, position + MAX_FRAMES - 1) + 1)) if play else [position]
    lo = positions[0] - result.left - WINDOW_MARGIN
    hi = positions[-1] - result.left + k - 1 + WINDOW_MARGIN
    first, stop = max(0, lo + result.left), min(len(result.padded), hi + result.left + 1)
    padded = result.padded.numpy()[first:stop]
    axis = np.arange(first, stop) - result.left
    frames = [{"name": str(i), "data": _window_traces(result, i, labels, hidden), "traces": [1, 2, 3, 4]}
              for i in positions]  # fmt: skip
    now = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    walk = {"frame": {"duration": 350, "redraw": False}, "fromcurrent": True, "transition": {"duration": 0}}
    data = [
        {
            "type": "scatter",
            "x": axis.tolist(),
            "y": finite_values(padded),
            "mode": "lines+markers",
            "name": labels["padded"],
            "line": {"color": INPUT, "width": 1.5},
            "marker": {"size": 5, "color": INPUT},
        },
        *[dict(tr) for tr in frames[0]["data"]],
    ]
    layout = {
        "height": 480,
        "margin": {"l": 55, "r": 10, "t": 70, "b": 120},
        "barmode": "group",
        # The sample axis between the two panels: under the lower one the Play buttons and the slider need the room.
        "xaxis": {"range": [lo - 0.5, hi + 0.5], "zeroline": False, "anchor": "y"},
        "yaxis": {"domain": [0.56, 1.0], "zeroline": False},
        "yaxis2": {"domain": [0.0, 0.4], "zeroline": True, "zerolinecolor": "#999999"},
        "legend": {"orientation": "h", "x": 0, "y": 1, "yref": "container", "yanchor": "top"},  # the bottom: Play
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.04,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {"label": labels["play"], "method": "animate", "args": [None, walk]},
                    {"label": labels["pause"], "method": "animate", "args": [[None], now]},
                ],
            }
        ],
        "sliders": [
            {
                "active": 0,
                "x": 0.25,
                "len": 0.75,
                "y": -0.01,
                "currentvalue": {"prefix": labels["position"]},
                "steps": [{"label": str(i), "method": "animate", "args": [[str(i)], now]} for i in positions],
            }
        ],
    }
    if not play:
        del layout["updatemenus"], layout["sliders"]
        layout["margin"]["b"] = 20
        return SpecFigure({"data": data, "layout": layout})
    return SpecFigure({"data": data, "layout": layout, "frames": frames})


def spectrum_figure(
    spectra: dict[str, tuple[torch.Tensor, torch.Tensor]], response: tuple[torch.Tensor, torch.Tensor], labels: dict
) -> SpecFigure:
    """Above: the input's and the output's amplitude spectra (log scale); below: the kernel's gain |H(f)|.

    Args:
        spectra: ``{"input": (f, |X|), "output": (f, |Y|)}``.
        response: ``(f, |H|)``.
        labels: ``input``, ``output``, ``gain``, ``frequency``, ``amplitude``, ``gain_axis`` texts.
    """
    data, shown = [], []
    floor = 1e-4 * max(float(a.max()) for _, a in spectra.values()) or 1e-12  # below: too small to see
    for name, color in (("input", INPUT), ("output", OUTPUT)):
        f, a = spectra[name]
        fx, ay = envelope(f.numpy(), np.maximum(a.numpy(), floor))
        shown.append(ay)
        trace = {
            "type": "scatter",
            "x": finite_values(fx),
            "y": finite_values(ay),
            "mode": "lines",
            "name": labels[name],
            "line": {"color": color, "width": 2 if name == "input" else 2.5},
        }
        data.append(trace)
    f, h = response
    data.append(
        {
            "type": "scatter",
            "x": finite_values(f),
            "y": finite_values(h),
            "mode": "lines",
            "xaxis": "x2",
            "yaxis": "y2",
            "name": labels["gain"],
            "line": {"color": KERNEL, "width": 3},
            "fill": "tozeroy",
            "fillcolor": "rgba(230, 159, 0, 0.15)",
        }
    )
    layout = {
        "height": 480,
        "margin": {"l": 60, "r": 10, "t": 10, "b": 80},
        "xaxis": {"range": [0, 0.5], "anchor": "y", "showticklabels": False},
        "yaxis": {**log_axis(np.concatenate(shown)), "domain": [0.5, 1.0], "title": {"text": labels["amplitude"]}},
        "xaxis2": {"range": [0, 0.5], "anchor": "y2", "matches": "x", "title": {"text": labels["frequency"]}},
        "yaxis2": {"domain": [0.0, 0.42], "rangemode": "tozero", "title": {"text": labels["gain_axis"]}},
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
    }
    return SpecFigure({"data": data, "layout": layout})
