"""The Loss functions page in AppTest: each tab's numbers against NumPy, extremes (±50 logits, 5 classes, a far
outlier), bad links, 中文 and the projector."""

from __future__ import annotations

import math

import numpy as np
import pytest

from components.compute.losses import points
from tests.app.conftest import figure, metric, ok, open_page, texts


def test_regression_defaults_and_the_numpy_losses():
    at = open_page("losses")
    ok(at)
    x, y = points(0.0)
    e = 0.5 * x.numpy() + 1.0 - y.numpy()
    assert float(metric(at, "MSE")) == pytest.approx(np.mean(e**2), rel=1e-3)
    assert float(metric(at, "MAE")) == pytest.approx(np.mean(np.abs(e)), rel=1e-3)
    fig = figure(at, "loss_fit")
    assert (
        len(fig["data"]) == 1 + 3 + 3 + 9
    )  # residuals, 3 best lines, line, points, outlier; 3 x (curve, tangent, dot)
    assert any(s.startswith("| Term |") and "F.huber\\_loss" in s for s in texts(at))  # escaped for Markdown


def test_outlier_moves_mse_much_more_than_mae():
    base = open_page("losses", loss_w="0.8")
    far = open_page("losses", loss_w="0.8", loss_outlier="20")
    ok(far)
    assert float(metric(far, "MSE")) / float(metric(base, "MSE")) > 50
    assert float(metric(far, "MAE")) / float(metric(base, "MAE")) < 10
    assert any("what it is without it" in s for s in texts(far))


@pytest.mark.parametrize("z", ["50", "-50"])
def test_extreme_logits_give_finite_numbers(z):
    at = open_page("losses", loss_view="classification", loss_classes="5", loss_z1=z, loss_z2="-50", loss_true="4",
                   loss_temp="0.1")  # fmt: skip
    ok(at)
    out = at.session_state["loss_softmax"]
    assert math.isfinite(out.loss) and all(math.isfinite(v) for v in out.grad.tolist())
    assert len(out.probs) == 5


def test_classification_numbers_and_the_batch():
    at = open_page("losses", loss_view="classification", loss_reduction="sum", loss_seed="5")
    ok(at)
    z = np.array([2.0, 1.0, 0.1])
    p = np.exp(z) / np.exp(z).sum()
    assert float(metric(at, "`F.cross_entropy`")) == pytest.approx(-np.log(p[0]), rel=1e-3)
    assert float(metric(at, "p of class 0")) == pytest.approx(p[0], rel=1e-3)
    bt = at.session_state["loss_batch"]
    assert any(f"= **{bt.total:.4g}**" in s for s in texts(at))
    assert len(figure(at, "loss_softmax")["data"]) == 3


def test_mistakes_tab():
    at = open_page("losses", loss_view="mistakes", loss_z1="5")
    ok(at)
    both = at.session_state["loss_double"]
    assert both["wrong"][0] > both["right"][0] and both["wrong"][1].norm() < both["right"][1].norm()
    message, wrong, right = at.session_state["loss_broadcast"]
    assert "broadcasting" in message and wrong > right
    assert any("UserWarning" in c.value for c in at.code)


def test_bad_links_fall_back():
    at = open_page("losses", loss_view="classification", loss_classes="9", loss_z1="1e9", loss_temp="3",
                   loss_true="7", loss_reduction="median")  # fmt: skip
    ok(at)
    assert at.session_state["loss_reduction"] == "mean" and at.session_state["loss_true"] == 0
    ok(open_page("losses", loss_w="nan", loss_outlier="-5", loss_delta="0"))
    ok(open_page("losses", loss_view="mistakes", loss_classes="abc", loss_true="-1"))


def test_chinese_and_projector():
    for view in ("regression", "classification", "mistakes"):
        at = open_page("losses", loss_view=view, lang="zh", projector="1")
        ok(at)
    assert any("常见错误" in s or "广播" in s for s in texts(at))
