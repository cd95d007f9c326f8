"""The Gradient descent page's 3-D view: the loss surface with every path drawn on it (a plain JSON spec)."""

from __future__ import annotations

import torch

from components.compute.descent import Path
from components.figures.descent import RUN_COLOURS, display_z, log_shift
from components.figures.spec import SpecFigure, finite_values


def surface_figure(
    grid: tuple[torch.Tensor, torch.Tensor, torch.Tensor], paths: list[Path], step: int, names: list[str], log: bool
) -> SpecFigure:
    """The same landscape in 3-D, each path drawn on it at height ``f``."""
    xs, ys, z = grid
    surface = {"type": "surface", "x": finite_values(xs), "y": finite_values(ys), "opacity": 0.9}
    rows = [finite_values(row) for row in display_z(z, log)]
    data: list[dict] = [{**surface, "z": rows, "colorscale": "Viridis", "showscale": False}]
    shift = log_shift(z) if log else None
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
