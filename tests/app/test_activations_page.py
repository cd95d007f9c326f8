"""The Activations page in AppTest: the curves, the network beside the linear model, the collapse, extremes,
bad links, 中文 and the projector."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from components.compute.datasets import DataSpec, make_data
from components.compute.fit_models import ACTIVATIONS
from tests.app.conftest import figure, metric, ok, open_page, texts

NET = {"act_view": "network"}


def _table(at) -> list[list[str]]:
    (table,) = [m.value for m in at.markdown if m.value.startswith("| Model |")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in table.splitlines()[2:]]


def test_defaults_show_tanh_and_its_autograd_slope():
    at = open_page("activations")
    ok(at)
    assert float(metric(at, "f(1)")) == pytest.approx(math.tanh(1), abs=1e-4)
    assert float(metric(at, "f′(1)")) == pytest.approx(1 - math.tanh(1) ** 2, abs=1e-4)
    assert float(metric(at, "Largest f′ on [−5, 5]")) == pytest.approx(1.0)
    fig = figure(at, "act_curves")
    np.testing.assert_allclose(fig["data"][0]["y"], np.tanh(np.linspace(-5, 5, 401)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fig["data"][3]["y"], 1 - np.tanh(np.linspace(-5, 5, 401)) ** 2, rtol=1e-5, atol=1e-6)
    assert len(fig["layout"]["shapes"]) == 2  # tanh' vanishes on both sides


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_draws(name):
    at = open_page("activations", act_curve=name, act_x="-2")
    ok(at)
    assert at.session_state["act_curve_result"]["name"] == name


def test_sigmoid_slope_peaks_at_a_quarter_and_relu_is_dead_on_the_left():
    at = open_page("activations", act_curve="sigmoid", act_x="0")
    assert metric(at, "f′(0)") == "0.25" and metric(at, "Largest f′ on [−5, 5]") == "0.25"
    at = open_page("activations", act_curve="relu", act_x="-2")
    assert float(metric(at, "f′(-2)")) == 0
    assert any("|f′| < 0.01 on \\[-5, 0\\]" in s for s in texts(at))  # the brackets escaped for Markdown


def test_network_beats_the_linear_model_on_xor():
    at = open_page("activations", **NET)
    ok(at)
    tr = at.session_state["act_result"]
    assert tr.done and tr.epoch == 300
    rows = _table(at)
    net_acc, lin_acc = tr.final_accuracy(), None
    assert rows[0][1:3] == [f"{100 * net_acc[0]:.1f}%", f"{100 * net_acc[1]:.1f}%"]
    assert net_acc[1] >= 0.9
    lin_acc = float(rows[1][2].rstrip("%")) / 100
    assert lin_acc <= 0.75
    for key in ("act_regions", "act_linear"):  # each model's regions
        assert len(figure(at, key)["layout"]["images"]) == 1
    assert "not one linear layer" in " ".join(texts(at))  # tanh: no collapse
    layers = figure(at, "act_layers_fig")
    assert len(layers["layout"]["annotations"]) == 1 + 5  # input, Linear 1, act 1, Linear 2, act 2, Linear 3


def test_identity_stack_collapses_into_one_layer():
    at = open_page("activations", **NET, act_act1="identity", act_act2="identity")
    ok(at)
    result = at.session_state["act_collapse"]
    tr = at.session_state["act_result"]
    ws = [m.weight.detach().numpy() for m in tr.model if isinstance(m, torch.nn.Linear)]
    bs = [m.bias.detach().numpy() for m in tr.model if isinstance(m, torch.nn.Linear)]
    np.testing.assert_allclose(result["w"].numpy(), ws[2] @ ws[1] @ ws[0], rtol=1e-10)
    np.testing.assert_allclose(result["b"].numpy(), ws[2] @ (ws[1] @ bs[0] + bs[1]) + bs[2], rtol=1e-10, atol=1e-12)
    assert result["max_diff"] < 1e-9
    assert max(tr.final_accuracy()) <= 0.75  # deep but linear: no better than a line on XOR
    assert any(s.startswith("| Layer |") and "W = W3W2W1" in s for s in texts(at))
    assert len(figure(at, "act_collapsed")["layout"]["images"]) == 2
    notes = [n["text"] for n in figure(at, "act_layers_fig")["layout"]["annotations"]]
    assert "logits" in notes[-1] and not any("logits" in n for n in notes[:-1])  # Identity layers add no stage


def test_squared_features_let_the_linear_model_solve_circles():
    at = open_page("activations", **NET, act_dataset="circles", act_features="true")
    ok(at)
    assert float(_table(at)[1][2].rstrip("%")) >= 95
    assert any("Linear in what?" in s for s in texts(at))


@pytest.mark.parametrize(
    "query",
    [
        {"act_layers": "4", **{f"act_width{i}": "32" for i in range(1, 5)}, "act_epochs": "20"},  # deepest, widest
        {"act_layers": "0", "act_epochs": "20"},  # the network is itself linear
        {"act_dataset": "blobs", "act_n": "500", "act_noise": "1", "act_epochs": "20", "act_batch": "1"},
        {"act_dataset": "spirals", "act_optimizer": "sgd", "act_lr": "1", "act_epochs": "50",
         "act_act1": "relu", "act_act2": "sigmoid"},
        {"act_layers": "3", "act_width3": "1", "act_act3": "identity", "act_epochs": "20"},  # a 1-wide layer
    ],
)  # fmt: skip
def test_extremes_keep_the_page_working(query):
    at = open_page("activations", **NET, **query)
    ok(at)
    tr = at.session_state["act_result"]
    assert tr.done and all(math.isfinite(v) for v in tr.train_losses)


def test_bad_links_fall_back_to_defaults():
    at = open_page("activations", act_curve="mish", act_x="99", act_layers="17", act_view="nowhere",
                   act_width1="1000", act_lr="banana")  # fmt: skip
    ok(at)
    assert at.session_state["act_curve"] == "tanh"
    at = open_page("activations", **NET, act_act1="mish", act_width1="7", act_dataset="cubic")
    ok(at)
    assert at.session_state["act_act1"] == "tanh" and at.session_state["act_width1"] == 8
    assert at.session_state["act_dataset"] == "xor"


def test_reset_puts_the_defaults_back():
    at = open_page("activations", **NET, act_act1="relu", act_epochs="40")
    at.button(key="act_reset").click().run()
    ok(at)
    assert at.session_state["act_act1"] == "tanh" and at.session_state["act_epochs"] == 300


def test_chinese_and_projector():
    at = open_page("activations", lang="zh", projector="1")
    ok(at)
    assert any("激活函数" in s for s in texts(at))
    at = open_page("activations", **NET, lang="zh", act_act1="identity", act_act2="identity")
    ok(at)
    assert any("乘成了一层" in s for s in texts(at))


def test_the_data_is_the_overfitting_pages():
    """Reuse, not a copy: the same DataSpec gives the same points as the Overfitting page's data set."""
    at = open_page("activations", **NET, act_epochs="10")
    tr = at.session_state["act_result"]
    want = make_data(DataSpec("xor", 200, 0.2, 0.5, 0))
    assert torch.equal(tr.data.x_train, want.x_train)
