"""The Convolution page's "PyTorch code" runs as-is and reproduces the page's tensor."""

from __future__ import annotations

import io
import os

import numpy as np
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


# --------------------------------------------------------------------------- every image mode the page accepts


def _encoded(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _rgba() -> Image.Image:
    a = np.zeros((30, 40, 4), dtype=np.uint8)  # left half fully transparent *black*
    a[:, 20:] = (255, 0, 0, 128)  # right half half-transparent red
    return Image.fromarray(a, "RGBA")


def _la() -> Image.Image:
    lum = np.tile(np.linspace(0, 255, 40, dtype=np.uint8), (30, 1))
    alpha = np.tile(np.linspace(0, 255, 30, dtype=np.uint8)[:, None], (1, 40))
    return Image.fromarray(np.dstack([lum, alpha]), "LA")


def _palette() -> Image.Image:
    img = Image.new("P", (40, 30), 0)
    img.putpalette([0, 0, 0, 200, 30, 30, 30, 200, 30] + [0] * 759)
    img.paste(1, (0, 0, 20, 30))
    img.paste(2, (20, 0, 30, 30))
    img.info["transparency"] = 0  # palette index 0 (black) is see-through
    return img


def _exif_rotated() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    px = np.zeros((30, 40, 3), dtype=np.uint8)
    px[:, :10] = 255
    return _encoded(Image.fromarray(px), "JPEG", exif=exif.tobytes(), quality=95)


def _heic() -> bytes:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    return _encoded(_rgba(), "HEIF", quality=90)


MODES = {
    "RGBA.png": lambda: _encoded(_rgba(), "PNG"),
    "LA.png": lambda: _encoded(_la(), "PNG"),
    "P_transparency.png": lambda: _encoded(_palette(), "PNG"),
    "I16_ramp.png": lambda: _encoded(
        Image.fromarray(np.linspace(1000, 60000, 1200).astype(np.uint16).reshape(30, 40)), "PNG"
    ),
    "I16_flat.png": lambda: _encoded(Image.fromarray(np.full((30, 40), 100 * 257, dtype=np.uint16)), "PNG"),
    "CMYK.jpg": lambda: _encoded(Image.new("CMYK", (40, 30), (0, 255, 255, 40)), "JPEG", quality=95),
    "rotated.jpg": _exif_rotated,
    "big_RGBA.png": lambda: _encoded(_rgba().resize((1500, 1100)), "PNG"),
    "iphone.heic": _heic,
}


@pytest.mark.parametrize("name", MODES)
def test_code_reproduces_every_image_mode(name, tmp_path):
    """The code panel opens the file as the page did: transparency on white, 16-bit stretched, CMYK, EXIF, size."""
    data = MODES[name]()
    (tmp_path / name).write_bytes(data)
    at = open_page("convolution", conv_kernel="identity", conv_size="1", conv_padding="0")
    at.file_uploader(key="conv_upload").set_value((name, data, "application/octet-stream"))
    at.run()
    code, output = page_code_and_output(at)
    assert at.selectbox(key="conv_image").value == "upload"
    ns = run_code(code, tmp_path)  # a fresh namespace: only the file and the code
    assert ns["y"].shape == output.shape
    torch.testing.assert_close(ns["y"], output, atol=1e-6, rtol=0)


def test_page_values_of_transparent_and_sixteen_bit_files():
    """Known answers for the page itself: transparent = white (1.0), flat 16-bit 100·257 = 100/255."""
    for name, want in (("RGBA.png", 1.0), ("I16_flat.png", 100 / 255)):
        at = open_page("convolution", conv_kernel="identity", conv_size="1", conv_padding="0")
        at.file_uploader(key="conv_upload").set_value((name, MODES[name](), "image/png"))
        at.run()
        _, output = page_code_and_output(at)
        assert float(output[0, 0, 0]) == pytest.approx(want, abs=1e-6)
