"""components.ui.convolution.pictures: the pickers' pictures show the output's own values."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from components.figures.raster import diverging_lut
from components.ui.convolution.controls import ConvResult
from components.ui.convolution.pictures import ZOOM_PX, Shown, output_picture, picker_picture, zoom_image


def _result(output: torch.Tensor) -> ConvResult:
    return ConvResult(output, output, ("test", tuple(output.shape), float(output.sum())))


def _decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def test_zoom_shows_the_clamped_output_values_as_crisp_squares():
    out = torch.rand(3, 40, 50) * 1.4 - 0.2
    shown = Shown(b"", (50, 40), signed=False, limit=None)
    pixels = _decode(zoom_image(_result(out), shown, (10, 20, 15, 15)))
    assert pixels.shape == (15 * ZOOM_PX, 15 * ZOOM_PX, 3)
    for r, c in ((0, 0), (7, 7), (14, 3), (2, 14)):
        want = [round(min(max(float(out[ch, 10 + r, 20 + c]), 0.0), 1.0) * 255) for ch in range(3)]
        square = pixels[r * ZOOM_PX : (r + 1) * ZOOM_PX, c * ZOOM_PX : (c + 1) * ZOOM_PX]
        assert (square == want).all()


def test_signed_zoom_uses_the_whole_pictures_limit():
    out = torch.linspace(-2, 2, 15 * 15).reshape(1, 15, 15).expand(3, -1, -1)
    shown = Shown(b"", (15, 15), signed=True, limit=4.0)  # the whole picture's scale, wider than the crop's
    pixels = _decode(zoom_image(_result(out), shown, (0, 0, 15, 15)))
    lut = diverging_lut().astype(int)
    for r, c in ((0, 0), (14, 14), (3, 5)):  # not the middle: 0 lands on a rounding boundary
        v = float(out[0, r, c])
        assert pixels[r * ZOOM_PX + 1, c * ZOOM_PX + 1].tolist() == lut[round((v / 4.0 + 1) * 127.5)].tolist()


@pytest.mark.parametrize(
    ("side", "scale", "reused"),
    [(1024, 640 / 1024, True), (300, 1.0, True), (900, 300 / 900, False), (300, 0.5, False)],
)
def test_the_overview_reuses_the_output_picture_when_it_is_large_enough(side, scale, reused):
    """Reused when sent at least 480 px (or every pixel) on its long side; else a copy of its own."""
    out = torch.rand(3, side, side)
    result = _result(out)
    shown = output_picture(result, False, scale)
    data, fmt = picker_picture(result, shown)
    assert (data == shown.picture) is reused
    assert fmt == "JPEG"
    size = Image.open(io.BytesIO(data)).size
    assert max(size) >= min(side, 480)
