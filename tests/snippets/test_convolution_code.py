"""The Convolution page's "PyTorch code" runs as-is and reproduces the page's tensor."""

from __future__ import annotations

import io
import os

import pytest
import torch
from PIL import Image

from tests.app.conftest import ROOT, open_page


def run_code(source: str, cwd) -> dict:
    """Execute the panel's code in a fresh namespace, from ``cwd``."""
    namespace: dict = {"__name__": "__snippet__"}
    old = os.getcwd()
    os.chdir(cwd)
    try:
        exec(compile(source, "<code panel>", "exec"), namespace)  # the test's own trusted code
    finally:
        os.chdir(old)
    return namespace


def page_code_and_output(at) -> tuple[str, torch.Tensor]:
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if "nn.Conv2d" in c.value]
    return code, at.session_state["conv_output"]


SETTINGS = [
    {},
    {
        "conv_kernel": "gaussian",
        "conv_size": "7",
        "conv_sigma": "2.5",
        "conv_stride": "2",
        "conv_padding_mode": "reflect",
    },
    {"conv_kernel": "sobel_y", "conv_color": "gray", "conv_dilation": "3", "conv_padding_mode": "circular"},
    {"conv_kernel": "sobel_x", "conv_magnitude": "true", "conv_padding": "0"},
    {
        "conv_kernel": "box_blur",
        "conv_size": "4",
        "conv_padding": "2",
        "conv_padding_mode": "replicate",
        "conv_stride": "3",
    },
    {"conv_kernel": "custom", "conv_weights": "0.5,-1;2,0.25", "conv_image": "checkerboard"},
    {"conv_kernel": "emboss", "conv_image": "text", "conv_color": "gray"},
]


@pytest.mark.parametrize("query", SETTINGS, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()) or "defaults")
def test_code_reproduces_page_output(query):
    at = open_page("convolution", **query)
    code, output = page_code_and_output(at)
    ns = run_code(code, ROOT)
    _, h_out, w_out = output.shape  # the inspector starts at the centre of channel 0
    c, y, x = 0, h_out // 2, w_out // 2
    assert f"print(y[{c}, {y}, {x}].item())" in code  # the inspected pixel, printed for comparison
    assert ns["y"].shape == output.shape
    torch.testing.assert_close(ns["y"], output, atol=1e-5, rtol=1e-5)


def test_code_reproduces_resized_upload(tmp_path):
    # A large upload is scaled to the 1024 px working size; the code must do the same.
    rng = torch.Generator().manual_seed(0)
    pixels = (torch.rand(1500, 2000, 3, generator=rng) * 255).to(torch.uint8).numpy()
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="JPEG", quality=85)
    (tmp_path / "holiday photo.jpg").write_bytes(buf.getvalue())
    at = open_page("convolution", conv_kernel="sharpen", conv_stride="2")
    at.file_uploader(key="conv_upload").set_value(("holiday photo.jpg", buf.getvalue(), "image/jpeg"))
    at.run()
    code, output = page_code_and_output(at)
    assert "img.resize((1024, 768)" in code
    ns = run_code(code, tmp_path)
    torch.testing.assert_close(ns["y"], output, atol=1e-5, rtol=1e-5)
