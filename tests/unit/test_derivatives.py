"""Derivatives against analytic formulas and finite differences (never against autograd itself)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from components.compute.derivatives import (
    PRESETS_1D,
    PRESETS_2D,
    directional_derivative,
    evaluate_grid,
    gradient_2d,
    gradient_field,
    one_sided_slope,
    partial_slices,
    point_status_2d,
    tangent_1d,
)
from components.compute.expressions import parse_expression

# Hand-written derivatives of every 1-D preset.
ANALYTIC_1D = {
    "square": (lambda x: x**2, lambda x: 2 * x),
    "cubic": (lambda x: x**3 - 3 * x, lambda x: 3 * x**2 - 3),
    "sine": (math.sin, math.cos),
    "exp": (math.exp, math.exp),
    "abs": (abs, lambda x: math.copysign(1.0, x)),
    "relu": (lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
}
# ... and the gradients of every 2-D preset.
ANALYTIC_2D = {
    "bowl": lambda x, y: (2 * x, 2 * y),
    "saddle": lambda x, y: (2 * x, -2 * y),
    "waves": lambda x, y: (math.cos(x) * math.cos(y), -math.sin(x) * math.sin(y)),
    "product": lambda x, y: (y, x),
    "ridge": lambda x, y: (2 * x, 3 * math.cos(y)),
    "himmelblau": lambda x, y: (
        4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
        2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7),
    ),
}


def test_every_preset_has_an_analytic_reference():
    assert set(ANALYTIC_1D) == set(PRESETS_1D)
    assert set(ANALYTIC_2D) == set(PRESETS_2D)


@pytest.mark.parametrize("name", PRESETS_1D)
@pytest.mark.parametrize("x0", [-2.3, -0.7, 0.4, 1.5, 2.9])
def test_1d_slope_value_and_changes_match_analytic(name, x0):
    f, df = ANALYTIC_1D[name]
    tan = tangent_1d(parse_expression(PRESETS_1D[name], ("x",)), x0, 0.25)
    assert tan.value == pytest.approx(f(x0), rel=1e-9, abs=1e-12)
    assert tan.slope == pytest.approx(df(x0), rel=1e-9, abs=1e-12)
    assert tan.delta_y == pytest.approx(f(x0 + 0.25) - f(x0), rel=1e-9, abs=1e-12)
    assert tan.differential == pytest.approx(df(x0) * 0.25, rel=1e-9, abs=1e-12)
    assert tan.secant_slope == pytest.approx((f(x0 + 0.25) - f(x0)) / 0.25, rel=1e-9)
    assert tan.differentiable


def test_gap_between_change_and_differential_shrinks_like_dx_squared():
    f = parse_expression("x**3 - 3*x", ("x",))
    gaps = [abs(t.delta_y - t.differential) for t in (tangent_1d(f, 1.0, dx) for dx in (0.1, 0.05, 0.025))]
    # f(1+h) - f(1) - f'(1) h = 3h² + h³ exactly
    assert gaps[0] == pytest.approx(3 * 0.1**2 + 0.1**3, rel=1e-9)
    assert gaps[1] / gaps[0] == pytest.approx(0.25, rel=0.05)
    assert gaps[2] / gaps[1] == pytest.approx(0.25, rel=0.05)


@pytest.mark.parametrize(("text", "x0"), [("abs(x)", 0.0), ("relu(x)", 0.0), ("abs(x - 1)", 1.0)])
def test_kinks_are_not_differentiable(text, x0):
    tan = tangent_1d(parse_expression(text, ("x",)), x0, 0.5)
    assert not tan.differentiable
    assert tan.left < tan.right


def test_singularity_is_reported_not_raised():
    tan = tangent_1d(parse_expression("1/x", ("x",)), 0.0, 0.5)
    assert not math.isfinite(tan.value)
    assert not tan.differentiable


@pytest.mark.parametrize(
    ("text", "x0", "kind", "reasons"),
    [
        ("1/x", 0.0, "undefined", None),  # f(0) = inf: nothing to differentiate
        ("log(x)", 0.0, "undefined", None),  # f(0) = -inf
        ("x/x", 0.0, "undefined", None),  # 0/0 = nan, although the sides agree
        ("sqrt(x)", 0.0, "no_derivative", ["undefined_left", "vertical"]),  # nothing on the left, vertical on the right
        ("sqrt(1 - x)", 1.0, "no_derivative", ["undefined_right", "vertical"]),
        ("sqrt(abs(x))", 0.0, "no_derivative", ["vertical"]),  # a cusp: -inf from the left, +inf from the right
        ("abs(x)", 0.0, "kink", []),
        ("relu(x)", 0.0, "kink", []),
        ("sqrt(x**2)", 0.0, "kink", []),  # |x| again, though autograd gives nan (0/0) here
        ("x*sqrt(x**2)", 0.0, "autograd_nan", []),  # x|x| has derivative 0 at 0; autograd computes 0·(0/0)
        ("x**9", 3.0, "smooth", []),  # steep (f' = 59049) but smooth
        ("tan(x)", 1.55, "smooth", []),  # near a pole, still smooth
        ("1/x", 0.05, "smooth", []),
    ],
)
def test_kind_of_point(text, x0, kind, reasons):
    tan = tangent_1d(parse_expression(text, ("x",)), x0, 0.5)
    assert tan.kind == kind
    assert tan.differentiable == (kind == "smooth")
    if reasons is not None:
        assert tan.reasons == reasons


@pytest.mark.parametrize(
    ("f", "x0", "side", "want"),
    [
        (math.sqrt, 0.0, 1, math.inf),  # (sqrt(h) - 0) / h = h^-1/2 grows without bound
        (lambda v: math.sqrt(v) if v >= 0 else math.nan, 0.0, -1, math.nan),  # undefined on the left
        (lambda v: -math.sqrt(-v) if v <= 0 else math.nan, 0.0, -1, math.inf),  # vertical from the left too
        (abs, 0.0, -1, -1.0),
        (abs, 0.0, 1, 1.0),
        (lambda v: v**2, 1.0, 1, 2.0),  # smooth: the analytic 2x
        (lambda v: v**2, 1.0, -1, 2.0),
        (math.exp, 3.0, 1, math.exp(3.0)),
    ],
)
def test_one_sided_slope(f, x0, side, want):
    got = one_sided_slope(f, x0, f(x0), side)
    if math.isnan(want):
        assert math.isnan(got)
    elif math.isinf(want):
        assert got == want
    else:
        assert got == pytest.approx(want, rel=1e-4, abs=1e-5)


@pytest.mark.parametrize(
    ("text", "point", "want"),
    [
        ("1/(x*y)", (0.0, 0.0), "undefined"),
        ("log(x) + y", (-1.0, 0.0), "undefined"),
        ("sqrt(x**2 + y**2)", (0.0, 0.0), "no_gradient"),  # the tip of a cone
        ("sqrt(x**2 + y**2)", (1.0, 0.0), "ok"),
        ("x**2 + 3*sin(y)", (1.0, 0.5), "ok"),
    ],
)
def test_point_status_2d(text, point, want):
    value, gx, gy = gradient_2d(parse_expression(text, ("x", "y")), *point)
    assert point_status_2d(value, gx, gy) == want


def test_zero_step_is_refused():
    with pytest.raises(ValueError, match="Got 0"):
        tangent_1d(parse_expression("x", ("x",)), 1.0, 0.0)


@pytest.mark.parametrize("name", PRESETS_2D)
@pytest.mark.parametrize(("x0", "y0"), [(1.0, 0.5), (-2.1, 1.3), (0.3, -2.7)])
def test_2d_gradient_matches_analytic(name, x0, y0):
    _, gx, gy = gradient_2d(parse_expression(PRESETS_2D[name], ("x", "y")), x0, y0)
    want = ANALYTIC_2D[name](x0, y0)
    assert (gx, gy) == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_directional_derivative_is_largest_along_the_gradient_and_zero_along_the_contour():
    g = parse_expression("x**2 + 3*sin(y)", ("x", "y"))
    _, gx, gy = gradient_2d(g, 1.0, 0.5)
    thetas = np.linspace(-math.pi, math.pi, 3601)
    values = [directional_derivative(gx, gy, th) for th in thetas]
    best = thetas[int(np.argmax(values))]
    assert best == pytest.approx(math.atan2(gy, gx), abs=2e-3)
    assert max(values) == pytest.approx(math.hypot(gx, gy), rel=1e-6)
    along_contour = math.atan2(gy, gx) + math.pi / 2
    assert directional_derivative(gx, gy, along_contour) == pytest.approx(0.0, abs=1e-12)
    # and it equals a finite difference of f along u
    h, u = 1e-6, (math.cos(0.3), math.sin(0.3))
    f = lambda x, y: x**2 + 3 * math.sin(y)  # noqa: E731
    numeric = (f(1 + h * u[0], 0.5 + h * u[1]) - f(1 - h * u[0], 0.5 - h * u[1])) / (2 * h)
    assert directional_derivative(gx, gy, 0.3) == pytest.approx(numeric, rel=1e-6)


def test_grid_evaluation_and_field_match_numpy():
    g = parse_expression("x * y**2", ("x", "y"))
    xs, ys = torch.linspace(-2, 2, 7, dtype=torch.float64), torch.linspace(-1, 3, 5, dtype=torch.float64)
    z = evaluate_grid(g, xs, ys)
    yy, xx = np.meshgrid(ys.numpy(), xs.numpy(), indexing="ij")
    np.testing.assert_allclose(z.numpy(), xx * yy**2)
    fx, fy = gradient_field(g, xs, ys)
    np.testing.assert_allclose(fx.numpy(), yy**2)
    np.testing.assert_allclose(fy.numpy(), 2 * xx * yy)


def test_constant_function_grid_and_gradient():
    g = parse_expression("2", ("x", "y"))
    xs = torch.linspace(-1, 1, 4, dtype=torch.float64)
    assert evaluate_grid(g, xs, xs).shape == (4, 4)
    assert gradient_2d(g, 0.5, 0.5) == (2.0, 0.0, 0.0)
    fx, fy = gradient_field(g, xs, xs)
    assert fx.abs().sum() == 0 and fy.abs().sum() == 0


def test_partial_slices_hold_the_other_variable_fixed():
    g = parse_expression("x**2 + 3*sin(y)", ("x", "y"))
    ts = torch.linspace(-3, 3, 13, dtype=torch.float64)
    along_x, along_y = partial_slices(g, ts, 1.0, 0.5)
    np.testing.assert_allclose(along_x.numpy(), ts.numpy() ** 2 + 3 * math.sin(0.5))
    np.testing.assert_allclose(along_y.numpy(), 1.0 + 3 * np.sin(ts.numpy()))
