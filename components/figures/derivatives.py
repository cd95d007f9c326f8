"""Plotly figures for the Derivatives & gradients page (plain JSON specs, see ``spec.py``)."""

from __future__ import annotations

import math

import numpy as np
import torch

from components.compute.derivatives import Tangent1D
from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE

CURVE, TANGENT, SECANT, ARROW = PALETTE[0], PALETTE[3], PALETTE[2], PALETTE[1]


def _y_range(values: list[float | None], extra: list[float]) -> list[float]:
    """A y range that shows the curve's bulk and the marked points, not a pole's spike."""
    marks = [v for v in extra if math.isfinite(v)]
    finite = np.array([v for v in values if v is not None] + marks, dtype=float)
    if finite.size == 0:
        return [-1.0, 1.0]
    lo, hi = np.percentile(finite, [2, 98]) if finite.size > 20 else (finite.min(), finite.max())
    lo, hi = min([float(lo), *marks]), max([float(hi), *marks])
    pad = 0.08 * (hi - lo) if hi > lo else 1.0
    return [lo - pad, hi + pad]


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
    """The curve, its tangent at ``x0``, the secant over ``dx``, and ``dy`` beside the differential.

    Args:
        xs, ys: ``(N,)`` the curve.
        labels: ``curve``, ``tangent``, ``secant``, ``dy``, ``differential`` legend names.
    """
    y = finite_values(ys)
    x_lo, x_hi = float(xs.min()), float(xs.max())
    tangent_y = [tan.value + tan.slope * (x - x0) for x in (x_lo, x_hi)]
    x1, y1 = x0 + dx, tan.value + tan.dy
    data = [
        _line(finite_values(xs), y, labels["curve"], CURVE, width=3),
        _line([x_lo, x_hi], tangent_y, labels["tangent"], TANGENT, "dash"),
        _line([x0, x1], [tan.value, y1], labels["secant"], SECANT),
        _line([x1, x1], [tan.value, y1], labels["dy"], SECANT, width=6),
        _line(
            [x1 + 0.02 * (x_hi - x_lo)] * 2,
            [tan.value, tan.value + tan.differential],
            labels["differential"],
            TANGENT,
            width=6,
        ),
        {
            "type": "scatter",
            "x": [x0, x1],
            "y": [tan.value, y1],
            "mode": "markers",
            "showlegend": False,
            "marker": {"color": "#000000", "size": 9},
        },
    ]
    layout = {
        "height": 420,
        "xaxis": {"title": {"text": "x"}, "range": [x_lo, x_hi], "zeroline": True},
        "yaxis": {
            "title": {"text": "f(x)"},
            "range": _y_range(y, [tan.value, y1, tan.value + tan.differential]),
            "zeroline": True,
        },
        "legend": {"orientation": "h", "y": -0.18},
    }
    return SpecFigure({"data": data, "layout": layout})


def _arrow(x0: float, y0: float, dx: float, dy: float, color: str, text: str = "") -> dict:
    return {
        "x": x0 + dx,
        "y": y0 + dy,
        "ax": x0,
        "ay": y0,
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        "arrowwidth": 3,
        "arrowcolor": color,
        "text": text,
        "font": {"color": color},
    }


def contour_figure(
    xs: torch.Tensor,
    ys: torch.Tensor,
    z: torch.Tensor,
    point: tuple[float, float],
    grad: tuple[float, float],
    theta: float,
    field: tuple[torch.Tensor, torch.Tensor] | None,
    labels: dict[str, str],
) -> SpecFigure:
    """Contours of ``f`` with the gradient at the point, the chosen direction and an optional field.

    Args:
        z: ``(len(ys), len(xs))``.
        field: ``(df/dx, df/dy)`` on the same grid, drawn as short segments pointing uphill.
        labels: ``gradient`` and ``direction`` arrow texts.
    """
    span = float(xs.max() - xs.min())
    gx, gy = grad
    norm = math.hypot(gx, gy)
    scale = 0.25 * span / norm if norm > 0 else 0.0
    u = (0.2 * span * math.cos(theta), 0.2 * span * math.sin(theta))
    zz = [finite_values(row) for row in z]
    data: list[dict] = [
        {
            "type": "contour",
            "x": finite_values(xs),
            "y": finite_values(ys),
            "z": zz,
            "colorscale": "Viridis",
            "ncontours": 24,
            "contours": {"coloring": "heatmap", "showlabels": True},
            "line": {"width": 1},
            "colorbar": {"thickness": 12},
        }
    ]
    if field is not None:
        data.append(_field_trace(xs, ys, field, 0.06 * span))
    data.append(
        {
            "type": "scatter",
            "x": [point[0]],
            "y": [point[1]],
            "mode": "markers",
            "showlegend": False,
            "marker": {"color": "#ffffff", "size": 11, "line": {"color": "#000000", "width": 2}},
        }
    )
    notes = [_arrow(*point, u[0], u[1], PALETTE[4], labels["direction"])]
    if norm > 0:
        notes.append(_arrow(*point, gx * scale, gy * scale, ARROW, labels["gradient"]))
    layout = {
        "height": 520,
        "showlegend": False,
        "annotations": notes,
        "xaxis": {"title": {"text": "x"}, "range": [float(xs.min()), float(xs.max())], "constrain": "domain"},
        "yaxis": {"title": {"text": "y"}, "range": [float(ys.min()), float(ys.max())], "scaleanchor": "x"},
    }
    return SpecFigure({"data": data, "layout": layout})


def _field_trace(xs: torch.Tensor, ys: torch.Tensor, field: tuple[torch.Tensor, torch.Tensor], length: float) -> dict:
    """Short uphill segments of equal length (direction only) on every 6th grid point."""
    fx, fy = (f[::6, ::6].numpy() for f in field)
    gy, gx = np.meshgrid(ys[::6].numpy(), xs[::6].numpy(), indexing="ij")
    norm = np.hypot(fx, fy)
    ok = np.isfinite(norm) & (norm > 0)
    px, py = [], []
    for x, y, dx, dy, n in zip(gx[ok], gy[ok], fx[ok], fy[ok], norm[ok], strict=True):
        px += [float(x), float(x + length * dx / n), None]
        py += [float(y), float(y + length * dy / n), None]
    return {
        "type": "scatter",
        "x": px,
        "y": py,
        "mode": "lines",
        "hoverinfo": "skip",
        "line": {"color": "rgba(255,255,255,0.75)", "width": 1.5},
    }


def slices_figure(
    line_x: tuple[torch.Tensor, torch.Tensor],
    line_y: tuple[torch.Tensor, torch.Tensor],
    point: tuple[float, float],
    value: float,
    grad: tuple[float, float],
    titles: list[str],
) -> SpecFigure:
    """``f(x, y0)`` and ``f(x0, y)``, each with its tangent: the two partial derivatives."""
    data, layout = [], {"height": 330, "showlegend": False, "annotations": []}
    for i, ((t, f), p, slope, title) in enumerate(zip((line_x, line_y), point, grad, titles, strict=True)):
        axis = "" if i == 0 else "2"
        lo, hi = float(t.min()), float(t.max())
        values = finite_values(f)
        data.append(
            {**_line(finite_values(t), values, title, CURVE, width=3), "xaxis": f"x{axis}", "yaxis": f"y{axis}"}
        )
        ends = [value + slope * (lo - p), value + slope * (hi - p)]
        data.append({**_line([lo, hi], ends, title, TANGENT, "dash"), "xaxis": f"x{axis}", "yaxis": f"y{axis}"})
        data.append(
            {
                "type": "scatter",
                "x": [p],
                "y": [value],
                "mode": "markers",
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "marker": {"color": "#000000", "size": 9},
            }
        )
        layout[f"xaxis{axis}"] = {
            "domain": [0.0, 0.46] if i == 0 else [0.54, 1.0],
            "range": [lo, hi],
            "title": {"text": "x" if i == 0 else "y"},
        }
        layout[f"yaxis{axis}"] = {"range": _y_range(values, [value]), "anchor": f"x{axis}"}
        layout["annotations"].append(
            {
                "text": title,
                "x": 0.23 if i == 0 else 0.77,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    return SpecFigure({"data": data, "layout": layout})


def directional_figure(
    grad: tuple[float, float], theta: float, labels: dict[str, str], samples: int = 181
) -> SpecFigure:
    """``D_u f = grad . u(theta)`` for every direction: a cosine whose peak is the gradient's
    direction (value ``|grad|``) and whose zeros are along the contour line."""
    gx, gy = grad
    thetas = np.linspace(-math.pi, math.pi, samples)
    values = gx * np.cos(thetas) + gy * np.sin(thetas)
    peak = math.atan2(gy, gx)
    data = [
        _line(np.degrees(thetas).round(2).tolist(), finite_values(values), labels["curve"], CURVE, width=3),
        {
            "type": "scatter",
            "x": [math.degrees(theta)],
            "y": [gx * math.cos(theta) + gy * math.sin(theta)],
            "mode": "markers",
            "name": labels["chosen"],
            "marker": {"color": PALETTE[4], "size": 12},
        },
        {
            "type": "scatter",
            "x": [math.degrees(peak)],
            "y": [math.hypot(gx, gy)],
            "mode": "markers",
            "name": labels["peak"],
            "marker": {"color": ARROW, "size": 12, "symbol": "star"},
        },
    ]
    layout = {
        "height": 300,
        "legend": {"orientation": "h", "y": -0.3},
        "xaxis": {"title": {"text": labels["axis"]}, "range": [-180, 180], "dtick": 45},
        "yaxis": {"zeroline": True},
    }
    return SpecFigure({"data": data, "layout": layout})
