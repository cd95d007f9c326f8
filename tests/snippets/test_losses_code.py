"""The Loss functions page's "PyTorch code" runs as-is and reproduces every tab's numbers."""

from __future__ import annotations

import contextlib
import io

import pytest

from tests.app.conftest import open_page
from tests.snippets.test_convolution_code import ROOT, run_code

SETTINGS = [
    {"loss_view": "regression"},
    {"loss_view": "regression", "loss_w": "2", "loss_b": "-1", "loss_outlier": "12", "loss_delta": "0.5"},
    {"loss_view": "classification", "loss_classes": "5", "loss_z1": "-50", "loss_z4": "50", "loss_true": "3",
     "loss_temp": "0.25", "loss_seed": "9", "loss_reduction": "none"},
    {"loss_view": "mistakes", "loss_classes": "2", "loss_z2": "3", "loss_true": "1", "loss_w": "1.5"},
]  # fmt: skip


@pytest.mark.parametrize("settings", SETTINGS, ids=[s["loss_view"] + str(i) for i, s in enumerate(SETTINGS)])
def test_code_panel_reproduces_the_page(settings):
    at = open_page("losses", **settings)
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if "F.cross_entropy" in c.value]
    with contextlib.redirect_stdout(io.StringIO()):
        ns = run_code(code, ROOT)
    view = settings["loss_view"]
    if view == "regression":
        score = at.session_state["loss_regression"]
        for name in ("mse", "mae", "huber"):
            assert ns[name].item() == pytest.approx(score.values[name], rel=1e-14)
            assert ns["grads"][name] == pytest.approx(list(score.grads[name]), rel=1e-14)
    elif view == "classification":
        out = at.session_state["loss_softmax"]
        assert ns["loss"].item() == pytest.approx(out.loss, rel=1e-14)
        assert ns["probs"].tolist() == pytest.approx(out.probs.tolist(), rel=1e-14)
        assert ns["z"].grad.tolist() == pytest.approx(out.grad.tolist(), rel=1e-14, abs=1e-300)
        bt = at.session_state["loss_batch"]
        assert ns["per_sample"].tolist() == pytest.approx(bt.losses.tolist(), rel=1e-14)
        assert ns["by_hand"].item() == pytest.approx(bt.by_hand, rel=1e-14)
        assert ns["batch_loss"].tolist() == pytest.approx(bt.losses.tolist(), rel=1e-14)  # reduction "none"
    else:
        both = at.session_state["loss_double"]
        assert ns["right"] == pytest.approx(both["right"][0], rel=1e-14)
        assert ns["wrong"] == pytest.approx(both["wrong"][0], rel=1e-14)
        _, wrong, right = at.session_state["loss_broadcast"]
        assert ns["wrong_mse"] == pytest.approx(wrong, rel=1e-14) and ns["right_mse"] == pytest.approx(right, rel=1e-14)
