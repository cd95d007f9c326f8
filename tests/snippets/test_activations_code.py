"""The Activations page's "PyTorch code" runs as-is and reproduces the page's numbers: the curve's value and
slope, the network's and the linear model's accuracies and losses, and an Identity stack's collapse."""

from __future__ import annotations

import contextlib
import io

import pytest
import torch

from components.compute.activations import curve
from tests.app.conftest import open_page
from tests.snippets.test_convolution_code import ROOT, run_code

SETTINGS = [
    {},
    {"act_act1": "identity", "act_act2": "identity", "act_epochs": "60"},
    {"act_dataset": "circles", "act_features": "true", "act_optimizer": "sgd", "act_lr": "0.3", "act_epochs": "80",
     "act_curve": "gelu", "act_x": "-0.7"},
    {"act_dataset": "spirals", "act_layers": "3", "act_width1": "16", "act_width2": "3", "act_act2": "relu",
     "act_act3": "softplus", "act_batch": "0", "act_epochs": "50", "act_seed": "4"},
]  # fmt: skip


@pytest.mark.parametrize("settings", SETTINGS, ids=[str(i) for i in range(len(SETTINGS))])
def test_code_panel_reproduces_the_page(settings):
    at = open_page("activations", act_view="network", **settings)
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if "opt.step()" in c.value]
    page = at.session_state["act_result"]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        ns = run_code(code, ROOT)
    assert ns["net_accuracy"] == list(page.final_accuracy())
    assert ns["train_losses"] != page.train_losses  # the last loop run is the linear model's
    assert ns["net"] is not ns["model"]
    rows = next(m.value for m in at.markdown if m.value.startswith("| Model |")).splitlines()
    assert f"{100 * ns['linear_accuracy'][0]:.1f}%" in rows[3] and f"{100 * ns['linear_accuracy'][1]:.1f}%" in rows[3]
    assert f"{100 * ns['net_accuracy'][1]:.1f}%" in rows[2]
    for a, b in zip(ns["net"].parameters(), page.model.parameters(), strict=True):
        assert torch.equal(a.detach(), b.detach())  # the scripted epochs are the plain loop, bit for bit
    if "act_act1" in settings:
        collapse = at.session_state["act_collapse"]
        assert torch.allclose(ns["W"], collapse["w"], rtol=1e-12) and torch.allclose(ns["b"], collapse["b"])
        assert ns["max_diff"] < 1e-9
    else:
        assert "max_diff" not in ns
    name, x0 = settings.get("act_curve", "tanh"), float(settings.get("act_x", 1.0))
    assert ns["x0"].item() == x0
    f, df = curve(name, torch.tensor([x0], dtype=torch.float64))  # what the curves tab shows
    assert ns["f0"].item() == f.item() and ns["x0"].grad.item() == df.item()
    assert f"f({x0:g}) = {f.item():.4g}" in out.getvalue()
