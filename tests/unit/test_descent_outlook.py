"""Linear theory of the quadratic bowl against the real torch.optim runs and the textbook stability bounds."""

from __future__ import annotations

import math

import pytest
import torch

from components.compute.descent import SURFACES, RunSpec, bowl_function, descend
from components.compute.descent_outlook import bowl_outlook, step_factor

REGION = (SURFACES["bowl"].x_range, SURFACES["bowl"].y_range)


def _measured_factor(optimizer: str, lr: float, lam: float, beta: float, steps: int = 400) -> float:
    """The growth per step of |p| for torch.optim.SGD on f = ½ λ p², from the last 100 steps' envelope."""
    p = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    kwargs = {} if optimizer == "sgd" else {"momentum": beta, "nesterov": optimizer == "nesterov"}
    opt = torch.optim.SGD([p], lr=lr, **kwargs)
    trail = []
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * lam * p * p).sum().backward()
        opt.step()
        trail.append(abs(p.item()))
    early, late = max(trail[-200:-100]), max(trail[-100:])
    return (late / early) ** (1 / 100) if early > 0 else 0.0


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov"])
@pytest.mark.parametrize(("lr", "lam"), [(0.01, 10.0), (0.1, 10.0), (0.15, 10.0), (0.5, 1.0), (0.05, 40.0)])
@pytest.mark.parametrize("beta", [0.5, 0.9])
def test_step_factor_is_the_growth_rate_of_the_real_optimizer(optimizer, lr, lam, beta):
    factor = step_factor(optimizer, lr, lam, beta)
    measured = _measured_factor(optimizer, lr, lam, beta)
    if factor < 0.97:  # fast contraction: the envelope reaches float64's floor, only check it contracts
        assert measured < 0.99
    else:
        assert measured == pytest.approx(factor, rel=0.02)


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.19, 0.2, 0.21, 0.5, 3.0])
@pytest.mark.parametrize("lam", [1.0, 10.0, 100.0])
def test_sgd_factor_is_one_minus_eta_lambda(lr, lam):
    assert step_factor("sgd", lr, lam) == pytest.approx(abs(1 - lr * lam), abs=1e-15)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.99])
@pytest.mark.parametrize("h", [0.05, 0.5, 1.0, 1.9, 2.5, 3.7, 3.9, 5.0])
def test_momentum_stability_is_the_textbook_condition(beta, h):
    """Heavy ball converges iff 0 < ηλ < 2(1 + β); torch's Nesterov iff ηλ < 2(1 + β)/(1 + 2β)."""
    assert (step_factor("momentum", h, 1.0, beta) < 1) == (h < 2 * (1 + beta))
    assert (step_factor("nesterov", h, 1.0, beta) < 1) == (h < 2 * (1 + beta) / (1 + 2 * beta))


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_factor_is_exactly_one_on_the_stability_boundary(beta):
    assert step_factor("momentum", 2 * (1 + beta), 1.0, beta) == pytest.approx(1.0, abs=1e-12)
    assert step_factor("nesterov", 2 * (1 + beta) / (1 + 2 * beta), 1.0, beta) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(("condition", "lr"), [(10.0, 0.2), (20.0, 0.1), (40.0, 0.05), (100.0, 0.02), (4.0, 0.5)])
def test_sgd_at_two_over_lambda_max_bounces_forever(condition, lr):
    """η = 2/λmax: the steep coordinate flips sign every step and keeps its size, so the run never converges."""
    start = (-2.5, 1.5)
    outlook = bowl_outlook("sgd", lr, None, condition, 0, start)
    assert outlook.kind == "bounces" and outlook.steep and outlook.curvature == condition
    path = descend(bowl_function(condition, 0), start, RunSpec("sgd", lr, None, 500), REGION)
    assert path.diverged_at is None
    assert torch.allclose(path.ys.abs(), torch.full_like(path.ys, 1.5), rtol=1e-9)  # |y| never shrinks
    assert (path.ys[1:] * path.ys[:-1] < 0).all()  # and it changes side every step


def test_outlook_follows_the_rotation_and_only_counts_excited_directions():
    # Rotated by 30°: the steep axis is at 120°. A start on the flat axis has no steep component: it converges.
    a = math.radians(30)
    on_flat = (2 * math.cos(a), 2 * math.sin(a))
    assert bowl_outlook("sgd", 0.2, None, 10.0, 30, on_flat).kind == "converges"
    on_steep = (-math.sin(a), math.cos(a))
    outlook = bowl_outlook("sgd", 0.2, None, 10.0, 30, on_steep)
    assert outlook.kind == "bounces" and outlook.steep
    assert bowl_outlook("sgd", 0.2, None, 10.0, 30, (0.0, 0.0)) is None  # at the minimum: nothing to say


@pytest.mark.parametrize(("lr", "kind"), [(0.1, "converges"), (0.2, "bounces"), (0.5, "diverges"), (3.0, "diverges")])
def test_outlook_agrees_with_the_real_run(lr, kind):
    start = (-2.5, 1.5)
    outlook = bowl_outlook("sgd", lr, None, 10.0, 0, start)
    path = descend(bowl_function(10.0, 0), start, RunSpec("sgd", lr, None, 300), REGION)
    assert outlook.kind == kind
    assert (path.diverged_at is not None) == (kind == "diverges")
    assert (path.converged_at is not None) == (kind == "converges")


def test_adaptive_optimizers_have_no_linear_outlook():
    for name in ("adagrad", "rmsprop", "adam", "adamw"):
        assert bowl_outlook(name, 0.1, 0.9, 10.0, 0, (1.0, 1.0)) is None


def test_step_factor_refuses_bad_arguments():
    for args in (("adam", 0.1, 1.0), ("sgd", 0.0, 1.0), ("sgd", 0.1, -1.0), ("sgd", math.inf, 1.0)):
        with pytest.raises(ValueError, match="Got"):
            step_factor(*args)
    with pytest.raises(ValueError, match="Got"):
        step_factor("momentum", 0.1, 1.0, 1.0)
