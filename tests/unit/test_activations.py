"""The Activations page's maths against NumPy and analytic formulas: the curves and their slopes, the collapse of
an all-linear network, the layer-by-layer view, and what linear and nonlinear models can learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from components.compute.activations import (
    collapse,
    curve,
    grid_lines,
    is_linear_stack,
    layer_outputs,
    plane_view,
    vanishing_spans,
)
from components.compute.datasets import DataSpec, make_data
from components.compute.fit_models import ACTIVATIONS, ModelSpec, TrainSpec, build_model
from components.compute.overfitting import fit

X = np.linspace(-5, 5, 201)
_erf = np.vectorize(math.erf)
_sig = 1 / (1 + np.exp(-X))
# name: (f, f') as NumPy formulas
FORMULAS = {
    "relu": (np.maximum(X, 0), (X > 0).astype(float)),
    "leaky_relu": (np.where(X > 0, X, 0.01 * X), np.where(X > 0, 1.0, 0.01)),
    "elu": (np.where(X > 0, X, np.exp(X) - 1), np.where(X > 0, 1.0, np.exp(X))),
    "gelu": (X * 0.5 * (1 + _erf(X / math.sqrt(2))),
             0.5 * (1 + _erf(X / math.sqrt(2))) + X * np.exp(-X**2 / 2) / math.sqrt(2 * math.pi)),
    "silu": (X * _sig, _sig * (1 + X * (1 - _sig))),
    "sigmoid": (_sig, _sig * (1 - _sig)),
    "tanh": (np.tanh(X), 1 - np.tanh(X) ** 2),
    "softplus": (np.log1p(np.exp(X)), _sig),
    "identity": (X, np.ones_like(X)),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_curve_and_autograd_slope_match_the_formulas(name):
    f, df = curve(name, torch.tensor(X))
    want_f, want_df = FORMULAS[name]
    np.testing.assert_allclose(f.numpy(), want_f, rtol=1e-12, atol=1e-12)
    keep = np.abs(X) > 1e-9  # ReLU's slope at exactly 0 is a convention (torch: 0)
    np.testing.assert_allclose(df.numpy()[keep], want_df[keep], rtol=1e-10, atol=1e-12)


def test_every_activation_is_in_the_formulas():
    assert set(FORMULAS) == set(ACTIVATIONS)


def test_sigmoid_slope_is_at_most_a_quarter_and_relu_dies_left_of_zero():
    _, ds = curve("sigmoid", torch.tensor(X))
    assert float(ds.max()) == pytest.approx(0.25, abs=1e-15) and float(ds[100]) == 0.25  # at x = 0
    xs = torch.tensor(X)
    _, dr = curve("relu", xs)
    assert vanishing_spans(xs, dr) == [(-5.0, 0.0)]  # f' = 0 for x < 0 (and torch's 0 at x = 0)
    _, dt = curve("tanh", xs)
    spans = vanishing_spans(xs, dt)  # tanh' = 1 - tanh^2 < 0.01 where |x| > atanh(sqrt(0.99)) ~ 2.99
    edge = math.atanh(math.sqrt(0.99))
    assert len(spans) == 2 and spans[0][0] == -5.0 and spans[1][1] == 5.0
    assert spans[0][1] == pytest.approx(-edge, abs=0.05) and spans[1][0] == pytest.approx(edge, abs=0.05)
    _, di = curve("identity", xs)
    assert vanishing_spans(xs, di) == []


def test_vanishing_spans_on_hand_made_slopes():
    xs = torch.arange(6, dtype=torch.float64)
    assert vanishing_spans(xs, torch.tensor([0, 1, 1, 0, 0, 1.0]), min_width=0) == [(0.0, 0.0), (3.0, 4.0)]
    assert vanishing_spans(xs, torch.tensor([0, 1, 1, 0, 0, 1.0])) == [(3.0, 4.0)]  # a single point is no stretch
    assert vanishing_spans(xs, torch.tensor([1, 1, 0, 0, 0, 0.0])) == [(2.0, 5.0)]
    for name in ("gelu", "silu"):  # their slope crosses 0 at the minimum: no band there
        fine = torch.linspace(-5, 5, 401, dtype=torch.float64)
        spans = vanishing_spans(fine, curve(name, fine)[1])
        assert all(a < -3 for a, _ in spans), (name, spans)


def _identity_net(seed: int = 0) -> tuple:
    data = make_data(DataSpec("blobs", 90, 0.2, 0.5, seed))
    model = ModelSpec("mlp", layers=3, activations=("identity",) * 3, widths=(5, 3, 4))
    return data, fit(data, model, TrainSpec("adam", 0.03, 40, 10), seed=seed)


def test_collapse_is_the_numpy_product_of_the_trained_layers():
    data, tr = _identity_net()
    assert is_linear_stack(tr.model)
    w, b = collapse(tr.model)
    layers = [m for m in tr.model if isinstance(m, torch.nn.Linear)]
    ws = [m.weight.detach().numpy() for m in layers]
    bs = [m.bias.detach().numpy() for m in layers]
    want_w = ws[3] @ ws[2] @ ws[1] @ ws[0]
    want_b = ws[3] @ (ws[2] @ (ws[1] @ bs[0] + bs[1]) + bs[2]) + bs[3]
    np.testing.assert_allclose(w.numpy(), want_w, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b.numpy(), want_b, rtol=1e-12, atol=1e-14)
    x = torch.cat([data.x_train, data.x_test])
    with torch.no_grad():
        deep = tr.model(x)
    np.testing.assert_allclose((x.numpy() @ want_w.T + want_b), deep.numpy(), rtol=1e-10, atol=1e-12)
    assert torch.equal((x @ w.T + b).argmax(1), deep.argmax(1))  # the same predictions


def test_collapse_refuses_a_nonlinear_network():
    torch.manual_seed(0)
    net = build_model(ModelSpec("mlp", layers=2, activations=("identity", "relu")), 2, 2)
    assert not is_linear_stack(net)
    with pytest.raises(ValueError, match="Identity"):
        collapse(net)


def test_xor_linear_model_fails_where_a_small_mlp_succeeds():
    data = make_data(DataSpec("xor", 200, 0.0, 0.5, 0))
    train = TrainSpec("adam", 0.03, 300, 10)
    linear = fit(data, ModelSpec("mlp", layers=0), train, seed=0)
    mlp = fit(data, ModelSpec("mlp", layers=2, activations=("tanh", "tanh"), widths=(8, 8)), train, seed=0)
    assert max(linear.final_accuracy()) <= 0.75
    assert mlp.final_accuracy()[0] == 1.0 and mlp.final_accuracy()[1] >= 0.95  # test points lie near the axes too
    deep_linear = fit(data, ModelSpec("mlp", layers=2, activations=("identity",) * 2, widths=(8, 8)), train, seed=0)
    assert max(deep_linear.final_accuracy()) <= 0.75  # depth without nonlinearity does not help


def test_squared_features_let_the_linear_model_separate_circles():
    data = make_data(DataSpec("circles", 200, 0.1, 0.5, 0))
    train = TrainSpec("adam", 0.03, 300, 10)
    plain = fit(data, ModelSpec("mlp", layers=0), train, seed=0)
    squared = fit(data, ModelSpec("poly", degree=2), train, seed=0)
    assert plain.final_accuracy()[1] < 0.7 and squared.final_accuracy()[1] >= 0.95


def test_layer_outputs_are_each_layers_numpy_result():
    torch.manual_seed(3)
    net = build_model(ModelSpec("mlp", layers=2, activations=("relu", "tanh"), widths=(6, 3), dropout=0.5), 2, 2)
    x = torch.randn(20, 2, dtype=torch.float64)
    stages = layer_outputs(net, x)
    assert [(k, n, h.shape[1]) for k, n, h in stages] == [
        ("linear", 1, 6), ("act", 1, 6), ("linear", 2, 3), ("act", 2, 3), ("linear", 3, 2)]  # fmt: skip
    w = [m.weight.detach().numpy() for m in net if isinstance(m, torch.nn.Linear)]
    b = [m.bias.detach().numpy() for m in net if isinstance(m, torch.nn.Linear)]
    h1 = x.numpy() @ w[0].T + b[0]
    np.testing.assert_allclose(stages[0][2].numpy(), h1, rtol=1e-12)
    np.testing.assert_allclose(stages[1][2].numpy(), np.maximum(h1, 0), rtol=1e-12)  # eval: no dropout
    h2 = np.tanh(np.maximum(h1, 0) @ w[1].T + b[1])
    np.testing.assert_allclose(stages[3][2].numpy(), h2, rtol=1e-12)
    np.testing.assert_allclose(stages[4][2].numpy(), h2 @ w[2].T + b[2], rtol=1e-12)


def test_plane_view_keeps_the_geometry_of_an_affine_image():
    """A Linear layer of width 8 maps the plane onto a flat 2-D slice of 8-D space: its two main directions hold
    it entirely, so distances between points are kept exactly."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(50, 2, generator=g, dtype=torch.float64)
    a = torch.randn(8, 2, generator=g, dtype=torch.float64)
    h = x @ a.T + 1.5
    xy, mean, v = plane_view(h)

    def dist(p):
        p = p.numpy()
        return np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(-1))

    np.testing.assert_allclose(dist(xy), dist(h), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose((v.T @ v).numpy(), np.eye(2), atol=1e-12)
    assert (v.abs().argmax(0) == v.argmax(0)).all()  # signs fixed: the largest entry of each direction positive
    again, _, _ = plane_view(h[:10], (mean, v))  # a reused projection: the same coordinates
    np.testing.assert_allclose(again.numpy(), xy[:10].numpy())
    flat, _, _ = plane_view(h[:, :2])
    assert torch.equal(flat, h[:, :2])
    one, _, _ = plane_view(h[:, :1])
    assert torch.equal(one[:, 0], h[:, 0]) and (one[:, 1] == 0).all()


def test_grid_lines_are_straight_and_span_the_box():
    lines = grid_lines((-2.0, 2.0), (-1.0, 3.0), lines=5, points=7)
    assert lines.shape == (10, 7, 2)
    assert (lines[:5, :, 0] == lines[:5, :1, 0]).all() and (lines[5:, :, 1] == lines[5:, :1, 1]).all()
    assert lines[:, :, 0].min() == -2 and lines[:, :, 0].max() == 2
    assert lines[:, :, 1].min() == -1 and lines[:, :, 1].max() == 3


def test_per_layer_widths_and_activations_build_that_network():
    net = build_model(ModelSpec("mlp", layers=3, widths=(4, 2, 7), activations=("gelu", "elu", "identity")), 2, 3)
    shapes = [tuple(m.weight.shape) for m in net if isinstance(m, torch.nn.Linear)]
    assert shapes == [(4, 2), (2, 4), (7, 2), (3, 7)]
    kinds = [type(m).__name__ for m in net if not isinstance(m, torch.nn.Linear | torch.nn.Dropout)]
    assert kinds == ["GELU", "ELU", "Identity"]
