"""Derivatives page figures and code generation: traces carry the right numbers."""

from __future__ import annotations

import ast
import math

import pytest
import torch

from components.compute.derivatives import Tangent1D
from components.figures.derivatives import contour_figure, curve_figure, directional_figure, slices_figure
from components.snippets.derivatives import torch_source

NAMES = {k: k for k in ("curve", "tangent", "secant", "dy", "differential")}


def test_curve_figure_tangent_secant_and_changes():
    xs = torch.linspace(-3, 3, 61, dtype=torch.float64)
    tan = Tangent1D(value=1.0, slope=2.0, dy=1.5, differential=1.0, secant_slope=3.0, left=2.0, right=2.0)
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


def test_contour_figure_arrows_point_along_gradient_and_direction():
    xs = torch.linspace(-3, 3, 13, dtype=torch.float64)
    z = xs[None, :] ** 2 + xs[:, None] ** 2
    fig = contour_figure(xs, xs, z, (1.0, 0.5), (2.0, 1.0), math.pi / 2, None, {"gradient": "g", "direction": "u"})
    notes = {a["text"]: a for a in fig.spec["layout"]["annotations"]}
    g = notes["g"]
    assert (g["ax"], g["ay"]) == (1.0, 0.5)
    assert (g["y"] - g["ay"]) / (g["x"] - g["ax"]) == pytest.approx(0.5)  # parallel to (2, 1)
    u = notes["u"]
    assert u["x"] == pytest.approx(1.0) and u["y"] > 0.5  # θ = 90°: straight up
    assert fig.spec["data"][0]["type"] == "contour"


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
