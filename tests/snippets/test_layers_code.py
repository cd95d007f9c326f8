"""The Layers page's "PyTorch code" runs as-is and reproduces the page's shapes, counts and train/eval numbers."""

from __future__ import annotations

import contextlib
import io

import pytest

from components.compute.layers import PRESET_SHAPES, PRESETS
from tests.app.conftest import open_page
from tests.snippets.test_convolution_code import ROOT, run_code


@pytest.mark.parametrize("name", list(PRESETS))
def test_code_panel_reproduces_the_page(name):
    at = open_page("layers", lay_view="modes", lay_preset=name, lay_layers=PRESETS[name],
                   lay_shape=PRESET_SHAPES[name], lay_seed="3", lay_batch="6")  # fmt: skip
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if "nn.Sequential(*layers)" in c.value and "import torch" in c.value]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        ns = run_code(code, ROOT)
    at_build = open_page("layers", lay_preset=name, lay_layers=PRESETS[name], lay_shape=PRESET_SHAPES[name],
                         lay_seed="3", lay_batch="6")  # fmt: skip
    tr = at_build.session_state["lay_trace"]
    assert ns["shapes"] == [s.shape for s in tr.stages]
    assert ns["total"] == tr.counted
    if name == "broken":
        assert ns["failed_at"] == tr.failed_at == 3 and "392x10" in out.getvalue()
        return
    md = at.session_state["lay_modes"]
    assert ns["train_diff"] == md.train_diff and ns["eval_diff"] == md.eval_diff and ns["mode_diff"] == md.mode_diff
