"""What the Overfitting page claims, checked: weight decay's penalty, accuracy as a count, the default experiment.

References: the gradient of the polynomial model's penalised MSE written out in NumPy, accuracy counted in a plain
loop, and the page's own default settings run through the sweep."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import torch

from components.compute.datasets import DataSpec, make_data
from components.compute.fit_models import ModelSpec, TrainSpec, input_scale
from components.compute.overfitting import Trainer, capacities, fit, sweep
from components.figures.numbers import fmt_percent, fmt_short
from components.ui.overfitting import FitSettings
from tests.unit.test_overfitting import np_monomials


def _one_sgd_step(weight_decay: float) -> tuple[Trainer, np.ndarray, np.ndarray, float, float]:
    """One full-batch SGD epoch of a degree-4 polynomial; returns the trainer, features, targets, w, b before."""
    data = make_data(DataSpec("sine", n=24, noise=0.2, seed=5))
    trainer = Trainer(data, ModelSpec(degree=4), TrainSpec("sgd", lr=0.1, epochs=1, weight_decay=weight_decay), seed=5)
    lin = trainer.model[1]
    w, b = lin.weight.detach().numpy()[0].copy(), lin.bias.item()
    feats = np_monomials(data.x_train.numpy(), 4, input_scale(data.x_train).numpy())
    trainer.run(1)
    return trainer, feats, data.y_train.numpy(), w, b


@pytest.mark.parametrize("lam", [0.0, 0.05, 0.7])
def test_weight_decay_lambda_is_a_step_on_half_lambda_times_the_squared_norm_of_every_parameter(lam):
    """``SGD(weight_decay=λ)`` steps on ``L + (λ/2)·(‖w‖² + b²)``: the bias decays too. Gradient by hand:
    ``∂/∂w = 2/n·Fᵀr + λw``, ``∂/∂b = 2·mean(r) + λb`` with residuals ``r = Fw + b - y``."""
    trainer, feats, y, w, b = _one_sgd_step(lam)
    resid = feats @ w + b - y
    w_next = w - 0.1 * (2 * feats.T @ resid / len(y) + lam * w)
    b_next = b - 0.1 * (2 * resid.mean() + lam * b)
    lin = trainer.model[1]
    np.testing.assert_allclose(lin.weight.detach().numpy()[0], w_next, rtol=1e-12, atol=1e-15)
    assert lin.bias.item() == pytest.approx(b_next, rel=1e-12, abs=1e-15)
    if lam:  # a penalty on the weights alone, L + (λ/2)‖w‖², would leave the bias step as without decay
        assert abs(lin.bias.item() - (b - 0.1 * 2 * resid.mean())) == pytest.approx(0.1 * lam * abs(b), rel=1e-9)


def test_adam_weight_decay_is_the_same_penalty_in_its_gradient():
    """``Adam(weight_decay=λ)`` (not AdamW) feeds ``∇L + λθ`` to its moments: the same step as plain Adam on
    ``L + (λ/2)‖θ‖²`` over all parameters."""
    data = make_data(DataSpec("sine", n=24, seed=6))
    lam = 0.2
    trainer = Trainer(data, ModelSpec(kind="mlp", layers=1, width=5, activation="tanh"), TrainSpec(lr=0.05, epochs=3,
                      weight_decay=lam), seed=6)  # fmt: skip
    ref = [p.detach().clone().requires_grad_() for p in trainer.model.parameters()]
    trainer.run(3)
    opt = torch.optim.Adam(ref, lr=0.05)
    x, y = data.x_train, data.y_train
    for _ in range(3):
        opt.zero_grad()
        hidden = torch.tanh(x @ ref[0].T + ref[1])
        loss = ((hidden @ ref[2].T + ref[3])[:, 0] - y).square().mean() + lam / 2 * sum(p.square().sum() for p in ref)
        loss.backward()
        opt.step()
    for got, want in zip(trainer.model.parameters(), ref, strict=True):
        torch.testing.assert_close(got.detach(), want.detach(), rtol=1e-10, atol=1e-12)


def _counted_accuracy(trainer: Trainer, x: torch.Tensor, y: torch.Tensor) -> float:
    probs, labels = trainer.predict(x).tolist(), y.tolist()
    right = sum(1 for p, label in zip(probs, labels, strict=True) if max(range(len(p)), key=p.__getitem__) == label)
    return right / len(labels)


@pytest.mark.parametrize(
    ("dataset", "noise", "early"), [("moons", 0.6, False), ("moons", 0.6, True), ("blobs", 1.0, False)]
)
def test_accuracy_is_the_share_of_points_in_their_own_class(dataset, noise, early):
    data = make_data(DataSpec(dataset, n=90, noise=noise, seed=3))
    train = TrainSpec(lr=0.03, epochs=200, early_stopping=early, patience=20)
    trainer = fit(data, ModelSpec(kind="mlp", width=8), train, seed=3)
    assert len(trainer.accuracies) == len(trainer.train_losses)
    train_acc, test_acc = trainer.final_accuracy()
    assert train_acc == pytest.approx(_counted_accuracy(trainer, data.x_train, data.y_train), abs=1e-12)
    assert test_acc == pytest.approx(_counted_accuracy(trainer, data.x_test, data.y_test), abs=1e-12)
    assert 0.5 < train_acc < 1 and 0.4 < test_acc <= 1  # noisy enough not to be perfect: the count matters
    if early:
        assert trainer.stopped_at is not None and trainer.final_accuracy() == trainer.accuracies[trainer.best_epoch]


def test_regression_has_no_accuracy():
    trainer = fit(make_data(DataSpec()), ModelSpec(), TrainSpec(epochs=3))
    assert trainer.accuracies == [] and trainer.final_accuracy() is None


# --- the page's default experiment ----------------------------------------------------------------------------


def default_specs() -> tuple[DataSpec, ModelSpec, TrainSpec]:
    """The page's specs for its default settings (as ``data_controls`` / ``train_controls`` build them)."""
    d = FitSettings()
    data = DataSpec(d.dataset, d.n, d.noise, d.train_frac / 100, d.seed)
    train = TrainSpec(d.optimizer, d.lr, d.epochs, d.batch, d.weight_decay, d.early_stop, max(20, d.epochs // 10))
    return data, ModelSpec("poly", degree=d.degree), train


@cache
def default_sweep() -> tuple[list[float], list[float]]:
    data, model, train = default_specs()
    rows = list(sweep(make_data(data), model, train, capacities(model), seed=data.seed))
    return [r[1] for r in rows], [r[2] for r in rows]


def test_default_test_points_lie_inside_the_training_range():
    """A polynomial is judged where it was fitted: outside the training range it extrapolates, which even a
    good degree does badly (the old default had two test points there and degree 3 already 'overfitted')."""
    data = make_data(default_specs()[0])
    assert data.x_test.min() > data.x_train.min() and data.x_test.max() < data.x_train.max()


def test_default_capacity_sweep_is_u_shaped():
    """The test loss falls, reaches its minimum strictly inside the range of degrees, then rises (roughly
    monotone on both sides) to well above it; the train loss falls. Measured test losses, degrees 1..15:
    0.291 0.296 0.109 0.095 0.106 0.119 0.155 0.189 0.175 0.214 0.217 0.25 0.235 0.253 0.254."""
    train, test = default_sweep()
    best = int(np.argmin(test))
    assert 0 < best < len(test) - 1
    falling, rising = test[: best + 1], test[best:]
    assert all(later <= 1.05 * a for i, a in enumerate(falling) for later in falling[i + 1 :])
    assert all(later >= 0.9 * a for i, a in enumerate(rising) for later in rising[i + 1 :])
    assert test[0] > 2 * test[best] and test[-1] > 2 * test[best]  # a U, not a flat line
    assert train[-1] < 0.5 * train[0] and train[-1] < test[-1] / 3  # the gap: fits the training points, not new ones


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.0812345, "0.0812"), (6.0243, "6.02"), (-0.0, "0"), (-1e-20, "-1.0e-20"), (2.0223e-5, "2.0e-5"),
     (999.6, "1000"), (1234.5, "1234"), (12345.6, "1.2e4"), (3.5e6, "3.5e6"), (0.0009996, "0.001"),
     (float("nan"), "—"), (float("inf"), "—")],
)  # fmt: skip
def test_metric_numbers_are_short_and_never_minus_zero(value, shown):
    assert fmt_short(value) == shown and len(shown) <= 8


def test_percent():
    assert (fmt_percent(0.9333333), fmt_percent(1.0), fmt_percent(0.0), fmt_percent(float("nan"))) == (
        "93.3%",
        "100.0%",
        "0.0%",
        "—",
    )
