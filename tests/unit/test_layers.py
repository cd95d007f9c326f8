"""The Layers page's compute against formulas and NumPy: the strict layer grammar (and what it refuses), shapes
and parameter counts, the star and ModuleList, dropout's mask and scaling, BatchNorm's statistics, eval is not
no_grad."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from components.compute import layers as Y


def test_presets_parse_and_round_trip_through_their_code():
    for name, text in Y.PRESETS.items():
        specs = Y.parse_layers(text)
        again = Y.parse_layers("\n".join(s.code() for s in specs))
        assert again == specs, name


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Linear(8)", "missing"),
        ("Linear(8, 16, 3)", "too_many"),
        ("Foo()", "unknown"),
        ("Dropout(1)", "bad_p"),
        ("BatchNorm1d(4, momentum=0)", "bad_momentum"),
        ("ReLU(inplace=True)", "no_arguments"),
        ("Flatten(1)", "no_arguments"),
        ("Linear(8, x)", "not_number"),
        ("Linear(8, 2.5)", "bad_int"),
        ("Linear(0, 2)", "bad_int"),
        ("Linear(8, 99999)", "bad_int"),
        ("Linear(8, 16, bias=1)", "not_bool"),
        ("Conv2d(1, 8, 3, dilation=2)", "bad_argument"),
        ("Linear(8, in_features=3)", "twice"),
        ("Linear(in_features=8, 3)", "syntax"),
        ('__import__("os").system("ls")', "syntax"),
        ("Linear(8, 16); import os", "syntax"),
        ("Linear(8,, 16)", "syntax"),
        ("", "empty"),
        ("# only a comment", "empty"),
        ("ReLU()\n" * 13, "too_long"),
    ],
)
def test_refused_lists_say_why(text, reason):
    with pytest.raises(Y.LayerError) as err:
        Y.parse_layers(text)
    assert err.value.reason == reason


def test_comments_keywords_and_nn_prefix():
    specs = Y.parse_layers("nn.Conv2d(3, 4, 5, stride=2, padding=1)  # a comment\n\nReLU(),\nLinear(8, 2, bias=False)")
    assert [s.code() for s in specs] == ["nn.Conv2d(3, 4, 5, stride=2, padding=1)", "nn.ReLU()",
                                         "nn.Linear(8, 2, bias=False)"]  # fmt: skip


@pytest.mark.parametrize(("text", "want"), [("8", (8,)), ("1, 28, 28", (1, 28, 28)), ("3×32×32", (3, 32, 32))])
def test_shapes(text, want):
    assert Y.parse_shape(text) == want


@pytest.mark.parametrize("text", ["", "0", "1, 2, 3, 4", "a, b", "-3", "5000"])
def test_bad_shapes(text):
    with pytest.raises(Y.LayerError):
        Y.parse_shape(text)


def _out(h: int, k: int, s: int = 1, p: int = 0) -> int:
    return (h + 2 * p - k) // s + 1


def test_trace_shapes_and_counts_match_the_formulas():
    specs = Y.parse_layers("Conv2d(3, 6, 5, stride=2, padding=1)\nBatchNorm2d(6)\nReLU()\nMaxPool2d(2)\nFlatten()\n"
                           "Linear(54, 7)\nLinear(7, 3, bias=False)")  # fmt: skip
    model = Y.build(specs)
    tr = Y.trace(model, specs, torch.randn(5, 3, 15, 15))
    assert tr.failed_at is None
    h = _out(15, 5, 2, 1)  # 7
    assert [s.shape for s in tr.stages] == [(5, 6, h, h), (5, 6, h, h), (5, 6, h, h), (5, 6, h // 2, h // 2),
                                            (5, 6 * (h // 2) ** 2), (5, 7), (5, 3)]  # fmt: skip
    assert [s.params for s in tr.stages] == [6 * 3 * 25 + 6, 12, 0, 0, 0, 54 * 7 + 7, 7 * 3]
    assert [s.params for s in tr.stages] == [s.counted for s in tr.stages]  # PyTorch counts the same
    assert [s.buffers for s in tr.stages][1] == 2 * 6 + 1  # running mean, var and num_batches_tracked
    assert tr.total == tr.counted == sum(p.numel() for p in model.parameters())


def test_shape_mismatch_reports_the_layer_and_pytorchs_message():
    specs = Y.parse_layers(Y.PRESETS["broken"])
    tr = Y.trace(Y.build(specs), specs, torch.randn(4, 1, 14, 14))
    assert tr.failed_at == 3 and len(tr.stages) == 3 and tr.incoming == (4, 1152)
    assert "mat1 and mat2 shapes cannot be multiplied (4x1152 and 392x10)" in tr.error


def test_too_big_is_refused_before_building():
    with pytest.raises(Y.LayerError) as err:
        Y.build(Y.parse_layers("Linear(4096, 4096)"))
    assert err.value.reason == "too_big"


def test_the_star_and_module_list():
    specs = Y.parse_layers(Y.PRESETS["mlp"])
    assert Y.star_error(specs) == "list is not a Module subclass"
    with pytest.raises(TypeError, match="list is not a Module subclass"):
        nn.Sequential([nn.ReLU()])
    assert Y.registered(specs) == (0, 8 * 16 + 16 + 16 * 4 + 4)


def test_dropout_mask_statistics_and_scaling():
    specs = Y.parse_layers("Dropout(0.3)")
    x = torch.rand(400, 50) + 0.5  # no zeros before the mask
    md = Y.modes(specs, x, seed=2)
    p, before, train, evaluated = md.dropout
    assert p == 0.3 and torch.equal(evaluated, before)
    kept = train != 0
    assert abs(1 - kept.double().mean().item() - 0.3) < 0.02  # ~30 % zeroed of 20,000 values
    np.testing.assert_allclose(train[kept].numpy(), before[kept].numpy() / 0.7, rtol=1e-6)
    assert md.train_diff > 0 and md.eval_diff == 0 and md.mode_diff > 0


def test_batchnorm_train_output_and_running_stats_against_numpy():
    specs = Y.parse_layers("BatchNorm1d(3, momentum=0.2)")
    g = torch.Generator().manual_seed(0)
    x = torch.randn(16, 3, generator=g) * 2 + 5
    md = Y.modes(specs, x)
    bn = md.batchnorm
    xn = x.numpy().astype(np.float64)
    np.testing.assert_allclose(bn["mean"].numpy(), xn.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn["var"].numpy(), xn.var(0, ddof=1), rtol=1e-5)
    assert bn["before"][0].tolist() == [0, 0, 0] and bn["before"][1].tolist() == [1, 1, 1]
    np.testing.assert_allclose(bn["after"][0].numpy(), 0.2 * xn.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn["after"][1].numpy(), 0.8 + 0.2 * xn.var(0, ddof=1), rtol=1e-5)
    np.testing.assert_allclose(bn["train_mean"].numpy(), 0, atol=1e-6)  # normalised with the batch's own stats
    # eval: normalised with the running stats after one pass
    rm, rv = 0.2 * xn.mean(0), 0.8 + 0.2 * xn.var(0, ddof=1)
    np.testing.assert_allclose(bn["eval_mean"].numpy(), ((xn - rm) / np.sqrt(rv + 1e-5)).mean(0), rtol=1e-4)
    assert md.train_diff == 0 and md.mode_diff > 0


def test_no_dropout_no_batchnorm_modes_are_identical():
    for text in ("Linear(8, 4)", "Linear(8, 16)\nReLU()\nLinear(16, 2)"):
        md = Y.modes(Y.parse_layers(text), torch.randn(6, 8))
        assert md.mode_diff == 0 and md.train_diff == 0 and not md.has_dropout and not md.has_batchnorm


def test_eval_is_not_no_grad():
    specs = Y.parse_layers("Linear(8, 4)")
    x = torch.randn(6, 8)
    md = Y.modes(specs, x)
    assert md.eval_requires and not md.no_grad_requires
    w = Y.build(specs).eval()[0].weight.detach().numpy()
    # d sum(W x + b) / dW = sum over the batch of x, the same for each output row
    np.testing.assert_allclose(md.eval_grad, np.linalg.norm(np.tile(x.numpy().sum(0), (4, 1))), rtol=1e-5)
    assert w.shape == (4, 8)


def test_batchnorm_with_one_value_per_channel_is_refused_in_train_mode():
    with pytest.raises(Y.LayerError) as err:
        Y.modes(Y.parse_layers("Linear(8, 4)\nBatchNorm1d(4)"), torch.randn(1, 8))
    assert err.value.reason == "train_refused" and "more than 1 value per channel" in err.value.details["error"]


def test_huge_inputs_and_outputs_are_refused_before_anything_is_allocated():
    with pytest.raises(Y.LayerError) as err:
        Y.batch_input((1, 4096, 4096), 4, 0)  # 67 million values
    assert err.value.reason == "too_big_input" and err.value.details["n"] == 4 * 4096 * 4096
    assert Y.batch_input((8,), 4, 0).shape == (4, 8)
    specs = Y.parse_layers("Linear(8, 4096)\nReLU()")
    x = Y.batch_input((8,), 1000, 0)  # 1000 x 4096 values after the first layer: over the limit
    with pytest.raises(Y.LayerError) as err:
        Y.trace(Y.build(specs), specs, x)
    assert err.value.reason == "too_big_output" and err.value.details == {"k": 0, "n": 4_096_000, "max": 2_000_000}


@pytest.mark.parametrize(
    ("text", "shape"),
    [("Linear(8, 16)", (5, 8)), ("Conv2d(3, 7, 3, padding=2)", (2, 3, 9, 11)),
     ("Conv2d(3, 7, 5, stride=2)", (2, 3, 9, 9)), ("MaxPool2d(2)", (2, 3, 9, 9)), ("Flatten()", (2, 3, 4, 4)),
     ("BatchNorm2d(3)", (2, 3, 5, 5))],
)  # fmt: skip
def test_output_bound_is_never_below_the_real_output(text, shape):
    spec = Y.parse_layers(text)[0]
    out = spec.build().eval()(torch.randn(*shape))
    assert Y.output_bound(spec, shape) >= out.numel()
