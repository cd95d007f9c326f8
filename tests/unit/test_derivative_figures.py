"""Derivatives page figures and code generation: traces carry the right numbers."""

from __future__ import annotations

import ast
import json
import math

import numpy as np
import pytest
import torch

from components.compute.derivatives import Tangent1D
from components.figures.derivatives import (
    contour_figure,
    curve_figure,
    directional_figure,
    pole_gaps,
    slices_figure,
    z_range,
)
from components.snippets.derivatives import torch_source

NAMES = {k: k for k in ("curve", "tangent", "secant", "dy", "differential")}


def test_curve_figure_tangent_secant_and_changes():
    xs = torch.linspace(-3, 3, 61, dtype=torch.float64)
    tan = Tangent1D(value=1.0, slope=2.0, delta_y=1.5, differential=1.0, secant_slope=3.0, left=2.0, right=2.0)
    data = curve_figure(xs, xs**2, 1.0, 0.5, tan, NAMES).spec["data"]
    by_name = {d.get("name"): d for d in data}
    tangent = by_name["tangent"]
    assert tangent["x"] == [-3.0, 3.0] and tangent["y"] == [1.0 + 2.0 * -4.0, 1.0 + 2.0 * 2.0]
    assert by_name["secant"]["x"] == [1.0, 1.5] and by_name["secant"]["y"] == [1.0, 2.5]
    assert by_name["dy"]["y"] == [1.0, 2.5]
    assert by_name["differential"]["y"] == [1.0, 2.0]


def test_curve_figure_gaps_non_finite_values():
    xs = torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64)
    tan = Tangent1D(float("inf"), 0.0, float("nan"), 0.0, float("nan"), 0.0, 0.0)
    fig = curve_figure(xs, 1 / xs, 0.0, 0.5, tan, NAMES)
    assert fig.spec["data"][0]["y"] == [-1.0, None, 1.0]
    lo, hi = fig.spec["layout"]["yaxis"]["range"]
    assert math.isfinite(lo) and math.isfinite(hi)


def test_directional_figure_peaks_at_gradient_with_its_norm():
    data = directional_figure((3.0, 4.0), 0.0, {"curve": "c", "chosen": "t", "peak": "p", "axis": "a"}).spec["data"]
    peak = data[2]
    assert peak["x"][0] == pytest.approx(math.degrees(math.atan2(4, 3)))
    assert peak["y"][0] == pytest.approx(5.0)
    assert max(v for v in data[0]["y"] if v is not None) == pytest.approx(5.0, rel=1e-3)
    assert data[1]["y"][0] == pytest.approx(3.0)  # θ = 0: the x component


def test_slices_figure_tangent_slopes_are_the_partials():
    ts = torch.linspace(-2, 2, 5, dtype=torch.float64)
    fig = slices_figure((ts, ts**2), (ts, 3 * ts), (1.0, 0.5), 1.0, (2.0, 3.0), ["a", "b"])
    tangents = [d for d in fig.spec["data"] if d.get("line", {}).get("dash") == "dash"]
    slopes = [(d["y"][1] - d["y"][0]) / (d["x"][1] - d["x"][0]) for d in tangents]
    assert slopes == pytest.approx([2.0, 3.0])


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("sin(x)^2", "torch.sin(x) ** 2"),
        ("pi*x + e", "math.pi * x + math.e"),
        ("minimum(x, relu(y))", "torch.minimum(x, torch.relu(y))"),
        ("-x**2", "-x ** 2"),
    ],
)
def test_torch_source(text, want):
    assert torch_source(text) == want
    ast.parse(want)


# --------------------------------------------------------------------------- contour: arrows and their labels

ARROWS = {"gradient": "g", "direction": "u"}
BOWL_XS = torch.linspace(-3, 3, 13, dtype=torch.float64)
BOWL_Z = BOWL_XS[None, :] ** 2 + BOWL_XS[:, None] ** 2


def notes_of(fig) -> tuple[dict, dict]:
    """``{label: arrow annotation}`` and ``{label: text annotation}`` (label texts are bold)."""
    notes = fig.spec["layout"]["annotations"]
    arrows = [a for a in notes if a["showarrow"]]
    labels = {a["text"].removeprefix("<b>").removesuffix("</b>"): a for a in notes if not a["showarrow"]}
    colours = {a["arrowcolor"]: a for a in arrows}
    return {k: colours[v["font"]["color"]] for k, v in labels.items()}, labels


def test_arrows_point_along_gradient_and_direction_with_labels_at_their_heads():
    fig = contour_figure(BOWL_XS, BOWL_XS, BOWL_Z, (1.0, 0.5), (2.0, 1.0), math.pi / 2, None, ARROWS)
    arrows, labels = notes_of(fig)
    g, u = arrows["g"], arrows["u"]
    assert (g["ax"], g["ay"]) == (u["ax"], u["ay"]) == (1.0, 0.5)  # both start at the point
    assert (g["y"] - g["ay"]) / (g["x"] - g["ax"]) == pytest.approx(0.5)  # parallel to (2, 1) ...
    assert g["x"] > g["ax"]  # ... and pointing the same way (uphill)
    assert u["x"] == pytest.approx(1.0) and u["y"] > 0.5  # θ = 90°: straight up
    for name in ("g", "u"):  # each label sits at its own arrow's head, not at the shared tail
        assert (labels[name]["x"], labels[name]["y"]) == (arrows[name]["x"], arrows[name]["y"])
        assert arrows[name]["text"] == ""
    assert (labels["u"]["yanchor"], labels["u"]["xanchor"]) == ("bottom", "center")  # u up: text above its head
    assert labels["g"]["xanchor"] == "left"  # ∇f to the right: the text continues the arrow
    assert math.hypot(g["x"] - 1.0, g["y"] - 0.5) == pytest.approx(0.25 * 6)  # full length, near the edge too
    assert fig.spec["data"][0]["type"] == "contour"


def test_nearly_parallel_arrows_put_the_direction_label_beside_its_head():
    theta = math.atan2(1.0, 2.0) + math.radians(10)  # 10° anticlockwise from ∇f
    _, labels = notes_of(contour_figure(BOWL_XS, BOWL_XS, BOWL_Z, (0.0, 0.0), (2.0, 1.0), theta, None, ARROWS))
    u = labels["u"]
    shift = (u["xshift"], u["yshift"])
    assert shift[0] * math.cos(theta) + shift[1] * math.sin(theta) == pytest.approx(0.0, abs=1e-9)  # sideways
    assert shift[0] * 1.0 - shift[1] * 2.0 < 0 or shift[1] > 0  # on the far side from ∇f (anticlockwise)
    assert -shift[0] * math.sin(theta) + shift[1] * math.cos(theta) > 0


@pytest.mark.parametrize(
    ("point", "grad", "theta"),
    [((2.9, 0.0), (1.0, 0.0), 0.0), ((-3.0, -3.0), (-1, -2), 3.5), ((3.0, 3.0), (6, -3), 0.8)],
)
def test_view_widens_to_hold_arrows_that_point_out_of_the_region(point, grad, theta):
    """Plotly hides a note placed outside the axis range: the view grows to hold every head and its label."""
    layout = contour_figure(BOWL_XS, BOWL_XS, BOWL_Z, point, grad, theta, None, ARROWS).spec["layout"]
    (x_lo, x_hi), (y_lo, y_hi) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    assert x_lo <= -3.0 and x_hi >= 3.0 and y_lo <= -3.0 and y_hi >= 3.0  # the whole region stays in view
    for note in layout["annotations"]:
        assert x_lo + 0.5 < note["x"] < x_hi - 0.5 and y_lo + 0.5 < note["y"] < y_hi - 0.5  # room for the text
    arrows, _ = notes_of(contour_figure(BOWL_XS, BOWL_XS, BOWL_Z, point, grad, theta, None, ARROWS))
    assert set(arrows) == {"g", "u"}


def test_view_is_the_region_when_the_arrows_fit():
    layout = contour_figure(BOWL_XS, BOWL_XS, BOWL_Z, (0.0, 0.0), (1.0, 1.0), 2.0, None, ARROWS).spec["layout"]
    assert layout["xaxis"]["range"] == [-3.0, 3.0] and layout["yaxis"]["range"] == [-3.0, 3.0]


@pytest.mark.parametrize("grad", [(0.0, 0.0), (math.nan, math.nan), (math.inf, 1.0)])
def test_no_gradient_arrow_without_a_finite_nonzero_gradient(grad):
    fig = contour_figure(BOWL_XS, BOWL_XS, BOWL_Z, (0.0, 0.0), grad, 0.3, None, ARROWS)
    arrows, labels = notes_of(fig)
    assert set(labels) == {"u"} and set(arrows) == {"u"}
    json.dumps(fig.spec, allow_nan=False)  # nothing non-finite reaches the browser


def test_field_arrows_point_uphill_with_arrowheads_in_one_trace():
    xs = torch.linspace(-2, 2, 5, dtype=torch.float64)
    yy, xx = torch.meshgrid(xs, xs, indexing="ij")
    field = (xs, xs, 2 * xx, 2 * yy)  # ∇(x² + y²), by hand
    fig = contour_figure(BOWL_XS, BOWL_XS, BOWL_Z, (1.0, 0.5), (2.0, 1.0), 0.0, field, ARROWS)
    (trace,) = [d for d in fig.spec["data"] if d.get("hoverinfo") == "skip"]
    pts = list(zip(trace["x"], trace["y"], strict=True))
    arrows = [pts[i : i + 6] for i in range(0, len(pts), 6)]
    assert len(arrows) == 24  # 25 grid points, none at the minimum (0, 0) where the gradient is 0
    length = 0.06 * 6
    for tail, tip, barb1, tip2, barb2, gap in arrows:
        assert gap == (None, None) and tip2 == tip
        shaft = (tip[0] - tail[0], tip[1] - tail[1])
        assert math.hypot(*shaft) == pytest.approx(length, rel=1e-4)  # equal lengths: direction only
        # uphill: along (x, y), away from the bowl's minimum
        assert shaft[0] * tail[0] + shaft[1] * tail[1] == pytest.approx(length * math.hypot(*tail), rel=1e-4)
        for barb in (barb1, barb2):  # arrowhead: both barbs behind the tip, 28° off the shaft
            back = (barb[0] - tip[0], barb[1] - tip[1])
            assert math.hypot(*back) == pytest.approx(0.35 * length, rel=1e-3)
            cos = -(back[0] * shaft[0] + back[1] * shaft[1]) / (math.hypot(*back) * length)
            assert cos == pytest.approx(math.cos(math.radians(28)), abs=1e-3)
        assert barb1 != barb2


# --------------------------------------------------------------------------- robust colours, poles


def test_contour_colour_range_ignores_a_pole():
    xs = torch.linspace(-3, 3, 81, dtype=torch.float64)
    z = 1 / (xs[None, :] * xs[:, None])
    trace = contour_figure(xs, xs, z, (0.0, 0.0), (math.nan, math.nan), 0.0, None, ARROWS).spec["data"][0]
    finite = z[torch.isfinite(z)].numpy()
    assert finite.max() > 1e30  # the pole ...
    lo, hi = np.percentile(finite, [2, 98])
    assert (trace["zmin"], trace["zmax"]) == pytest.approx((lo, hi))  # ... does not set the colours
    assert trace["zauto"] is False and trace["showscale"] is False


def test_contour_colour_range_is_the_full_range_without_a_pole():
    trace = contour_figure(BOWL_XS, BOWL_XS, BOWL_Z, (0.0, 0.0), (0.0, 0.0), 0.0, None, ARROWS).spec["data"][0]
    assert (trace["zmin"], trace["zmax"]) == (0.0, 18.0)
    assert z_range(torch.full((3, 3), math.nan)) is None


def gaps(xs, ys) -> list[float]:
    """x where the drawn curve is broken although both neighbours are finite numbers."""
    px, py = pole_gaps(xs, ys)
    return [px[i] for i in range(1, len(py) - 1) if py[i] is None and py[i - 1] is not None and py[i + 1] is not None]


def test_line_breaks_at_poles():
    xs = torch.linspace(-3, 3, 300, dtype=torch.float64)  # no sample exactly at a pole: the values stay finite
    (at,) = gaps(xs, 1 / xs)
    assert abs(at) < 0.02  # 1/x: between the last negative and the first positive sample
    poles = gaps(xs, torch.tan(xs))
    assert poles == pytest.approx([-math.pi / 2, math.pi / 2], abs=0.02)
    (at,) = gaps(xs, 1 / (xs - 1.001) + 5)  # a pole away from 0, on a shifted curve
    assert at == pytest.approx(1.0, abs=0.02)
    page_grid = torch.linspace(-3.0, 3.0, 301).double()  # the page's grid: its middle sample is 6.7e-8, not 0
    (at,) = gaps(page_grid, 1 / page_grid)
    assert abs(at) < 0.02


@pytest.mark.parametrize(
    "f",
    [
        lambda x: torch.tanh(1000 * x),  # a near-jump, but bounded
        lambda x: x**9,
        lambda x: torch.exp(3 * x),
        lambda x: torch.sigmoid(50 * x),
        lambda x: 1 / x**2,  # a pole without a sign change: the curve goes up and comes down
        lambda x: x**3 - 3 * x,
        lambda x: torch.full_like(x, 2.0),
    ],
)
def test_steep_smooth_curves_stay_unbroken(f):
    xs = torch.linspace(-3, 3, 300, dtype=torch.float64)  # 300: no sample exactly at 0
    px, py = pole_gaps(xs, f(xs))
    assert len(px) == len(py) == 300 and None not in py


def test_slices_break_at_poles_too():
    ts = torch.linspace(-3, 3, 81, dtype=torch.float64)
    fig = slices_figure((ts, 2 / ts), (ts, ts), (1.0, 0.5), 2.0, (-2.0, 1.0), ["a", "b"])
    assert fig.spec["data"][0]["y"].count(None) == 1  # the sample at 0 (2/0 = inf): already a gap
    shifted = ts + 0.03  # no sample at the pole: the line must still break there
    (at,) = gaps(shifted, 2 / shifted)
    assert abs(at) < 0.075


# --------------------------------------------------------------------------- layouts: fixed, collision-free


def every_figure():
    xs = torch.linspace(-3, 3, 61, dtype=torch.float64)
    tan = Tangent1D(1.0, 2.0, 1.5, 1.0, 3.0, 2.0, 2.0)
    z = BOWL_Z
    field = (BOWL_XS, BOWL_XS, 2 * BOWL_XS[None, :].expand(13, 13), 2 * BOWL_XS[:, None].expand(13, 13))
    return {
        "curve": curve_figure(xs, xs**2, 1.0, 0.5, tan, NAMES),
        "contour": contour_figure(BOWL_XS, BOWL_XS, z, (1.0, 0.5), (2.0, 1.0), 0.5, field, ARROWS),
        "slices": slices_figure((xs, xs**2), (xs, xs), (1.0, 0.5), 1.0, (2.0, 1.0), ["a\nb", "c\nd"]),
        "directional": directional_figure((3.0, 4.0), 0.0, {"curve": "c", "chosen": "t", "peak": "p"}),
    }


@pytest.mark.parametrize("name", ["curve", "contour", "slices", "directional"])
def test_fixed_margins_and_no_automargin(name):
    """Each automatic margin push makes the browser draw the whole chart again."""
    layout = every_figure()[name].spec["layout"]
    assert set(layout["margin"]) == {"l", "r", "t", "b"}
    axes = [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
    assert axes and all(a["automargin"] is False and a["fixedrange"] is True for a in axes)
    legend = layout.get("legend")
    if legend and layout.get("showlegend", True):  # a legend in the bottom margin, counted from the figure's foot
        assert legend["yref"] == "container" and legend["y"] == 0.0 and legend["yanchor"] == "bottom"
    assert not any(d.get("showscale", False) for d in every_figure()[name].spec["data"])  # no colour bar


def test_directional_figure_has_degree_ticks_instead_of_an_axis_title():
    layout = every_figure()["directional"].spec["layout"]
    assert "title" not in layout["xaxis"] and layout["xaxis"]["ticksuffix"] == "°"
    assert layout["legend"]["orientation"] == "v"


def test_slice_titles_are_centred_over_their_panels_on_two_lines():
    layout = every_figure()["slices"].spec["layout"]
    notes = layout["annotations"]
    assert [n["text"] for n in notes] == ["a<br>b", "c<br>d"]
    for note, axis in zip(notes, ("xaxis", "xaxis2"), strict=True):
        assert note["x"] == pytest.approx(sum(layout[axis]["domain"]) / 2)


def test_curve_figure_draws_both_changes_as_solid_bars():
    by_name = {d.get("name"): d for d in every_figure()["curve"].spec["data"]}
    assert by_name["dy"]["line"] == {"color": by_name["secant"]["line"]["color"], "dash": "solid", "width": 6}
    assert by_name["differential"]["line"]["dash"] == "solid" and by_name["differential"]["line"]["width"] == 6


def test_singular_inputs_give_strict_json():
    xs = torch.linspace(-3, 3, 31, dtype=torch.float64)
    nan, inf = math.nan, math.inf
    tan = Tangent1D(inf, -inf, -inf, -inf, -inf, inf, -inf)
    figs = [
        curve_figure(xs, 1 / xs, 0.0, 0.5, tan, NAMES),
        slices_figure((xs, 1 / (xs * 0)), (xs, 1 / (xs * 0)), (0.0, 0.0), inf, (nan, nan), ["a", "b"]),
        directional_figure((nan, nan), 0.3, {"curve": "c", "chosen": "t", "peak": "p"}),
    ]
    for fig in figs:
        json.dumps(fig.spec, allow_nan=False)
