"""Plotly figures for the Gradient descent page (plain JSON specs, see ``spec.py``)."""

from __future__ import annotations

import torch

from components.compute.descent import Path
from components.figures.raster import contour_pixels, data_uri, encode
from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE, log_axis

RUN_COLOURS = [PALETTE[3], PALETTE[0], PALETTE[2], PALETTE[4]]  # vermilion, blue, green, pink
FRAMES = 20  # Play frames: each holds every path so far, so they dominate the figure's size
FRAME_POINTS = 60  # ... thinned to about this many points per path
RUN_TRACES = 2  # descent_figure: index of the first run's path trace

# The contour's and the loss plot's share of the width. The loss axis' ticks and title are on its right (in the
# right margin): on its left, 10⁻² in projector type and the title overlapped the contour at 1024 px.
CONTOUR_END, LOSS_START = 0.56, 0.64


def display_z(z: torch.Tensor, log: bool) -> torch.Tensor:
    """The drawn heights; on a log scale ``log10(z - min + 1e-3)`` shows narrow valleys (Rosenbrock)."""
    return torch.log10(z - log_shift(z) + 1e-3) if log else z


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


def landscape_image(grid: tuple[torch.Tensor, torch.Tensor, torch.Tensor], log: bool, levels: int = 20) -> dict:
    """The surface as filled contours in one picture (a Plotly layout image spanning the grid's region).

    A picture, not a ``contour`` trace: the browser redraws the chart on every setting change, and tracing
    contours and painting a smooth heatmap cost it ~150 ms each time; a decoded picture costs nothing.
    """
    xs, ys, z = grid
    x0, x1, y0, y1 = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    return {
        "source": data_uri(encode(contour_pixels(display_z(z, log), levels), "PNG"), "PNG"),
        "xref": "x",
        "yref": "y",
        "x": x0,
        "y": y1,
        "sizex": x1 - x0,
        "sizey": y1 - y0,
        "sizing": "stretch",
        "layer": "below",
    }


def descent_figure(
    image: dict,
    paths: list[Path],
    step: int,
    names: list[str],
    lrs: list[float],
    minima: tuple,
    log: bool,
    step_label: str,
    start: tuple[float, float] | None = None,
    start_label: str = "start",
) -> SpecFigure:
    """One figure, two linked views: the landscape picture (``landscape_image``) with the runs' paths up to
    ``step``, minima and the start point; beside it loss against step, each run's current step marked. Play
    frames animate both. One figure, not two: each chart costs the browser ~50 ms to redraw. Clicks on the
    picture are read by the page from the pointer (``ui.plot_click``), so no click grid is needed.

    Trace order: 0 start point, 1 minima, then two per run (path, step arrow), then one loss curve per run,
    then the current-step markers on the loss curves.
    """
    coords = [(finite_values(p.xs), finite_values(p.ys)) for p in paths]
    log_loss = _log_losses(paths, log)
    losses = [finite_values(p.losses) for p in paths]
    data: list[dict] = [
        _start_marker(start, start_label),
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
        *(_loss_curve(ys, name, RUN_COLOURS[i]) for i, (ys, name) in enumerate(zip(losses, names, strict=True))),
        _loss_markers(losses, step),
    ]
    longest = max((len(p.xs) for p in paths), default=1)
    frames = _frames(paths, coords, losses, names, lrs, step_label)
    return SpecFigure({"data": data, "layout": _layout(image, paths, log_loss, step_label, min(step, longest - 1)),
                       "frames": frames})  # fmt: skip


def _frames(
    paths: list[Path], coords: list, losses: list, names: list[str], lrs: list[float], step_label: str
) -> list[dict]:
    """``FRAMES`` Play frames: the paths and loss markers up to evenly spaced steps, the title's step."""
    longest = max((len(p.xs) for p in paths), default=1)
    ks = sorted({round(i * (longest - 1) / (FRAMES - 1)) for i in range(FRAMES)}) if longest > 1 else [0]
    moving = [*range(RUN_TRACES, RUN_TRACES + 2 * len(paths)), RUN_TRACES + 3 * len(paths)]
    every = max(1, longest // FRAME_POINTS)  # frames carry thinned paths while they move ...
    return [
        {
            "name": str(k),
            "data": [
                *_path_traces(paths, coords, k, names, lrs, every if k < ks[-1] else 1),  # ... the last one is exact
                _loss_markers(losses, k),
            ],
            "traces": moving,
            "layout": {"title": {"text": f"{step_label} {k}"}},
        }
        for k in ks
    ]


def _layout(image: dict, paths: list[Path], log_loss: bool, step_label: str, shown_step: int) -> dict:
    """Picture axes on the left (the image's region, equal scale), the loss plot on the right, Play buttons."""
    x0, y1 = image["x"], image["y"]
    x1, y0 = x0 + image["sizex"], y1 - image["sizey"]
    now = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    play = {"frame": {"duration": 120, "redraw": True}, "fromcurrent": False, "transition": {"duration": 0}}
    # Fixed margins, no automargin: each automatic margin push makes the browser draw the whole chart again.
    still = {"fixedrange": True, "automargin": False}
    plain = {**still, "showgrid": False, "zeroline": False}
    return {
        "height": 560,
        # Right-aligned over the contour, the Play buttons at its left: apart even with projector-sized text.
        "title": {
            "text": f"{step_label} {shown_step}",
            "x": CONTOUR_END,
            "xref": "paper",
            "xanchor": "right",
            "y": 0.985,
        },
        "images": [image],
        "legend": {"x": LOSS_START, "y": 0.2, "yanchor": "top"},  # under the loss plot, inside the figure
        "margin": {"l": 60, "r": 64, "t": 40, "b": 50},
        "dragmode": "pan",  # what Streamlit sets anyway; set here so it need not redraw the chart to change it
        "hovermode": "closest",
        "xaxis": {
            "domain": [0, CONTOUR_END],
            "range": [x0, x1],
            "title": {"text": "x"},
            "constrain": "domain",
            **plain,
        },
        "yaxis": {"range": [y0, y1], "title": {"text": "y"}, "scaleanchor": "x", "constrain": "domain", **plain},
        "xaxis2": {"domain": [LOSS_START, 1], "anchor": "y2", "title": {"text": step_label}, **still},
        "yaxis2": {
            "domain": [0.35, 1],
            "anchor": "x2",
            "side": "right",
            "title": {"text": "f"},
            **(log_axis(torch.cat([p.losses for p in paths]).tolist()) if log_loss else {"type": "linear"}),
            **still,
        },
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


def _loss_curve(ys: list[float | None], name: str, colour: str) -> dict:
    return {"type": "scatter", "x": list(range(len(ys))), "y": ys, "xaxis": "x2", "yaxis": "y2", "mode": "lines",
            "name": name, "showlegend": False, "line": {"color": colour, "width": 3}}  # fmt: skip


def _log_losses(paths: list[Path], log: bool) -> bool:
    """A log loss axis only when asked and every finite loss is positive (the camel and the saddle go below 0)."""
    finite = [p.losses[torch.isfinite(p.losses)] for p in paths]
    return log and all(bool((v > 0).all()) for v in finite)


def _loss_markers(losses: list[list[float | None]], step: int) -> dict:
    """Each run's loss at ``step`` (its last one if it stopped earlier) on the loss curves."""
    ks = [min(step, len(ys) - 1) for ys in losses]
    return {
        "type": "scatter",
        "x": ks,
        "y": [ys[k] if k >= 0 else None for ys, k in zip(losses, ks, strict=True)],
        "xaxis": "x2",
        "yaxis": "y2",
        "mode": "markers",
        "showlegend": False,
        "hoverinfo": "skip",
        "marker": {"size": 11, "color": RUN_COLOURS[: len(losses)], "line": {"color": "#000000", "width": 1}},
    }


def _start_marker(start: tuple[float, float] | None, label: str) -> dict:
    """A ring where every run starts (where the last click or the x₀, y₀ sliders put it)."""
    return {
        "type": "scatter",
        "x": [] if start is None else [float(start[0])],
        "y": [] if start is None else [float(start[1])],
        "mode": "markers",
        "name": label,
        "showlegend": False,
        "hovertemplate": f"{label} (%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
        "marker": {"symbol": "circle-open", "size": 16, "color": "#000000", "line": {"width": 2}},
    }


def log_shift(z: torch.Tensor) -> float:
    """The lowest finite height: log views draw ``log10(z - shift + 1e-3)``, finite for every finite ``z``."""
    finite = z[torch.isfinite(z)]
    return float(finite.min()) if finite.numel() else 0.0
