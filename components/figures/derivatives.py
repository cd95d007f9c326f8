"""Plotly figures for the Derivatives & gradients page (plain JSON specs, see ``spec.py``).

Every figure has fixed margins and ``automargin: False`` axes, and keeps its legend and labels inside those
margins: each automatic margin push makes the browser draw the whole chart a second time.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from components.compute.derivatives import Tangent1D
from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE

CURVE, TANGENT, SECANT, ARROW, DIRECTION = PALETTE[0], PALETTE[3], PALETTE[2], PALETTE[1], PALETTE[4]
STILL = {"automargin": False, "fixedrange": True}  # no margin pushes; zooming would only lose the view
POLE_JUMP = 1.2  # a one-step jump across the median by this many robust ranges is a pole, not a slope
LABEL_ROOM = 0.1  # share of the plotted span a head label needs beyond its arrow's head


def _robust(values: np.ndarray) -> tuple[float, float]:
    """2nd and 98th percentiles of the finite values (min and max when there are few)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return -1.0, 1.0
    lo, hi = np.percentile(finite, [2, 98]) if finite.size > 20 else (finite.min(), finite.max())
    return float(lo), float(hi)


def _y_range(values: list[float | None], extra: list[float]) -> list[float]:
    """A y range that shows the curve's bulk and the marked points, not a pole's spike."""
    marks = [v for v in extra if math.isfinite(v)]
    finite = np.array([v for v in values if v is not None] + marks, dtype=float)
    if finite.size == 0:
        return [-1.0, 1.0]
    lo, hi = _robust(finite)
    lo, hi = min([lo, *marks]), max([hi, *marks])
    pad = 0.08 * (hi - lo) if hi > lo else 1.0
    return [lo - pad, hi + pad]


def pole_gaps(xs: torch.Tensor, ys: torch.Tensor) -> tuple[list, list]:
    """The curve as spec lists, with a gap (``None``) where consecutive samples jump across a pole.

    A jump across a pole (``1/x`` at 0, ``tan`` at π/2) crosses the curve's median in one step, from well
    below it to well above it, by more than ``POLE_JUMP`` times the robust (2nd-98th percentile) range. A
    continuous curve cannot move that far in one step: even ``tanh(1000x)``, a near-jump, only spans its
    range once, so steep curves stay one line.
    """
    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    out_x, out_y = finite_values(x), finite_values(y)
    lo, hi = _robust(y)
    if np.isfinite(y).sum() < 3 or hi <= lo:
        return out_x, out_y
    d = y - float(np.median(y[np.isfinite(y)]))
    finite = np.isfinite(d[:-1]) & np.isfinite(d[1:])  # next to a non-finite sample there is a gap already
    crosses = finite & (np.sign(d[:-1]) * np.sign(d[1:]) < 0)
    away = np.minimum(np.abs(d[:-1]), np.abs(d[1:])) > 0.25 * (hi - lo)  # both ends well off the median
    jumps = np.flatnonzero(crosses & away & (np.abs(np.diff(y)) > POLE_JUMP * (hi - lo)))
    for i in jumps[::-1]:  # from the end, so earlier indices stay valid
        out_x.insert(i + 1, float((x[i] + x[i + 1]) / 2))
        out_y.insert(i + 1, None)
    return out_x, out_y


def _line(x: list, y: list, name: str, color: str, dash: str = "solid", width: float = 2.5) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "name": name,
        "line": {"color": color, "dash": dash, "width": width},
    }


def curve_figure(
    xs: torch.Tensor, ys: torch.Tensor, x0: float, dx: float, tan: Tangent1D, labels: dict[str, str]
) -> SpecFigure:
    """The curve, its tangent at ``x0``, the secant over ``dx``, and ``Δy`` beside the differential ``dy``.

    Args:
        xs, ys: ``(N,)`` the curve.
        labels: ``curve``, ``tangent``, ``secant``, ``dy``, ``differential`` legend names.
    """
    curve_x, curve_y = pole_gaps(xs, ys)
    x_lo, x_hi = float(xs.min()), float(xs.max())
    tangent_y = finite_values([tan.value + tan.slope * (x - x0) for x in (x_lo, x_hi)])
    x1, y1 = x0 + dx, tan.value + tan.delta_y
    guess = tan.value + tan.differential
    data = [
        _line(curve_x, curve_y, labels["curve"], CURVE, width=3),
        _line([x_lo, x_hi], tangent_y, labels["tangent"], TANGENT, "dash"),
        _line([x0, x1], finite_values([tan.value, y1]), labels["secant"], SECANT),
        _line([x1, x1], finite_values([tan.value, y1]), labels["dy"], SECANT, width=6),
        _line(
            [x1 + 0.02 * (x_hi - x_lo)] * 2, finite_values([tan.value, guess]), labels["differential"], TANGENT, width=6
        ),
        {
            "type": "scatter",
            "x": [x0, x1],
            "y": finite_values([tan.value, y1]),
            "mode": "markers",
            "showlegend": False,
            "marker": {"color": "#000000", "size": 9},
        },
    ]
    layout = {
        "height": 440,
        "margin": {"l": 64, "r": 12, "t": 12, "b": 130},
        "xaxis": {"title": {"text": "x", "standoff": 4}, "range": [x_lo, x_hi], "zeroline": True, **STILL},
        "yaxis": {
            "title": {"text": "f(x)"},
            "range": _y_range(curve_y, [tan.value, y1, guess]),
            "zeroline": True,
            **STILL,
        },
        # In the bottom margin, measured from the figure's foot: room for three rows of entries.
        "legend": {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.0},
    }
    return SpecFigure({"data": data, "layout": layout})


def _anchor(c: float, low: str, mid: str, high: str) -> str:
    return high if c > 0.35 else low if c < -0.35 else mid


def _arrow(point: tuple[float, float], head: tuple[float, float], color: str) -> dict:
    """An arrow from ``point`` to ``head`` (data units), without text: its label is a note of its own."""
    return {
        "x": head[0],
        "y": head[1],
        "ax": point[0],
        "ay": point[1],
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        "arrowwidth": 3,
        "arrowcolor": color,
        "text": "",
    }


def _head_label(head: tuple[float, float], out: tuple[float, float], text: str, color: str) -> dict:
    """``text`` just beyond an arrow's head, on the side the unit vector ``out`` points to."""
    return {
        "x": head[0],
        "y": head[1],
        "xref": "x",
        "yref": "y",
        "xshift": 6 * out[0],
        "yshift": 6 * out[1],
        "xanchor": _anchor(out[0], "right", "center", "left"),
        "yanchor": _anchor(out[1], "top", "middle", "bottom"),
        "showarrow": False,
        "text": f"<b>{text}</b>",
        "font": {"color": color},
        "bgcolor": "rgba(255,255,255,0.85)",
        "bordercolor": color,
        "borderpad": 2,
    }


def arrow_notes(
    point: tuple[float, float], grad: tuple[float, float], theta: float, span: float, labels: dict[str, str]
) -> tuple[list[dict], list[tuple[float, float]]]:
    """The gradient arrow (if ``grad`` is finite and non-zero) and the direction ``u``, each labelled at its
    head, and the heads (the view must hold them: Plotly hides a note placed outside the axis range).

    When the two arrows point nearly the same way, ``u``'s label moves to the side away from ``∇f``.
    """
    gx, gy = grad
    norm = math.hypot(gx, gy)
    u = (math.cos(theta), math.sin(theta))
    notes, heads = [], []
    u_out = u
    if math.isfinite(norm) and norm > 0:
        g = (gx / norm, gy / norm)
        heads.append((point[0] + 0.25 * span * g[0], point[1] + 0.25 * span * g[1]))
        notes += [_arrow(point, heads[-1], ARROW), _head_label(heads[-1], g, labels["gradient"], ARROW)]
        if u[0] * g[0] + u[1] * g[1] > math.cos(math.radians(30)):
            side = 1.0 if u[0] * g[1] - u[1] * g[0] > 0 else -1.0  # the normal of u pointing away from ∇f
            u_out = (side * u[1], -side * u[0])
    heads.append((point[0] + 0.18 * span * u[0], point[1] + 0.18 * span * u[1]))
    notes += [_arrow(point, heads[-1], DIRECTION), _head_label(heads[-1], u_out, labels["direction"], DIRECTION)]
    return notes, heads


def _view(box: tuple[float, float, float, float], heads: list[tuple[float, float]]) -> tuple[list, list]:
    """x and y ranges: the plotted region, widened (only) where an arrow's head and label stick out of it."""
    room = LABEL_ROOM * max(box[1] - box[0], box[3] - box[2])
    hx, hy = [h[0] for h in heads], [h[1] for h in heads]
    x = [min([box[0], *(v - room for v in hx)]), max([box[1], *(v + room for v in hx)])]
    y = [min([box[2], *(v - room for v in hy)]), max([box[3], *(v + room for v in hy)])]
    return x, y


def z_range(z: torch.Tensor) -> tuple[float, float] | None:
    """Colour and contour range: the finite min and max, or the 2nd-98th percentiles when the extremes lie
    far outside them (a pole: ``1/(x*y)`` reaches 1e31 and would paint everything else one colour)."""
    a = np.asarray(z, dtype=float)
    finite = a[np.isfinite(a)]
    if finite.size == 0:
        return None
    lo, hi = float(finite.min()), float(finite.max())
    p_lo, p_hi = _robust(finite)
    if p_hi > p_lo and hi - lo > 4 * (p_hi - p_lo):
        return p_lo, p_hi
    return lo, hi


def contour_figure(
    xs: torch.Tensor,
    ys: torch.Tensor,
    z: torch.Tensor,
    point: tuple[float, float],
    grad: tuple[float, float],
    theta: float,
    field: tuple[torch.Tensor, ...] | None,
    labels: dict[str, str],
) -> SpecFigure:
    """Labelled contours of ``f`` with the gradient at the point, the chosen direction and an optional field.

    No colour bar: the labelled levels carry the values, and a colour bar pushes the margins. The view is the
    grid's region, widened where an arrow near the edge points out of it, so the whole arrow stays visible.

    Args:
        z: ``(len(ys), len(xs))``.
        field: ``(fxs, fys, df/dx, df/dy)``: a (coarser) grid ``(M,)``, ``(K,)`` and the partials on it
            ``(K, M)``, drawn as short arrows pointing uphill.
        labels: ``gradient`` and ``direction`` arrow labels.
    """
    box = (float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max()))
    data: list[dict] = [_contour_trace(xs, ys, z)]
    if field is not None:
        data.append(_field_trace(*field, length=0.06 * (box[1] - box[0])))
    dot = {"color": "#ffffff", "size": 11, "line": {"color": "#000000", "width": 2}}
    data.append({"type": "scatter", "x": finite_values([point[0]]), "y": finite_values([point[1]]), "marker": dot})
    data[-1] |= {"mode": "markers", "showlegend": False}
    square = {"constrain": "domain", **STILL}
    notes, heads = arrow_notes(point, grad, theta, max(box[1] - box[0], box[3] - box[2]), labels)
    x_range, y_range = _view(box, heads)
    layout = {
        "height": 470,
        "margin": {"l": 54, "r": 10, "t": 14, "b": 52},
        "showlegend": False,
        "annotations": notes,
        "xaxis": {"title": {"text": "x", "standoff": 10}, "range": x_range, **square},
        "yaxis": {
            "title": {"text": "y", "standoff": 8},
            "range": y_range,
            "scaleanchor": "x",
            "constraintoward": "top",  # a narrow column: the square sits at the top, whitespace below
            **square,
        },
    }
    return SpecFigure({"data": data, "layout": layout})


def _contour_trace(xs: torch.Tensor, ys: torch.Tensor, z: torch.Tensor) -> dict:
    """Filled, labelled contours, coloured over ``z_range`` (no colour bar)."""
    contour = {
        "type": "contour",
        "x": finite_values(xs),
        "y": finite_values(ys),
        "z": [finite_values(row) for row in z],
        "colorscale": "Viridis",
        "showscale": False,
        "ncontours": 24,
        "contours": {"coloring": "heatmap", "showlabels": True},
        "line": {"width": 1, "smoothing": 0},  # smoothed lines make placing the labels ~4x slower
    }
    zr = z_range(z)
    if zr is not None:
        contour |= {"zauto": False, "zmin": zr[0], "zmax": zr[1]}
    return contour


def _field_trace(xs: torch.Tensor, ys: torch.Tensor, fx: torch.Tensor, fy: torch.Tensor, length: float) -> dict:
    """Short uphill arrows of equal length (direction only) at every grid point, all in one line trace.

    Each arrow is drawn as one polyline, shaft then head (tail, tip, one barb, back to the tip, the other
    barb), then a gap: one SVG path for the whole field, where an arrow marker per point costs the browser
    a separate element each (~150 ms more per redraw for 441 arrows).
    """
    gy, gx = np.meshgrid(ys.numpy(), xs.numpy(), indexing="ij")
    dx, dy = fx.numpy(), fy.numpy()
    norm = np.hypot(dx, dy)
    ok = np.isfinite(norm) & (norm > 0)
    x, y, ux, uy = gx[ok], gy[ok], dx[ok] / norm[ok], dy[ok] / norm[ok]
    tip_x, tip_y = x + length * ux, y + length * uy
    barb = 0.35 * length
    cos, sin = math.cos(math.radians(28)), math.sin(math.radians(28))
    # The barbs: the reversed direction turned by ±28°.
    left = (tip_x - barb * (cos * ux - sin * uy), tip_y - barb * (sin * ux + cos * uy))
    right = (tip_x - barb * (cos * ux + sin * uy), tip_y - barb * (-sin * ux + cos * uy))
    gap = np.full_like(x, np.nan)
    px = np.stack([x, tip_x, left[0], tip_x, right[0], gap], axis=1).ravel()
    py = np.stack([y, tip_y, left[1], tip_y, right[1], gap], axis=1).ravel()
    return {
        "type": "scatter",
        "x": finite_values(px),
        "y": finite_values(py),
        "mode": "lines",
        "hoverinfo": "skip",
        "line": {"color": "rgba(255,255,255,0.8)", "width": 1.5},
    }


def slices_figure(
    line_x: tuple[torch.Tensor, torch.Tensor],
    line_y: tuple[torch.Tensor, torch.Tensor],
    point: tuple[float, float],
    value: float,
    grad: tuple[float, float],
    titles: list[str],
) -> SpecFigure:
    """``f(x, y0)`` and ``f(x0, y)``, each with its tangent: the two partial derivatives.

    ``titles``: one per panel, lines separated by ``"\\n"`` (at most two lines fit the top margin).
    """
    data, notes = [], []
    layout: dict = {"height": 340, "showlegend": False, "margin": {"l": 48, "r": 8, "t": 52, "b": 50}}
    for i, ((t, f), p, slope, title) in enumerate(zip((line_x, line_y), point, grad, titles, strict=True)):
        axes = {"xaxis": f"x{i + 1}", "yaxis": f"y{i + 1}"} if i else {}
        lo, hi = float(t.min()), float(t.max())
        xs, values = pole_gaps(t, f)
        name = title.replace("\n", " ")
        data.append({**_line(xs, values, name, CURVE, width=3), **axes})
        ends = finite_values([value + slope * (lo - p), value + slope * (hi - p)])
        data.append({**_line([lo, hi], ends, name, TANGENT, "dash"), **axes})
        marker = {"color": "#000000", "size": 9}
        data.append({"type": "scatter", "x": [p], "y": finite_values([value]), "mode": "markers", "marker": marker})
        data[-1] |= axes
        suffix = str(i + 1) if i else ""
        domain = [0.0, 0.44] if i == 0 else [0.56, 1.0]
        title_x = {"text": "x" if i == 0 else "y", "standoff": 8}
        layout[f"xaxis{suffix}"] = {
            "domain": domain,
            "range": [lo, hi],
            "title": title_x,
            "anchor": f"y{suffix}",
            **STILL,
        }
        layout[f"yaxis{suffix}"] = {"range": _y_range(values, [value]), "anchor": f"x{suffix}", **STILL}
        center = sum(domain) / 2
        text = title.replace("\n", "<br>")
        notes.append({"text": text, "x": center, "y": 1.0, "xref": "paper", "yref": "paper", "yanchor": "bottom"})
        notes[-1] |= {"showarrow": False, "yshift": 4}
    layout["annotations"] = notes
    return SpecFigure({"data": data, "layout": layout})


def directional_figure(
    grad: tuple[float, float], theta: float, labels: dict[str, str], samples: int = 181
) -> SpecFigure:
    """``D_u f = grad . u(theta)`` for every direction: a cosine whose peak is the gradient's
    direction (value ``|grad|``) and whose zeros are along the contour line.

    The legend stands in the bottom margin, one entry per row, under the degree ticks (no axis title:
    the ticks carry "°").
    """
    gx, gy = grad
    thetas = np.linspace(-math.pi, math.pi, samples)
    values = gx * np.cos(thetas) + gy * np.sin(thetas)
    peak = math.atan2(gy, gx)
    data = [
        _line(np.degrees(thetas).round(2).tolist(), finite_values(values), labels["curve"], CURVE, width=3),
        {
            "type": "scatter",
            "x": [math.degrees(theta)],
            "y": finite_values([gx * math.cos(theta) + gy * math.sin(theta)]),
            "mode": "markers",
            "name": labels["chosen"],
            "marker": {"color": DIRECTION, "size": 12},
        },
        {
            "type": "scatter",
            "x": finite_values([math.degrees(peak)]),
            "y": finite_values([math.hypot(gx, gy)]),
            "mode": "markers",
            "name": labels["peak"],
            "marker": {"color": ARROW, "size": 12, "symbol": "star"},
        },
    ]
    layout = {
        "height": 320,
        "margin": {"l": 44, "r": 26, "t": 10, "b": 100},
        "legend": {"orientation": "v", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.0},
        "xaxis": {"range": [-180, 180], "dtick": 90, "ticksuffix": "°", **STILL},
        "yaxis": {"zeroline": True, **STILL},
    }
    return SpecFigure({"data": data, "layout": layout})
