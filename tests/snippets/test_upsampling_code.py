"""The Upsampling page's "PyTorch code" runs as-is and reproduces every method's picture."""

from __future__ import annotations

import contextlib
import io

import pytest
import torch

from components.compute.upsampling import METHODS, UpError
from tests.app.conftest import open_page, png_bytes
from tests.snippets.test_convolution_code import run_code

SETTINGS = [
    {},
    {"up_factor": "3", "up_antialias": "false", "up_init": "ones", "up_seed": "7"},
    {"up_factor": "8", "up_tmatch": "false", "up_tk": "3", "up_ts": "2", "up_tp": "1", "up_top": "1",
     "up_init": "random", "up_image": "checkerboard"},
]  # fmt: skip


def _check(at, tmp_path) -> None:
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if "ConvTranspose2d" in c.value]
    with contextlib.redirect_stdout(io.StringIO()):
        ns = run_code(code, tmp_path)
    page = at.session_state["up_results"]
    for method in METHODS:
        if isinstance(page[method], UpError):
            continue
        torch.testing.assert_close(ns["results"][method], page[method][0], atol=2e-5, rtol=0, msg=method)


@pytest.mark.parametrize("query", SETTINGS, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()) or "defaults")
def test_code_reproduces_every_method(query, tmp_path):
    at = open_page("upsampling", **query)
    import shutil

    from tests.app.conftest import ROOT

    shutil.copytree(ROOT / "assets", tmp_path / "assets")
    _check(at, tmp_path)


def test_code_reads_an_upload(tmp_path):
    at = open_page("upsampling")
    data = png_bytes(700, 500, (20, 120, 200))
    at.sidebar.get("file_uploader")[0].set_value(("blue.png", data, "image/png")).run()
    (tmp_path / "blue.png").write_bytes(data)
    _check(at, tmp_path)
