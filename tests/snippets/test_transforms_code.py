"""The Transforms page's "PyTorch code" runs as-is and reproduces the page's last picture (or its error)."""

from __future__ import annotations

import contextlib
import io
import shutil

import pytest
import torch

from components.ui.transforms.pipeline import PRESETS
from tests.app.conftest import ROOT, open_page, png_bytes
from tests.snippets.test_convolution_code import run_code


def _code(at) -> str:
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if "v2.Compose" in c.value]
    return code


@pytest.mark.parametrize("preset", ["train", "eval", "augment", "big_crop"])
def test_code_reproduces_the_last_picture(preset, tmp_path):
    at = open_page("transforms", tf_pipe=PRESETS[preset], tf_seed="11")
    shutil.copytree(ROOT / "assets", tmp_path / "assets")
    with contextlib.redirect_stdout(io.StringIO()):
        ns = run_code(_code(at), tmp_path)
    assert torch.equal(ns["out"], at.session_state["tf_run"][-1].output)


def test_code_raises_where_the_page_does(tmp_path):
    at = open_page("transforms", tf_pipe=PRESETS["uint8_norm"])
    shutil.copytree(ROOT / "assets", tmp_path / "assets")
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        run_code(_code(at), tmp_path)


def test_code_reads_an_upload(tmp_path):
    at = open_page("transforms")
    data = png_bytes(500, 400, (200, 40, 40))
    at.sidebar.get("file_uploader")[0].set_value(("red.png", data, "image/png")).run()
    (tmp_path / "red.png").write_bytes(data)
    with contextlib.redirect_stdout(io.StringIO()):
        ns = run_code(_code(at), tmp_path)
    assert torch.equal(ns["out"], at.session_state["tf_run"][-1].output)
