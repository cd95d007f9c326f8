"""Plotly figures for the Linear maps page (plain JSON specs, see ``spec.py``): the plane as a 2×2 map moves it
(animated from the identity to W to W + b), a picture on the unit square moved by it, and two maps composed in
both orders."""

from __future__ import annotations

import math

import torch

from components.compute import linear_maps as L
from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE

GRID_COLOUR, OLD_GRID = "rgba(0, 114, 178, 0.55)", "rgba(60, 60, 60, 0.18)"
SQUARE, VECTOR, MOVED, EIGEN, STRETCH = PALETTE[1], PALETTE[7], PALETTE[3], PALETTE[2], PALETTE[4]
STILL = {"fixedrange": True, "automargin": False, "zeroline": False, "showgrid": False}
FRAME_MS = 80
# ReLU's four regions of (h₀, h₁): both ≤ 0 (to the origin), h₀ > 0 only, h₁ > 0 only, both > 0 (kept).
FOLD_COLOURS = [PALETTE[7], PALETTE[0], PALETTE[3], PALETTE[2]]


def view_extent(*point_sets: torch.Tensor, least: float = 2.0) -> float:
    """Half the side of a square view around the origin holding every point (``(..., 2)`` sets), between
    ``least`` and 10 (the grid lines beyond it are cut off)."""
    far = max(float(p.abs().max()) for p in point_sets if p.numel())
    return min(max(least, 1.2 * far), 10.0)


def picture_extent(w: torch.Tensor, b: torch.Tensor) -> float:
    """The picture view: the origin and the moved unit square."""
    return view_extent(L.UNIT_SQUARE @ torch.as_tensor(w, dtype=torch.float64).T + b, least=1.2)


def _lines(lines: torch.Tensor) -> tuple[list, list]:
    """``(L, P, 2)`` polylines as one trace's x and y, ``None`` between lines."""
    xs, ys = [], []
    for line in lines:
        xs += [*finite_values(line[:, 0]), None]
        ys += [*finite_values(line[:, 1]), None]
    return xs, ys


def _arrow(start: torch.Tensor, end: torch.Tensor, colour: str, name: str, dash: str = "solid") -> dict:
    return {"type": "scatter", "x": finite_values([start[0], end[0]]), "y": finite_values([start[1], end[1]]),
            "mode": "lines+markers", "name": name, "line": {"color": colour, "width": 3, "dash": dash},
            "marker": {"symbol": "arrow", "angleref": "previous", "size": [0, 16], "color": colour},
            "hoverinfo": "skip"}  # fmt: skip


def _moving(m: torch.Tensor, c: torch.Tensor, x: torch.Tensor, labels: dict[str, str]) -> list[dict]:
    """The traces a stage ``x ↦ Mx + c`` moves: the grid, the unit square, and the vector ``Mx`` drawn
    from the moved origin ``c`` (its tip is ``Mx + c``)."""
    gx, gy = _lines(L.grid_lines() @ m.T + c)
    square = L.UNIT_SQUARE @ m.T + c
    return [
        {"type": "scatter", "x": gx, "y": gy, "mode": "lines", "name": labels["grid"], "hoverinfo": "skip",
         "line": {"color": GRID_COLOUR, "width": 1.5}},
        {"type": "scatter", "x": finite_values(square[:, 0]), "y": finite_values(square[:, 1]), "mode": "lines",
         "fill": "toself", "fillcolor": "rgba(230, 159, 0, 0.28)", "name": labels["square"], "hoverinfo": "skip",
         "line": {"color": SQUARE, "width": 2}},
        _arrow(c, m @ x + c, MOVED, labels["wx"]),
    ]  # fmt: skip


def plane_figure(
    stages: list[tuple[float, torch.Tensor, torch.Tensor]], x: torch.Tensor, analysis: L.Analysis, w: torch.Tensor,
    overlays: tuple[bool, bool], labels: dict[str, str],
) -> SpecFigure:  # fmt: skip
    """The plane under each stage ``(t, M, c)`` of ``L.stages`` (frames and a Play button; the last stage shown
    first, and where the animation ends), the vector ``x`` before and ``Mx + c`` after; ``overlays`` =
    (eigen-directions, singular values: the unit circle and its image, the ellipse with semi-axes σᵢuᵢ), both of
    ``w``. ``labels``: grid, square, x, wx, eigen, circle, ellipse, play, pause, x1, x2."""
    moved = [torch.cat([L.UNIT_SQUARE @ m.T + c, (m @ x + c)[None]]) for _, m, c in stages]
    extent = view_extent(x, *moved, torch.tensor([analysis.singular[0] if overlays[1] else 0.0]))
    old_x, old_y = _lines(L.grid_lines())
    data = [{"type": "scatter", "x": old_x, "y": old_y, "mode": "lines", "hoverinfo": "skip", "showlegend": False,
             "line": {"color": OLD_GRID, "width": 1}}]  # fmt: skip
    data += _overlays(analysis, w, overlays, extent, labels)
    data.append(_arrow(torch.zeros(2, dtype=torch.float64), x, VECTOR, labels["x"], dash="dot"))
    first = len(data)
    frames = [{"name": str(k), "data": _moving(m, c, x, labels), "traces": list(range(first, first + 3))}
              for k, (_, m, c) in enumerate(stages)]  # fmt: skip
    data += [dict(trace) for trace in frames[-1]["data"]]  # copies: styling must not touch a frame twice
    play = {"frame": {"duration": FRAME_MS, "redraw": False}, "fromcurrent": False, "transition": {"duration": 0},
            "mode": "immediate"}  # fmt: skip
    now = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    layout = {
        "height": 560,
        "margin": {"l": 45, "r": 10, "t": 50, "b": 150},
        "hovermode": False,
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "xaxis": {"range": [-extent, extent], "title": {"text": labels["x1"]}, **STILL},
        "yaxis": {"range": [-extent, extent], "title": {"text": labels["x2"]}, "scaleanchor": "x",
                  "constrain": "domain", **STILL},
        # Above the plot: below it the tick labels, the axis title and the legend need the room at any text size.
        "updatemenus": [{"type": "buttons", "direction": "left", "x": 0, "y": 1.02, "xanchor": "left",
                         "yanchor": "bottom", "pad": {"b": 4}, "buttons": [
                             {"label": labels["play"], "method": "animate", "args": [None, play]},
                             {"label": labels["pause"], "method": "animate", "args": [[None], now]}]}],
    }  # fmt: skip
    return SpecFigure({"data": data, "layout": layout, "frames": frames})


def _overlays(analysis: L.Analysis, w: torch.Tensor, shown: tuple[bool, bool], extent: float,
              labels: dict[str, str]) -> list[dict]:  # fmt: skip
    eigen, singular = shown
    out = []
    if eigen and analysis.directions and not analysis.every_direction:
        xs, ys = [], []
        for _, d in analysis.directions:
            xs += [*finite_values([-2 * extent * d[0], 2 * extent * d[0]]), None]
            ys += [*finite_values([-2 * extent * d[1], 2 * extent * d[1]]), None]
        out.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "name": labels["eigen"],
                    "hoverinfo": "skip", "line": {"color": EIGEN, "width": 3, "dash": "dash"}})  # fmt: skip
    if singular:
        angle = torch.linspace(0, 2 * math.pi, 97, dtype=torch.float64)
        circle = torch.stack([angle.cos(), angle.sin()], 1)
        ellipse = circle @ torch.as_tensor(w, dtype=torch.float64).T
        out.append({"type": "scatter", "x": finite_values(circle[:, 0]), "y": finite_values(circle[:, 1]),
                    "mode": "lines", "name": labels["circle"], "hoverinfo": "skip",
                    "line": {"color": STRETCH, "width": 1.5, "dash": "dot"}})  # fmt: skip
        axes_x, axes_y = [], []
        for k in range(2):
            tip = analysis.singular[k] * analysis.u[:, k]
            axes_x += [0.0, *finite_values([tip[0]]), None]
            axes_y += [0.0, *finite_values([tip[1]]), None]
        out.append({"type": "scatter", "x": [*finite_values(ellipse[:, 0]), None, *axes_x],
                    "y": [*finite_values(ellipse[:, 1]), None, *axes_y], "mode": "lines", "name": labels["ellipse"],
                    "hoverinfo": "skip", "line": {"color": STRETCH, "width": 2.5}})  # fmt: skip
    return out


def picture_figure(source: str, w: torch.Tensor, b: torch.Tensor, extent: float, labels: dict[str, str]) -> SpecFigure:
    """The picture moved by ``x ↦ Wx + b`` (``source``: an image URL of ``L.warp_picture``'s raster over
    ``[-extent, extent]²``), the moved grid and unit square on top. ``labels``: square, x1, x2."""
    w, b = torch.as_tensor(w, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    gx, gy = _lines(L.grid_lines() @ w.T + b)
    square = L.UNIT_SQUARE @ w.T + b
    data = [
        {"type": "scatter", "x": gx, "y": gy, "mode": "lines", "hoverinfo": "skip", "showlegend": False,
         "line": {"color": GRID_COLOUR, "width": 1}},
        {"type": "scatter", "x": finite_values(square[:, 0]), "y": finite_values(square[:, 1]), "mode": "lines",
         "name": labels["square"], "hoverinfo": "skip", "line": {"color": SQUARE, "width": 2.5}},
    ]  # fmt: skip
    image = {"source": source, "xref": "x", "yref": "y", "x": -extent, "y": extent, "sizex": 2 * extent,
             "sizey": 2 * extent, "sizing": "stretch", "layer": "below"}  # fmt: skip
    layout = {
        "height": 560, "margin": {"l": 45, "r": 10, "t": 50, "b": 150}, "hovermode": False, "images": [image],
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "xaxis": {"range": [-extent, extent], "title": {"text": labels["x1"]}, **STILL},
        "yaxis": {"range": [-extent, extent], "title": {"text": labels["x2"]}, "scaleanchor": "x",
                  "constrain": "domain", **STILL},
    }  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})


def compose_figure(maps: list[tuple[str, torch.Tensor]], labels: dict[str, str]) -> SpecFigure:
    """Side by side, the letter F and the grid under each ``(title, M)`` of ``maps``, the original F faint in
    each; one scale for all panels. ``labels``: before, after."""
    extent = view_extent(L.LETTER_F, *[L.LETTER_F @ m.T for _, m in maps], least=1.5)
    gap = 0.06
    width = (1 - gap * (len(maps) - 1)) / len(maps)
    data, layout, notes = [], {}, []
    for k, (title, m) in enumerate(maps):
        n = "" if k == 0 else str(k + 1)
        xa, ya = f"x{n}", f"y{n}"
        gx, gy = _lines(L.grid_lines() @ m.T)
        f_new = L.LETTER_F @ m.T
        show = k == 0
        data += [
            {"type": "scatter", "x": gx, "y": gy, "mode": "lines", "xaxis": xa, "yaxis": ya, "hoverinfo": "skip",
             "showlegend": False, "line": {"color": GRID_COLOUR, "width": 1}},
            {"type": "scatter", "x": finite_values(L.LETTER_F[:, 0]), "y": finite_values(L.LETTER_F[:, 1]),
             "mode": "lines", "fill": "toself", "xaxis": xa, "yaxis": ya, "hoverinfo": "skip", "showlegend": show,
             "name": labels["before"], "fillcolor": "rgba(60, 60, 60, 0.12)",
             "line": {"color": "rgba(60, 60, 60, 0.5)", "width": 1, "dash": "dot"}},
            {"type": "scatter", "x": finite_values(f_new[:, 0]), "y": finite_values(f_new[:, 1]), "mode": "lines",
             "fill": "toself", "xaxis": xa, "yaxis": ya, "hoverinfo": "skip", "showlegend": show,
             "name": labels["after"], "fillcolor": "rgba(230, 159, 0, 0.45)", "line": {"color": SQUARE, "width": 2}},
        ]  # fmt: skip
        left = k * (width + gap)
        layout[f"xaxis{n}"] = {"domain": [left, left + width], "anchor": ya, "range": [-extent, extent], **STILL}
        layout[f"yaxis{n}"] = {"anchor": xa, "range": [-extent, extent], "scaleanchor": xa, "constrain": "domain",
                               **STILL}  # fmt: skip
        notes.append({"text": f"<b>{title}</b>", "xref": f"{xa} domain", "yref": "paper", "x": 0.5, "y": 1.0,
                      "yanchor": "bottom", "showarrow": False})  # fmt: skip
    legend = {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"}
    layout.update({"height": 420, "margin": {"l": 40, "r": 10, "t": 40, "b": 90}, "annotations": notes,
                   "hovermode": False, "legend": legend})  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})
