"""The Loss functions page's numbers against NumPy: MSE, MAE, Huber and their gradients, the best lines (a brute
grid search), softmax and cross-entropy (gradient = softmax − one-hot), BCE, reductions and the mistakes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from components.compute import losses as L


def _np_losses(e: np.ndarray, delta: float) -> dict[str, float]:
    a = np.abs(e)
    return {"mse": float(np.mean(e**2)), "mae": float(np.mean(a)),
            "huber": float(np.mean(np.where(a <= delta, 0.5 * e**2, delta * (a - 0.5 * delta))))}  # fmt: skip


@pytest.mark.parametrize(("w", "b", "outlier", "delta"), [(0.5, 1.0, 0.0, 1.0), (2.0, -1.0, 12.0, 0.3),
                                                           (0.8, 1.0, 20.0, 5.0)])  # fmt: skip
def test_line_losses_and_gradients_match_numpy(w, b, outlier, delta):
    x, y = L.points(outlier)
    s = L.score_line(x, y, w, b, delta)
    xn, yn = x.numpy(), y.numpy()
    e = w * xn + b - yn
    want = _np_losses(e, delta)
    for name in L.LOSSES:
        assert s.values[name] == pytest.approx(want[name], rel=1e-12)
    # analytic gradients
    assert s.grads["mse"][0] == pytest.approx(np.mean(2 * e * xn), rel=1e-12)
    assert s.grads["mse"][1] == pytest.approx(np.mean(2 * e), rel=1e-10, abs=1e-12)
    assert s.grads["mae"][0] == pytest.approx(np.mean(np.sign(e) * xn), rel=1e-12)
    clip = np.clip(e, -delta, delta)
    assert s.grads["huber"][0] == pytest.approx(np.mean(clip * xn), rel=1e-12)
    # finite differences on the NumPy loss (independent of autograd)
    h = 1e-6
    for name in L.LOSSES:
        fd = (_np_losses((w + h) * xn + b - yn, delta)[name] - _np_losses((w - h) * xn + b - yn, delta)[name]) / 2 / h
        assert s.grads[name][0] == pytest.approx(fd, rel=1e-5, abs=1e-7)


def test_outlier_blows_up_mse_not_mae():
    clean = L.score_line(*L.points(0.0), 0.8, 1.0, 1.0).values
    dirty = L.score_line(*L.points(15.0), 0.8, 1.0, 1.0).values
    assert dirty["mse"] / clean["mse"] > 50 and dirty["mae"] / clean["mae"] < 8


def test_loss_curves_are_the_scores_at_each_slope():
    x, y = L.points(5.0)
    ws = torch.linspace(-1, 3, 9, dtype=torch.float64)
    curves = L.loss_curves(x, y, ws, 0.7, 1.5)
    for i, w in enumerate(ws.tolist()):
        want = _np_losses(w * x.numpy() + 0.7 - y.numpy(), 1.5)
        for name in L.LOSSES:
            assert curves[name][i].item() == pytest.approx(want[name], rel=1e-12)


@pytest.mark.parametrize("outlier", [0.0, 10.0])
@pytest.mark.parametrize("name", L.LOSSES)
def test_best_line_is_the_grid_search_minimum(name, outlier):
    x, y = L.points(outlier)
    bw, bb = L.best_line(x, y, name, 1.0)
    ws, bs = np.meshgrid(np.linspace(-1, 3, 401), np.linspace(-3, 5, 401))
    e = ws[..., None] * x.numpy() + bs[..., None] - y.numpy()
    a = np.abs(e)
    grid = {"mse": (e**2).mean(-1), "mae": a.mean(-1), "huber": np.where(a <= 1, 0.5 * e**2, a - 0.5).mean(-1)}[name]
    best = grid.min()
    found = _np_losses(bw * x.numpy() + bb - y.numpy(), 1.0)[name]
    assert found <= best + 1e-6  # at least as good as the best grid point
    i = np.unravel_index(grid.argmin(), grid.shape)
    assert bw == pytest.approx(ws[i], abs=0.05) and bb == pytest.approx(bs[i], abs=0.2)


def test_outlier_pulls_the_mse_line_more_than_the_mae_line():
    x, y = L.points(0.0)
    x2, y2 = L.points(12.0)
    moved = {n: abs(L.best_line(x2, y2, n, 1.0)[0] - L.best_line(x, y, n, 1.0)[0]) for n in ("mse", "mae")}
    assert moved["mse"] > 5 * moved["mae"]


def _np_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


EXAMPLES = [
    ([2.0, 1.0, 0.1], 0, 1.0),
    ([0.5, -1.0], 1, 0.25),
    ([1, 2, 3, 4, 5.0], 2, 5.0),
    ([50.0, -50.0, 0.0], 1, 1.0),
]


@pytest.mark.parametrize(("z", "label", "temp"), EXAMPLES)
def test_softmax_cross_entropy_and_its_gradient(z, label, temp):
    out = L.softmax_ce(z, label, temp)
    p = _np_softmax(np.array(z) / temp)
    np.testing.assert_allclose(out.probs.numpy(), p, rtol=1e-12, atol=1e-300)
    want = -np.log(p[label]) if p[label] > 0 else (np.logaddexp.reduce(np.array(z) / temp) - z[label] / temp)
    assert out.loss == pytest.approx(want, rel=1e-12) and out.nll == pytest.approx(want, rel=1e-12)
    onehot = np.eye(len(z))[label]
    np.testing.assert_allclose(out.grad.numpy(), (p - onehot) / temp, rtol=1e-10, atol=1e-15)
    assert all(math.isfinite(v) for v in [out.loss, *out.grad.tolist()])


def test_bad_softmax_inputs_are_refused():
    for args in (([1.0], 0, 1.0), ([1.0, math.nan], 0, 1.0), ([1.0, 2.0], 2, 1.0), ([1.0, 2.0], 0, 0.0)):
        with pytest.raises(ValueError):
            L.softmax_ce(*args)


def test_bce_curve_is_minus_log():
    ps = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    one, zero = L.bce_curve(ps)
    np.testing.assert_allclose(one.numpy(), -np.log([0.1, 0.5, 0.9]), rtol=1e-12)
    np.testing.assert_allclose(zero.numpy(), -np.log([0.9, 0.5, 0.1]), rtol=1e-12)


def test_batch_pieces_and_reductions():
    bt = L.batch(3)
    z, y = bt.logits.numpy(), bt.labels.numpy()
    lse = np.log(np.exp(z).sum(1))
    np.testing.assert_allclose(bt.lse.numpy(), lse, rtol=1e-12)
    np.testing.assert_allclose(bt.losses.numpy(), lse - z[range(4), y], rtol=1e-12)
    assert bt.mean == pytest.approx(np.mean(lse - z[range(4), y]), rel=1e-12)
    assert bt.total == pytest.approx(np.sum(lse - z[range(4), y]), rel=1e-12)
    assert bt.by_hand == pytest.approx(bt.mean, rel=1e-14)
    assert L.batch(4).logits.tolist() != bt.logits.tolist()  # the seed matters


def test_softmax_before_the_loss_flattens_loss_and_gradient():
    z, label = [4.0, 0.0, -1.0], 0
    both = L.double_softmax(z, label)
    right, wrong = both["right"], both["wrong"]
    p = _np_softmax(np.array(z))
    assert right[0] == pytest.approx(-np.log(p[0]), rel=1e-12)
    q = _np_softmax(p)  # softmax applied a second time
    assert wrong[0] == pytest.approx(-np.log(q[0]), rel=1e-12)
    assert wrong[1].norm() < right[1].norm()
    curves = L.double_softmax_curves(z, label, torch.tensor([-10.0, 10.0, 50.0], dtype=torch.float64))
    floor = np.log(1 + 2 / np.e)  # best case of the wrong loss: p = (1, 0, 0) softmaxed again
    assert curves["wrong"][2].item() == pytest.approx(floor, rel=1e-6) and curves["right"][2].item() < 1e-15


def test_mse_on_probabilities_saturates_where_cross_entropy_does_not():
    zs = torch.tensor([-10.0, 0.0, 10.0], dtype=torch.float64)
    sat = L.saturation_curves(zs)
    p = 1 / (1 + np.exp(-zs.numpy()))
    np.testing.assert_allclose(sat["mse"].numpy(), 2 * (p - 1) * p * (1 - p), rtol=1e-10)
    np.testing.assert_allclose(sat["ce"].numpy(), p - 1, rtol=1e-10)
    assert abs(sat["mse"][0].item()) < 1e-3 and sat["ce"][0].item() < -0.99


def test_broadcast_mistake_is_the_mean_over_all_pairs():
    x, y = L.points(0.0)
    pred = (0.5 * x + 1)[:, None]
    message, wrong, right = L.broadcast_mistake(pred, y)
    p, t = pred.numpy()[:, 0], y.numpy()
    assert "different to the input size" in message
    assert wrong == pytest.approx(np.mean((p[:, None] - t[None, :]) ** 2), rel=1e-12)
    assert right == pytest.approx(np.mean((p - t) ** 2), rel=1e-12)
