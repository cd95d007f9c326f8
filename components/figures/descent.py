"""Plotly figures for the Gradient descent page (plain JSON specs, see ``spec.py``)."""

from __future__ import annotations

import math

import numpy as np
import torch

from components.compute.descent import Path
from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE

RUN_COLOURS = [PALETTE[3], PALETTE[0], PALETTE[2], PALETTE[4]]  # vermilion, blue, green, pink
CLICK_CELLS = 24  # the invisible click grid: 24 x 24 points (each SVG marker costs render time)
FRAMES = 20  # Play frames: each holds every path so far, so they dominate the figure's size
FRAME_POINTS = 60  # ... thinned to about this many points per path


def display_z(z: torch.Tensor, log: bool) -> list[list[float | None]]:
    """Contour values; on a log scale ``log10(z - min + 1e-3)`` shows narrow valleys (Rosenbrock)."""
    if log:
        finite = z[torch.isfinite(z)]
        low = float(finite.min()) if finite.numel() else 0.0
        z = torch.log10(z - low + 1e-3)
    return [finite_values(row) for row in z]


def _path_traces(
    paths: list[Path], coords: list[tuple[list, list]], step: int, names: list[str], lrs: list[float], every: int = 1
) -> list[dict]:
    """Per run: the path so far, its current point, and the next step ``-lr * grad`` as a segment.

    ``coords``: each path's coordinates already converted for the spec (once per figure, frames slice them).
    ``every``: keep every n-th point of the drawn path (Play frames; the last point always stays).
    """
    traces = []
    for i, (path, (all_x, all_y), name, lr) in enumerate(zip(paths, coords, names, lrs, strict=True)):
        colour, k = RUN_COLOURS[i], min(step, len(path.xs) - 1)
        xs, ys = all_x[: k + 1], all_y[: k + 1]
        if every > 1 and len(xs) > 2:
            xs, ys = xs[:-1:every] + xs[-1:], ys[:-1:every] + ys[-1:]
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "name": name,
                "line": {"color": colour, "width": 3},
                "marker": {"size": 5, "color": colour},
            }
        )
        if k < 0:
            traces.append({"type": "scatter", "x": [], "y": [], "showlegend": False})
            continue
        x, y = float(path.xs[k]), float(path.ys[k])
        gx, gy = (float(v) for v in path.grads[k])
        traces.append(
            {
                "type": "scatter",
                "x": [x, x - lr * gx],
                "y": [y, y - lr * gy],
                "mode": "lines+markers",
                "showlegend": False,
                "hoverinfo": "skip",
                "line": {"color": colour, "width": 2, "dash": "dot"},
                "marker": {"size": [12, 4], "color": colour, "symbol": ["circle", "triangle-up"]},
            }
        )
    return traces


def contour_figure(
    grid: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    paths: list[Path],
    step: int,
    names: list[str],
    lrs: list[float],
    minima: tuple,
    log: bool,
) -> SpecFigure:
    """Contours, the runs' paths up to ``step`` (with Play frames), minima, and a click grid.

    Trace order: 0 contour, 1 click grid, 2 minima, then two traces per run (path, step arrow).
    """
    xs, ys, _ = grid
    coords = [(finite_values(p.xs), finite_values(p.ys)) for p in paths]
    data: list[dict] = [
        _landscape("contour", grid, log, ncontours=20, hoverinfo="skip", contours={"coloring": "heatmap"}),
        _click_grid(xs, ys),
        {
            "type": "scatter",
            "x": [m[0] for m in minima],
            "y": [m[1] for m in minima],
            "mode": "markers",
            "name": "min",
            "showlegend": False,
            "hoverinfo": "skip",
            "marker": {"symbol": "star", "size": 14, "color": "#ffffff", "line": {"color": "#000000", "width": 1}},
        },
        *_path_traces(paths, coords, step, names, lrs),
    ]
    longest = max((len(p.xs) for p in paths), default=1)
    ks = sorted({round(i * (longest - 1) / (FRAMES - 1)) for i in range(FRAMES)}) if longest > 1 else [0]
    run_traces = list(range(3, 3 + 2 * len(paths)))
    every = max(1, longest // FRAME_POINTS)  # frames carry thinned paths: they only animate
    frames = [
        {"name": str(k), "data": _path_traces(paths, coords, k, names, lrs, every), "traces": run_traces} for k in ks
    ]
    now = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    play = {"frame": {"duration": 120, "redraw": True}, "fromcurrent": False, "transition": {"duration": 0}}
    layout = {
        "height": 560,
        "legend": {"orientation": "h", "y": -0.12},
        "dragmode": False,
        "clickmode": "event+select",
        "xaxis": {"range": [float(xs.min()), float(xs.max())], "title": {"text": "x"}, "constrain": "domain"},
        "yaxis": {"range": [float(ys.min()), float(ys.max())], "title": {"text": "y"}, "scaleanchor": "x"},
        "updatemenus": [
            {
                "type": "buttons",
                "x": 0.0,
                "y": 1.08,
                "xanchor": "left",
                "direction": "left",
                "buttons": [
                    {"label": "▶", "method": "animate", "args": [None, play]},
                    {"label": "❚❚", "method": "animate", "args": [[None], now]},
                ],
            }
        ],
    }
    return SpecFigure({"data": data, "layout": layout, "frames": frames})


def _landscape(kind: str, grid: tuple[torch.Tensor, torch.Tensor, torch.Tensor], log: bool, **extra) -> dict:
    """The surface ``f`` as a ``contour`` or 3-D ``surface`` trace (log-scaled when asked)."""
    xs, ys, z = grid
    trace = {"type": kind, "x": finite_values(xs), "y": finite_values(ys), "z": display_z(z, log)}
    return {**trace, "colorscale": "Viridis", "showscale": False, **extra}


def _click_grid(xs: torch.Tensor, ys: torch.Tensor) -> dict:
    """Transparent markers: Plotly selections report only data points, never the contour itself."""
    gx = np.linspace(float(xs.min()), float(xs.max()), CLICK_CELLS)
    gy = np.linspace(float(ys.min()), float(ys.max()), CLICK_CELLS)
    px, py = np.meshgrid(gx, gy)
    return {
        "type": "scatter",
        "x": px.ravel().round(4).tolist(),
        "y": py.ravel().round(4).tolist(),
        "mode": "markers",
        "showlegend": False,
        "hovertemplate": "start (%{x:.2f}, %{y:.2f})<extra></extra>",
        "marker": {"size": 14, "symbol": "square", "color": "rgba(0,0,0,0)"},
    }


def surface_figure(
    grid: tuple[torch.Tensor, torch.Tensor, torch.Tensor], paths: list[Path], step: int, names: list[str], log: bool
) -> SpecFigure:
    """The same landscape in 3-D, each path drawn on it at height ``f``."""
    z = grid[2]
    data: list[dict] = [_landscape("surface", grid, log, opacity=0.9)]
    shift = _log_shift(z) if log else None
    for i, (path, name) in enumerate(zip(paths, names, strict=True)):
        k = min(step, len(path.xs) - 1)
        h = path.losses[: k + 1]
        heights = torch.log10(h - shift + 1e-3) if shift is not None else h
        data.append(
            {
                "type": "scatter3d",
                "x": finite_values(path.xs[: k + 1]),
                "y": finite_values(path.ys[: k + 1]),
                "z": finite_values(heights),
                "mode": "lines+markers",
                "name": name,
                "line": {"color": RUN_COLOURS[i], "width": 6},
                "marker": {"size": 2, "color": RUN_COLOURS[i]},
            }
        )
    layout = {
        "height": 520,
        "legend": {"orientation": "h"},
        "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
        "scene": {
            "xaxis": {"title": {"text": "x"}},
            "yaxis": {"title": {"text": "y"}},
            "zaxis": {"title": {"text": "log f" if log else "f"}},
        },
    }
    return SpecFigure({"data": data, "layout": layout})


def _log_shift(z: torch.Tensor) -> float:
    finite = z[torch.isfinite(z)]
    return float(finite.min()) if finite.numel() else 0.0


def loss_figure(paths: list[Path], step: int, names: list[str], log: bool, axis: str) -> SpecFigure:
    """Loss against step for every run; the current step as a vertical line."""
    data = []
    for i, (path, name) in enumerate(zip(paths, names, strict=True)):
        losses = path.losses.clone()
        if log:
            losses = torch.where(losses > 0, losses, torch.tensor(math.nan, dtype=losses.dtype))
        data.append(
            {
                "type": "scatter",
                "x": list(range(len(losses))),
                "y": finite_values(losses),
                "mode": "lines",
                "name": name,
                "line": {"color": RUN_COLOURS[i], "width": 3},
            }
        )
    layout = {
        "height": 320,
        "legend": {"orientation": "h", "y": -0.3},
        "xaxis": {"title": {"text": axis}},
        "yaxis": {"type": "log" if log else "linear", "title": {"text": "f"}, "exponentformat": "power"},
        "shapes": [
            {
                "type": "line",
                "x0": step,
                "x1": step,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#888888", "dash": "dot", "width": 1},
            }
        ],
    }
    return SpecFigure({"data": data, "layout": layout})
