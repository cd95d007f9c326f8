"""The Linear maps page's "PyTorch code" runs as-is and reproduces the page's numbers: the layer, the vector's
turn and stretch, the batch, det / eigen- / singular values; AB and BA; the fold's regions."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
import torch

from tests.app.conftest import metric, ok, open_page
from tests.snippets.test_convolution_code import ROOT, run_code


def _run(at) -> dict:
    ok(at)
    (code,) = [c.value for c in at.code if c.value.startswith("import math")]
    with contextlib.redirect_stdout(io.StringIO()):
        return run_code(code, ROOT)


@pytest.mark.parametrize(
    "query",
    [{}, {"lin_preset": "rotation", "lin_angle": "45", "lin_b0": "1.5", "lin_b1": "-0.3"},
     {"lin_preset": "projection", "lin_x0": "0", "lin_x1": "1.5"}, {"lin_preset": "reflection", "lin_angle": "-60"},
     {"lin_w00": "-2.35", "lin_w01": "0.4", "lin_w10": "3", "lin_w11": "-1.1", "lin_x0": "-1.3", "lin_x1": "0.2"}],
)  # fmt: skip
def test_map_code_reproduces_the_page(query):
    at = open_page("linear_maps", **query)
    ns = _run(at)
    out = at.session_state["lin_out"]
    a, change = out["analysis"], out["change"]
    assert torch.equal(ns["y"], out["y"]) and torch.equal(ns["Y"], out["batch"])
    assert ns["det"].item() == pytest.approx(a.det, abs=1e-12)
    assert torch.allclose(ns["singular"], torch.tensor(a.singular, dtype=torch.float64))
    assert np.allclose(np.sort_complex(ns["eigenvalues"].numpy()), np.sort_complex(a.eigenvalues.numpy()))
    assert ns["lengths"] == pytest.approx((change.length, change.new_length))
    if change.angle is not None:
        assert f"{ns['angle']:+.1f}°" == metric(at, "x turns by")


@pytest.mark.parametrize("second", ["rotation", "shear", "identity", "reflection"])
def test_compose_code_reproduces_the_page(second):
    at = open_page("linear_maps", lin_view="compose", lin_second=second, lin_second_angle="60")
    ns = _run(at)
    out = at.session_state["lin_out_compose"]
    assert torch.equal(ns["AB"], out["ab"]) and torch.equal(ns["BA"], out["ba"])
    assert bool(torch.allclose(ns["AB"], ns["BA"])) == out["same"]


@pytest.mark.parametrize("query", [{}, {"lin_b0": "0.5", "lin_b1": "-1.5", "lin_second": "shear"}])
def test_fold_code_reproduces_the_page(query):
    at = open_page("linear_maps", lin_view="fold", **query)
    ns = _run(at)
    out = at.session_state["lin_out_fold"]
    assert torch.equal(ns["region"], out["region"]) and torch.equal(ns["out"], out["stages"][-1])
    assert ns["counts"][0].item() == int(metric(at, "sent to the origin"))
    assert ns["counts"][3].item() == int(metric(at, "left alone"))
