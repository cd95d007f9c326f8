"""components.figures.raster: tensors to display pixels, checked against hand-computed values."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from components.figures.raster import (
    clamped_rgb,
    display_picture,
    display_rgb,
    diverging_lut,
    encode,
    fit,
    picture,
    signed_rgb,
)

# ColorBrewer RdBu ends and middle (RdBu_r: blue for negative, red for positive)
FULL_BLUE, MIDDLE, FULL_RED = (5, 48, 97), (247, 247, 247), (103, 0, 31)


# --------------------------------------------------------------------------- clamped_rgb


def test_clamped_rgb_by_hand():
    x = torch.tensor([[[-0.5, 0.0, 0.2, 1.0, 1.5]], [[0.0] * 5], [[1.0] * 5]])
    out = clamped_rgb(x)
    assert out.shape == (1, 5, 3) and out.dtype == np.uint8
    assert out[0, :, 0].tolist() == [0, 0, 51, 255, 255]
    assert out[0, :, 1].tolist() == [0] * 5
    assert out[0, :, 2].tolist() == [255] * 5


def test_clamped_rgb_matches_numpy():
    x = torch.randn(3, 7, 9, generator=torch.Generator().manual_seed(0)) * 0.7 + 0.5
    want = np.rint(np.clip(x.numpy().astype(np.float64), 0, 1) * 255).astype(np.uint8).transpose(1, 2, 0)
    assert np.abs(clamped_rgb(x).astype(int) - want).max() <= 1  # float32 vs float64 rounding at .5
    assert (clamped_rgb(x) == want).mean() > 0.99


def test_clamped_rgb_grayscale_is_expanded():
    x = torch.tensor([[[0.0, 0.4], [0.8, 2.0]]])
    out = clamped_rgb(x)
    assert out.shape == (2, 2, 3)
    assert out[..., 0].tolist() == [[0, 102], [204, 255]]
    assert np.array_equal(out[..., 0], out[..., 1]) and np.array_equal(out[..., 1], out[..., 2])


def test_clamped_rgb_accepts_tensors_that_require_grad_and_non_contiguous_views():
    x = torch.rand(3, 4, 6, requires_grad=True)
    assert clamped_rgb(x).shape == (4, 6, 3)
    y = torch.rand(3, 6, 4).transpose(1, 2)
    assert clamped_rgb(y).shape == (4, 6, 3)
    assert clamped_rgb(y)[1, 2].tolist() == [round(float(v) * 255) for v in y[:, 1, 2]]


# --------------------------------------------------------------------------- signed_rgb


def test_signed_rgb_colours_by_hand():
    v = torch.zeros(4, 100)
    v[0], v[1], v[2] = -1.0, 0.0, 1.0
    v[3, :] = torch.linspace(-1, 1, 100)
    out, limit = signed_rgb(v.expand(3, -1, -1))
    assert out.shape == (4, 100, 3) and out.dtype == np.uint8
    assert limit == pytest.approx(1.0)
    assert tuple(out[0, 0]) == FULL_BLUE
    assert tuple(out[2, 0]) == FULL_RED
    assert np.abs(out[1, 0].astype(int) - MIDDLE).max() <= 3  # zero is the white-ish middle
    # along the ramp: blue dominates on the negative side, red on the positive side
    ramp = out[3].astype(int)
    assert (ramp[:45, 2] > ramp[:45, 0]).all()
    assert (ramp[55:, 0] > ramp[55:, 2]).all()


def test_signed_rgb_uses_the_channel_mean():
    x = torch.stack([torch.full((2, 2), -1.0), torch.full((2, 2), 1.0), torch.full((2, 2), 0.0)])
    out, limit = signed_rgb(x)  # mean is 0 everywhere
    assert limit > 0
    assert np.abs(out.astype(int) - MIDDLE).max() <= 3


def test_signed_rgb_saturates_beyond_the_limit():
    v = torch.cat([torch.full((1, 400), 0.5), torch.full((1, 400), -0.5), torch.tensor([[50.0, -50.0]])], dim=1)
    out, limit = signed_rgb(v.expand(3, -1, -1))
    assert limit == pytest.approx(0.5)  # two outliers among 802 pixels do not set the scale
    assert tuple(out[0, 800]) == FULL_RED
    assert tuple(out[0, 801]) == FULL_BLUE


def test_signed_rgb_all_zero_does_not_crash():
    out, limit = signed_rgb(torch.zeros(3, 5, 6))
    assert limit > 0 and np.isfinite(limit)
    assert out.shape == (5, 6, 3)
    assert np.abs(out.astype(int) - MIDDLE).max() <= 3


def test_signed_rgb_sparse_response_uses_its_maximum():
    """Mostly zero (a thin edge): the 99.5 % quantile is 0, so the limit must fall back to a positive value."""
    v = torch.zeros(100, 100)
    v[50, 50] = -2.0
    out, limit = signed_rgb(v.expand(3, -1, -1))
    assert limit == pytest.approx(2.0)
    assert tuple(out[50, 50]) == FULL_BLUE


def test_signed_rgb_large_input_above_quantile_size_limit():
    """torch.quantile refuses more than 2**24 elements; a 4097x4097 output must still work."""
    v = torch.zeros(1, 4097, 4097)
    v[0, ::2, :] = 1.0
    out, limit = signed_rgb(v)
    assert out.shape == (4097, 4097, 3)
    assert limit == pytest.approx(1.0)
    assert tuple(out[0, 0]) == FULL_RED


# --------------------------------------------------------------------------- fit / picture


def _nearest(px: np.ndarray, width: int, height: int) -> np.ndarray:
    """Nearest-neighbour reference: each output pixel takes the input pixel under its centre."""
    h, w = px.shape[:2]
    out = np.empty((height, width, 3), dtype=np.uint8)
    for y in range(height):
        for x in range(width):
            out[y, x] = px[int((y + 0.5) * h / height), int((x + 0.5) * w / width)]
    return out


@pytest.mark.parametrize("factor", [2, 3, 7])
def test_fit_enlarges_by_whole_factors_as_crisp_squares(factor):
    px = np.random.default_rng(factor).integers(0, 256, size=(3, 5, 3), dtype=np.uint8)
    big = fit(px, 5 * factor, 3 * factor)
    assert big.shape == (3 * factor, 5 * factor, 3) and big.dtype == np.uint8
    for y in range(big.shape[0]):
        for x in range(big.shape[1]):
            assert (big[y, x] == px[y // factor, x // factor]).all()


@pytest.mark.parametrize(("width", "height"), [(12, 7), (13, 9), (40, 3), (5, 4), (256, 200)])
def test_fit_enlarges_to_any_size_with_nearest_neighbour(width, height):
    px = np.random.default_rng(width).integers(0, 256, size=(3, 5, 3), dtype=np.uint8)
    out = fit(px, width, height)
    assert out.shape == (height, width, 3)
    assert np.array_equal(out, _nearest(px, width, height))


def test_fit_same_size_is_unchanged():
    px = np.random.default_rng(0).integers(0, 256, size=(4, 6, 3), dtype=np.uint8)
    assert np.array_equal(fit(px, 6, 4), px)


def test_fit_shrinking_averages():
    """A one-pixel checkerboard halved must turn grey (averaged), not stay black/white (sampled)."""
    board = ((np.indices((64, 64)).sum(axis=0) % 2) * 255).astype(np.uint8)
    px = np.repeat(board[:, :, None], 3, axis=2)
    small = fit(px, 32, 32).astype(float)
    assert small.shape == (32, 32, 3)
    assert np.abs(small - 127.5).max() <= 16


def test_fit_shrinking_keeps_a_flat_colour():
    px = np.full((300, 200, 3), (12, 130, 250), dtype=np.uint8)
    assert (fit(px, 77, 111) == (12, 130, 250)).all()


@pytest.mark.parametrize(
    ("size", "fmt"), [((5, 3), "PNG"), ((128, 64), "PNG"), ((129, 20), "JPEG"), ((640, 480), "JPEG")]
)
def test_picture_format_and_size(size, fmt):
    w, h = size
    px = np.random.default_rng(w).integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    data = picture(px, 2 * w, 2 * h)
    back = Image.open(io.BytesIO(data))
    assert back.format == fmt and back.size == (2 * w, 2 * h)
    if fmt == "PNG":  # tiny sources are exact, pixel for pixel
        assert np.array_equal(np.asarray(back.convert("RGB")), _nearest(px, 2 * w, 2 * h))


# --------------------------------------------------------------------------- display_rgb


def _pillow_shrink(values: np.ndarray, width: int, height: int) -> np.ndarray:
    """Independent reference for shrinking: Pillow's own antialiased bilinear filter on float images."""
    return np.asarray(Image.fromarray(values.astype(np.float32), mode="F").resize((width, height), Image.BILINEAR))


@pytest.mark.parametrize(("width", "height"), [(40, 30), (33, 17), (80, 30)])
def test_display_rgb_shrinking_matches_pillow_on_the_clamped_values(width, height):
    x = torch.rand(3, 60, 80) * 1.6 - 0.3  # beyond [0, 1] on both sides: clamped before averaging
    out, limit = display_rgb(x, width, height, signed=False)
    assert limit is None and out.shape == (height, width, 3) and out.dtype == np.uint8
    clamped = np.clip(x.numpy(), 0, 1)
    want = np.stack([_pillow_shrink(clamped[c], width, height) for c in range(3)], axis=-1) * 255
    assert np.abs(out.astype(float) - want).max() <= 1.01  # float32 filters, then rounding


def test_display_rgb_signed_shrinks_the_clamped_mean_then_colours_it():
    v = torch.randn(1, 48, 64) * 3
    out, limit = display_rgb(v.expand(3, -1, -1), 32, 24, signed=True)
    _, want_limit = signed_rgb(v.expand(3, -1, -1))
    assert limit == want_limit  # the scale of the whole picture
    small = _pillow_shrink(np.clip(v[0].numpy(), -limit, limit), 32, 24)
    index = np.clip(np.round((small / limit + 1) * 127.5), 0, 255).astype(int)
    lut = diverging_lut().astype(int)
    # one LUT step of slack at a rounding boundary
    assert all(
        min(np.abs(out[y, x].astype(int) - lut[max(0, min(255, index[y, x] + d))]).max() for d in (-1, 0, 1)) <= 1
        for y in range(24)
        for x in range(32)
    )


def test_display_rgb_enlarging_is_the_crisp_full_picture():
    x = torch.rand(3, 5, 7)
    out, _ = display_rgb(x, 21, 15, signed=False)
    assert np.array_equal(out, fit(clamped_rgb(x), 21, 15))
    same, _ = display_rgb(x, 7, 5, signed=False)
    assert np.array_equal(same, clamped_rgb(x))


def test_signed_rgb_with_a_given_limit_uses_it():
    v = torch.tensor([[[-2.0, -1.0, 0.0, 1.0, 2.0]]])
    out, limit = signed_rgb(v, limit=2.0)
    assert limit == 2.0
    lut = diverging_lut()
    assert [tuple(p) for p in out[0]] == [tuple(lut[i]) for i in (0, 64, 128, 191, 255)]


@pytest.mark.parametrize(("side", "fmt"), [(100, "PNG"), (300, "JPEG")])
def test_display_picture_format_follows_the_source_size(side, fmt):
    data, _ = display_picture(torch.rand(3, side, side), 90, 90, signed=False)
    back = Image.open(io.BytesIO(data))
    assert back.format == fmt and back.size == (90, 90)


# --------------------------------------------------------------------------- encode


def test_png_round_trip_is_exact():
    px = np.random.default_rng(1).integers(0, 256, size=(17, 23, 3), dtype=np.uint8)
    data = encode(px, "PNG")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    back = Image.open(io.BytesIO(data))
    assert back.format == "PNG" and back.size == (23, 17)
    assert np.array_equal(np.asarray(back.convert("RGB")), px)


def test_jpeg_decodes_to_the_same_size_and_roughly_the_same_colours():
    px = np.full((31, 45, 3), (200, 100, 50), dtype=np.uint8)
    data = encode(px)  # JPEG is the default
    back = Image.open(io.BytesIO(data))
    assert back.format == "JPEG" and back.size == (45, 31)
    assert np.abs(np.asarray(back).astype(int) - px).max() <= 4
