"""The Overfitting page's "PyTorch code" runs as-is and reproduces the page's curves and final losses."""

from __future__ import annotations

import contextlib
import io

import pytest

from tests.app.conftest import open_page
from tests.snippets.test_convolution_code import ROOT, run_code

SETTINGS = [
    {},
    {"fit_degree": "12", "fit_epochs": "400", "fit_lr": "0.03", "fit_early_stop": "true"},
    {"fit_dataset": "cubic", "fit_optimizer": "sgd", "fit_lr": "0.01", "fit_weight_decay": "0.001",
     "fit_epochs": "200"},
    {"fit_dataset": "moons", "fit_model": "mlp", "fit_layers": "2", "fit_width": "16", "fit_dropout": "0.2",
     "fit_batch": "8", "fit_epochs": "60", "fit_n": "80"},
    {"fit_dataset": "blobs", "fit_degree": "3", "fit_epochs": "100", "fit_seed": "7", "fit_train_frac": "30"},
    {"fit_dataset": "cubic", "fit_noise": "0.3", "fit_epochs": "30"},  # noise 0.3 * (1 / 3): 0.09999999999999999
    {"fit_dataset": "xor", "fit_model": "mlp", "fit_layers": "0", "fit_epochs": "50"},
]  # fmt: skip


@pytest.mark.parametrize("settings", SETTINGS, ids=[str(i) for i in range(len(SETTINGS))])
def test_code_panel_reproduces_the_curves(settings):
    at = open_page("overfitting", **settings)
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if "opt.step()" in c.value]
    page = at.session_state["fit_result"]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        ns = run_code(code, ROOT)
    assert ns["train_losses"] == pytest.approx(page.train_losses, rel=1e-7, abs=1e-12)
    assert ns["test_losses"] == pytest.approx(page.test_losses, rel=1e-7, abs=1e-12)
    assert ns["final"] == pytest.approx(page.final(), rel=1e-7)
    a, b = page.final()
    assert f"final train loss {a:.3g}, test loss {b:.3g}" in out.getvalue()  # short numbers, not 17 digits
    assert "99999" not in code and "00000000" not in code  # no long floats in the code either
    if page.final_accuracy() is None:
        assert "accuracy" not in ns
    else:  # classification: the printed accuracy is the page's, counted again by the code
        assert ns["accuracy"] == pytest.approx(page.final_accuracy(), abs=1e-12)
        assert f"accuracy: train {100 * ns['accuracy'][0]:.1f}%" in out.getvalue()
