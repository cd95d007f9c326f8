"""Gradient descent against independent references: NumPy update rules written from the PyTorch docs'
algorithm boxes, hand-derived gradients and hand-computed step counts (never against torch itself)."""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from components.compute.descent import (
    DIVERGE_FACTOR,
    GRAD_TOL,
    OPTIMIZERS,
    SURFACES,
    RunSpec,
    bowl_function,
    descend,
    make_optimizer,
    nearest_minimum,
    prefix,
    summarize,
    surface_function,
    surface_grid,
)
from components.compute.expressions import parse_expression

BOX = ((-3.0, 3.0), (-3.0, 3.0))


# --- independent references -------------------------------------------------------------------------------


def np_bowl(condition: float, angle_deg: float):
    """f and its gradient for 0.5 p^T H p, H = R diag(1, condition) R^T, R the rotation by the angle."""
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    hess = rot @ np.diag([1.0, condition]) @ rot.T
    return (lambda p: 0.5 * p @ hess @ p), (lambda p: hess @ p)


def np_descend(grad, p0, name: str, lr: float, knob: float | None, steps: int):
    """Positions (steps+1, 2) and gradients (steps+1, 2) of the PyTorch update rules, written in NumPy."""
    knob = OPTIMIZERS[name].default if knob is None else knob
    p = np.array(p0, dtype=np.float64)
    ps, gs = [p.copy()], []
    buf, m, v, acc = None, np.zeros(2), np.zeros(2), np.zeros(2)
    for t in range(1, steps + 1):
        g = grad(p)
        gs.append(g)
        if name == "sgd":
            p = p - lr * g
        elif name in ("momentum", "nesterov"):
            buf = g.copy() if buf is None else knob * buf + g  # first step: v = g
            p = p - lr * (g + knob * buf if name == "nesterov" else buf)
        elif name == "adagrad":
            acc = acc + g * g
            p = p - lr * g / (np.sqrt(acc) + 1e-10)
        elif name == "rmsprop":
            v = knob * v + (1 - knob) * g * g
            p = p - lr * g / (np.sqrt(v) + 1e-8)
        else:  # adam, adamw
            if name == "adamw":
                p = p - lr * 0.01 * p  # decoupled weight decay, before the Adam update
            m = knob * m + (1 - knob) * g
            v = 0.999 * v + 0.001 * g * g
            m_hat, v_hat = m / (1 - knob**t), v / (1 - 0.999**t)
            p = p - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
        ps.append(p.copy())
    gs.append(grad(p))
    return np.array(ps), np.array(gs)


# Hand-written gradients of every fixed-formula surface.
ANALYTIC = {
    "rosenbrock": lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
    "himmelblau": lambda x, y: (
        4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
        2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7),
    ),
    "saddle": lambda x, y: (2 * x, -2 * y),
    "beale": lambda x, y: (
        2 * (1.5 - x + x * y) * (y - 1) + 2 * (2.25 - x + x * y**2) * (y**2 - 1)
        + 2 * (2.625 - x + x * y**3) * (y**3 - 1),
        2 * (1.5 - x + x * y) * x + 2 * (2.25 - x + x * y**2) * 2 * x * y
        + 2 * (2.625 - x + x * y**3) * 3 * x * y**2,
    ),
    "camel": lambda x, y: (8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3),
}  # fmt: skip
POINTS = [(0.3, -0.7), (-1.1, 0.4), (1.7, 1.2), (-0.2, -1.9)]


def autograd_grad(f, x: float, y: float) -> tuple[float, float]:
    tx, ty = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x, y))
    gx, gy = torch.autograd.grad(f(tx, ty), (tx, ty))
    return float(gx), float(gy)


def region_of(name: str):
    return SURFACES[name].x_range, SURFACES[name].y_range


# --- tables -----------------------------------------------------------------------------------------------


def test_tables():
    assert {"bowl", "rosenbrock", "himmelblau", "saddle", "beale", "camel"} <= set(SURFACES)
    assert set(OPTIMIZERS) == {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"}
    assert set(ANALYTIC) == {name for name, s in SURFACES.items() if s.text is not None}
    assert SURFACES["bowl"].text is None and SURFACES["bowl"].minima == ((0.0, 0.0),)
    assert SURFACES["saddle"].minima == ()
    assert {k: (s.tunable, s.default) for k, s in OPTIMIZERS.items()} == {
        "sgd": (None, None), "momentum": ("momentum", 0.9), "nesterov": ("momentum", 0.9),
        "adagrad": (None, None), "rmsprop": ("alpha", 0.99), "adam": ("beta1", 0.9), "adamw": ("beta1", 0.9),
    }  # fmt: skip
    for name, s in SURFACES.items():
        (x0, x1), (y0, y1) = s.x_range, s.y_range
        assert x0 < x1 and y0 < y1, name
        for px, py in (s.start, *s.minima):
            assert x0 <= px <= x1 and y0 <= py <= y1, name
    assert RunSpec() == RunSpec("sgd", 0.05, None, 100)


def test_fixed_surfaces_run_their_displayed_text():
    for name, s in SURFACES.items():
        if s.text is not None:
            f = surface_function(name)
            assert f.text == s.text
            x, y = torch.tensor([0.3, -1.2], dtype=torch.float64), torch.tensor([0.5, 0.8], dtype=torch.float64)
            assert torch.equal(f(x, y), parse_expression(s.text, ("x", "y"))(x, y))


# --- update rules vs NumPy ---------------------------------------------------------------------------------

CASES = [
    ("sgd", 0.05, None), ("momentum", 0.02, None), ("momentum", 0.05, 0.5), ("nesterov", 0.02, None),
    ("nesterov", 0.05, 0.3), ("adagrad", 0.3, None), ("rmsprop", 0.01, None), ("rmsprop", 0.02, 0.9),
    ("adam", 0.05, None), ("adam", 0.1, 0.5), ("adamw", 0.05, None), ("adamw", 0.1, 0.0),
]  # fmt: skip


@pytest.mark.parametrize(("name", "lr", "knob"), CASES)
def test_path_matches_numpy_on_rotated_bowl(name, lr, knob):
    f_np, grad_np = np_bowl(10.0, 30.0)
    start = (-2.5, 1.5)
    path = descend(bowl_function(10.0, 30.0), start, RunSpec(name, lr, knob, 100), BOX)
    ps, gs = np_descend(grad_np, start, name, lr, knob, 100)
    assert path.diverged_at is None and path.xs.dtype == torch.float64
    assert path.xs.shape == path.ys.shape == path.losses.shape == (101,) and path.grads.shape == (101, 2)
    np.testing.assert_allclose(path.xs.numpy(), ps[:, 0], rtol=0, atol=1e-6)
    np.testing.assert_allclose(path.ys.numpy(), ps[:, 1], rtol=0, atol=1e-6)
    np.testing.assert_allclose(path.grads.numpy(), gs, rtol=0, atol=1e-6)
    np.testing.assert_allclose(path.losses.numpy(), [f_np(p) for p in ps], rtol=0, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(sorted(OPTIMIZERS)),
    lr=st.floats(1e-3, 0.15),
    knob=st.floats(0.05, 0.95),
    condition=st.floats(1.0, 10.0),
    angle=st.floats(-180.0, 180.0),
    start=st.tuples(*[st.floats(0.1, 2.0).flatmap(lambda v: st.sampled_from([v, -v]))] * 2),
)
def test_any_run_on_any_bowl_matches_numpy(name, lr, knob, condition, angle, start):
    # Starts off the bowl's axes: where a gradient component is only rounding noise (1e-17), Adagrad, RMSprop and
    # Adam turn it into a full-size step, so two correct implementations part ways; that is the rule, not a bug.
    a = math.radians(angle)
    u, v = math.cos(a) * start[0] + math.sin(a) * start[1], math.cos(a) * start[1] - math.sin(a) * start[0]
    assume(min(abs(u), abs(v)) > 0.05)
    _, grad_np = np_bowl(condition, angle)
    path = descend(bowl_function(condition, angle), start, RunSpec(name, lr, knob, 40), BOX)
    ps, gs = np_descend(grad_np, start, name, lr, knob, 40)
    assert path.diverged_at is None
    np.testing.assert_allclose(torch.stack([path.xs, path.ys], 1).numpy(), ps, rtol=0, atol=1e-6)
    np.testing.assert_allclose(path.grads.numpy(), gs, rtol=0, atol=1e-6)


@pytest.mark.parametrize("surface", sorted(ANALYTIC))
@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_path_matches_numpy_on_fixed_surfaces(surface, name):
    lr = 1e-4 if surface in ("rosenbrock", "beale") else 1e-3
    start = SURFACES[surface].start
    path = descend(surface_function(surface), start, RunSpec(name, lr, None, 50), region_of(surface))
    ps, gs = np_descend(lambda p: np.array(ANALYTIC[surface](*p)), start, name, lr, None, 50)
    np.testing.assert_allclose(torch.stack([path.xs, path.ys], 1).numpy(), ps, rtol=0, atol=1e-6)
    np.testing.assert_allclose(path.grads.numpy(), gs, rtol=1e-9, atol=1e-6)


# --- surfaces --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ANALYTIC))
def test_fixed_surface_gradients_are_analytic(name):
    f = surface_function(name)
    for x, y in POINTS:
        np.testing.assert_allclose(autograd_grad(f, x, y), ANALYTIC[name](x, y), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("condition", "angle"), [(1.0, 0.0), (10.0, 30.0), (100.0, -75.0), (3.5, 200.0)])
def test_bowl_matches_numpy(condition, angle):
    f, f_np, grad_np = bowl_function(condition, angle), *np_bowl(condition, angle)
    for x, y in POINTS:
        p = np.array([x, y])
        value = f(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64))
        assert float(value) == pytest.approx(f_np(p), rel=1e-12)
        np.testing.assert_allclose(autograd_grad(f, x, y), grad_np(p), rtol=1e-12, atol=1e-12)


def test_bowl_long_axis_points_at_the_angle():
    f = bowl_function(50.0, 30.0)
    a = math.radians(30.0)
    along = f(torch.tensor(2 * math.cos(a), dtype=torch.float64), torch.tensor(2 * math.sin(a), dtype=torch.float64))
    across = f(torch.tensor(-2 * math.sin(a), dtype=torch.float64), torch.tensor(2 * math.cos(a), dtype=torch.float64))
    assert float(along) == pytest.approx(0.5 * 4) and float(across) == pytest.approx(0.5 * 50 * 4)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_minima_are_stationary_and_minimal(name):
    f = surface_function(name)
    for mx, my in SURFACES[name].minima:
        assert math.hypot(*autograd_grad(f, mx, my)) < 1e-8, (mx, my)
        centre = float(f(torch.tensor(mx, dtype=torch.float64), torch.tensor(my, dtype=torch.float64)))
        for k in range(8):  # higher in every direction around it
            dx, dy = 1e-3 * math.cos(k * math.pi / 4), 1e-3 * math.sin(k * math.pi / 4)
            around = f(torch.tensor(mx + dx, dtype=torch.float64), torch.tensor(my + dy, dtype=torch.float64))
            assert float(around) > centre


def test_known_minimum_values():
    f = surface_function("himmelblau")
    assert len(SURFACES["himmelblau"].minima) == 4
    for mx, my in SURFACES["himmelblau"].minima:
        assert abs(float(f(torch.tensor(mx, dtype=torch.float64), torch.tensor(my, dtype=torch.float64)))) < 1e-15
    camel = surface_function("camel")
    for (mx, my), sign in zip(SURFACES["camel"].minima[:2], (1, -1), strict=True):
        assert (mx, my) == pytest.approx((sign * 0.0898, -sign * 0.7126), abs=1e-4)
        value = camel(torch.tensor(mx, dtype=torch.float64), torch.tensor(my, dtype=torch.float64))
        assert float(value) == pytest.approx(-1.0316284535, abs=1e-9)


def test_surface_grid_rows_are_y():
    f = surface_function("himmelblau")
    xs, ys, z = surface_grid(f, ((-5.0, 5.0), (-4.0, 2.0)), n=7)
    assert xs.shape == ys.shape == (7,) and z.shape == (7, 7) and not z.requires_grad
    assert float(xs[0]) == -5.0 and float(ys[-1]) == 2.0
    for i in (0, 3, 6):
        for j in (1, 5):
            x, y = float(xs[j]), float(ys[i])
            assert float(z[i, j]) == pytest.approx((x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, rel=1e-12)
    _, _, z_log = surface_grid(parse_expression("log(x) + y", ("x", "y")), ((-1.0, 1.0), (0.0, 1.0)), n=4)
    assert torch.isnan(z_log[:, 0]).all() and torch.isfinite(z_log[:, -1]).all()
    with pytest.raises(ValueError, match="Got 1"):
        surface_grid(f, BOX, n=1)


# --- divergence, convergence, summaries -------------------------------------------------------------------


def test_sgd_with_huge_lr_diverges_and_is_cut():
    # Curvatures 1 and 10 along x and y, lr 10: x -> -9x, y -> -99y. From (0.1, 0.1): y = 0.1, -9.9, 980.1;
    # the region's size is 6 so 980.1 is beyond DIVERGE_FACTOR * 6 = 30 from the centre: position 2 diverged.
    assert DIVERGE_FACTOR * 6 < 980.1
    path = descend(bowl_function(10.0, 0.0), (0.1, 0.1), RunSpec("sgd", 10.0, None, 50), BOX)
    assert path.diverged_at == 2 and len(path.xs) == len(path.losses) == len(path.grads) == 2
    np.testing.assert_allclose(path.ys.numpy(), [0.1, -9.9])
    np.testing.assert_allclose(path.xs.numpy(), [0.1, -0.9])
    assert all(torch.isfinite(t).all() for t in (path.xs, path.ys, path.losses, path.grads))
    assert summarize(path, SURFACES["bowl"].minima).diverged_at == 2


def test_nan_loss_ends_the_path_without_raising():
    # d/dx log(x) = 100 at x = 0.01, so lr 1 jumps to x = -99.99 (inside the bounds) where log is NaN.
    f = parse_expression("log(x) + y**2", ("x", "y"))
    big = ((-100.0, 100.0), (-100.0, 100.0))
    path = descend(f, (0.01, 0.5), RunSpec("sgd", 1.0, None, 20), big)
    assert path.diverged_at == 1 and path.xs.tolist() == [0.01]
    assert path.grads[0].tolist() == pytest.approx([100.0, 1.0])
    # An infinite gradient at the start itself: nothing finite to show.
    start_bad = descend(parse_expression("sqrt(x) + y", ("x", "y")), (0.0, 0.0), RunSpec(), BOX)
    assert start_bad.diverged_at == 0 and start_bad.xs.shape == (0,) and start_bad.grads.shape == (0, 2)
    summary = summarize(start_bad, ((1.0, 1.0),))
    assert math.isnan(summary.final_loss) and summary.distance == math.inf and not summary.converged


@pytest.mark.parametrize(
    "run",
    [RunSpec(lr=0.0), RunSpec(lr=5e-5), RunSpec(lr=10.5), RunSpec(lr=math.nan), RunSpec(steps=0),
     RunSpec(steps=501), RunSpec(steps=2.5), RunSpec(optimizer="lbfgs"), RunSpec("momentum", knob=1.0),
     RunSpec("nesterov", knob=0.0), RunSpec("adam", knob=-0.1)],
)  # fmt: skip
def test_bad_runs_raise_value_error(run):
    with pytest.raises(ValueError, match="Got"):
        descend(bowl_function(), (1.0, 1.0), run, BOX)


def test_other_bad_arguments_raise_value_error():
    p = [torch.zeros(2, dtype=torch.float64, requires_grad=True)]
    for call in (
        lambda: bowl_function(condition=0.5), lambda: bowl_function(condition=101.0),
        lambda: bowl_function(angle_deg=math.inf), lambda: surface_function("ackley"),
        lambda: make_optimizer("sgd", p, -1.0), lambda: make_optimizer("nope", p, 0.1),
        lambda: descend(bowl_function(), (math.nan, 0.0), RunSpec(), BOX),
        lambda: descend(bowl_function(), (0.0, 0.0), RunSpec(), ((1.0, -1.0), (0.0, 1.0))),
        lambda: summarize(descend(bowl_function(), (0.0, 0.0), RunSpec(steps=1), BOX), ((0, 0),), tol=0.0),
    ):  # fmt: skip
        with pytest.raises(ValueError, match="Got"):
            call()


def test_make_optimizer_sets_the_knob():
    p = [torch.zeros(2, dtype=torch.float64, requires_grad=True)]
    assert make_optimizer("momentum", p, 0.1).defaults["momentum"] == 0.9
    assert make_optimizer("nesterov", p, 0.1, 0.5).defaults["nesterov"] is True
    assert make_optimizer("rmsprop", p, 0.1, 0.8).defaults["alpha"] == 0.8
    assert make_optimizer("adamw", p, 0.1, 0.7).defaults["betas"] == (0.7, 0.999)
    assert make_optimizer("sgd", p, 0.1, 0.7).defaults["momentum"] == 0.0  # no knob: ignored


def test_exact_step_converges_at_once():
    # Bowl with condition 1 is 0.5 |p|^2, gradient p: SGD with lr 1 lands on (0, 0) in one step.
    path = descend(bowl_function(1.0, 0.0), (1.0, 2.0), RunSpec("sgd", 1.0, None, 5), BOX)
    assert path.converged_at == 1 and path.losses[1:].abs().max() == 0
    summary = summarize(path, SURFACES["bowl"].minima)
    assert (summary.steps_to_tol, summary.converged, summary.distance, summary.final_loss) == (1, True, 0.0, 0.0)


def test_halving_steps_converge_when_predicted():
    # lr 0.5 halves p each step: |p_k| = 0.5**k * sqrt(2) from (1, 1), below 1e-3 first at k = 11.
    expected = next(k for k in range(100) if 0.5**k * math.sqrt(2) < GRAD_TOL)
    assert expected == 11
    path = descend(bowl_function(1.0, 0.0), (1.0, 1.0), RunSpec("sgd", 0.5, None, 30), BOX)
    assert path.converged_at == expected
    summary = summarize(path, SURFACES["bowl"].minima, tol=1e-3)
    assert summary.steps_to_tol == expected and summary.converged
    assert summary.distance == pytest.approx(0.5**30 * math.sqrt(2))
    assert summarize(path, SURFACES["bowl"].minima, tol=0.1).steps_to_tol == 4  # 0.5**4 * 1.414 = 0.088
    short = descend(bowl_function(1.0, 0.0), (1.0, 1.0), RunSpec("sgd", 0.5, None, 5), BOX)
    assert short.converged_at is None and not summarize(short, SURFACES["bowl"].minima).converged


def test_constant_function_has_zero_gradient():
    path = descend(lambda x, y: torch.tensor(1.0, dtype=torch.float64), (0.5, 0.5), RunSpec(steps=3), BOX)
    assert path.xs.tolist() == [0.5] * 4 and path.grads.abs().max() == 0 and path.converged_at == 0


def test_saddle_has_no_minimum_to_reach():
    path = descend(surface_function("saddle"), SURFACES["saddle"].start, RunSpec(steps=20), region_of("saddle"))
    summary = summarize(path, SURFACES["saddle"].minima)
    assert summary.distance == math.inf and summary.steps_to_tol is None and not summary.converged
    assert abs(float(path.ys[-1])) > abs(SURFACES["saddle"].start[1])  # it rolls off the ridge


def test_nearest_minimum_picks_the_right_himmelblau_minimum():
    minima = SURFACES["himmelblau"].minima
    for mx, my in minima:
        for dx, dy in ((0.3, 0.0), (-0.2, 0.25)):
            point, distance = nearest_minimum(mx + dx, my + dy, minima)
            assert point == (mx, my) and distance == pytest.approx(math.hypot(dx, dy))
    assert nearest_minimum(0.0, 0.0, ()) == (None, math.inf)


def test_runs_are_fast_enough():
    descend(surface_function("camel"), (0.0, 0.0), RunSpec(steps=1), BOX)  # first call pays one-time imports
    began = time.perf_counter()
    for name, surface in (("sgd", "rosenbrock"), ("momentum", "himmelblau"), ("adam", "camel"), ("rmsprop", "bowl")):
        s = SURFACES[surface]
        path = descend(surface_function(surface), s.start, RunSpec(name, 1e-3, None, 300), region_of(surface))
        assert len(path.xs) == 301
    assert time.perf_counter() - began < 2.0  # a sanity bound only (one run takes ~70 ms on 2 loaded cores)


@pytest.mark.parametrize(
    ("name", "run", "start"),
    [
        ("rosenbrock", RunSpec("adam", 0.05, None, 200), (-1.5, 1.5)),
        ("bowl", RunSpec("sgd", 0.18, None, 120), (3.0, 2.0)),  # converges at step 45: kept or cut
        ("bowl", RunSpec("sgd", 0.21, None, 80), (3.0, 2.0)),  # diverges at step 29: kept or cut
    ],
)
def test_a_prefix_of_a_longer_path_is_the_shorter_run(name, run, start):
    """The page answers fewer steps from a longer path already computed: it must be exactly the shorter run."""
    surface = SURFACES[name]
    f, region = surface_function(name), (surface.x_range, surface.y_range)
    long = descend(f, start, run, region)
    for steps in (1, 7, 28, 29, 30, 44, 45, 46, run.steps // 2, run.steps):
        short, cut = descend(f, start, replace(run, steps=steps), region), prefix(long, steps)
        for a, b in ((short.xs, cut.xs), (short.ys, cut.ys), (short.losses, cut.losses), (short.grads, cut.grads)):
            assert torch.equal(a, b)
        assert (short.diverged_at, short.converged_at) == (cut.diverged_at, cut.converged_at)
