"""components.compute.upsampling against hand-written index arithmetic, scatter-add loops and reshapes."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from components.compute.upsampling import (
    METHODS,
    UpError,
    UpSettings,
    bilinear_kernel,
    contributions,
    conv_sizes_from,
    downsample,
    matched_transposed,
    overlap_counts,
    pixel_shuffle,
    score,
    shuffle_weights,
    tiny_map,
    transposed,
    transposed_size,
    upsample,
    upsample_exact,
    working,
)
from components.figures.upsampling import crop_box

RNG = np.random.default_rng(0)
LOW = torch.from_numpy(RNG.random((3, 5, 7))).float()


def test_nearest_and_nearest_exact_are_index_arithmetic():
    out = upsample(LOW, "nearest", (13, 16), UpSettings()).numpy()
    exact = upsample(LOW, "nearest-exact", (13, 16), UpSettings()).numpy()
    low = LOW.numpy()
    for i in range(13):
        for j in range(16):
            assert np.array_equal(out[:, i, j], low[:, math.floor(i * 5 / 13), math.floor(j * 7 / 16)])
            ei, ej = min(math.floor((i + 0.5) * 5 / 13), 4), min(math.floor((j + 0.5) * 7 / 16), 6)
            assert np.array_equal(exact[:, i, j], low[:, ei, ej])


def _bilinear(low: np.ndarray, h: int, w: int, corners: bool) -> np.ndarray:
    _, lh, lw = low.shape
    out = np.zeros((low.shape[0], h, w))
    for i in range(h):
        for j in range(w):
            if corners:
                y, x = i * (lh - 1) / (h - 1), j * (lw - 1) / (w - 1)
            else:
                y, x = max((i + 0.5) * lh / h - 0.5, 0), max((j + 0.5) * lw / w - 0.5, 0)
            y0, x0 = min(int(y), lh - 1), min(int(x), lw - 1)
            y1, x1 = min(y0 + 1, lh - 1), min(x0 + 1, lw - 1)
            dy, dx = y - y0, x - x0
            out[:, i, j] = (low[:, y0, x0] * (1 - dy) * (1 - dx) + low[:, y0, x1] * (1 - dy) * dx
                            + low[:, y1, x0] * dy * (1 - dx) + low[:, y1, x1] * dy * dx)  # fmt: skip
    return out


@pytest.mark.parametrize("method", ["bilinear", "bilinear_corners"])
def test_bilinear_both_corner_conventions(method):
    out = upsample(LOW, method, (11, 17), UpSettings()).numpy()
    ref = _bilinear(LOW.double().numpy(), 11, 17, method == "bilinear_corners")
    np.testing.assert_allclose(out, ref, atol=1e-5)


def _cubic(t: float, a: float = -0.75) -> float:
    t = abs(t)
    if t <= 1:
        return (a + 2) * t**3 - (a + 3) * t**2 + 1
    if t < 2:
        return a * t**3 - 5 * a * t**2 + 8 * a * t - 4 * a
    return 0.0


def test_bicubic_is_keys_cubic_convolution_and_can_overshoot():
    low = LOW[:1].double().numpy()
    h, w = 10, 14
    out = upsample(LOW[:1].double(), "bicubic", (h, w), UpSettings()).numpy()
    _, lh, lw = low.shape
    for i in range(h):
        for j in range(w):
            y, x = (i + 0.5) * lh / h - 0.5, (j + 0.5) * lw / w - 0.5
            y0, x0 = math.floor(y), math.floor(x)
            total = 0.0
            for m in range(-1, 3):
                for n in range(-1, 3):
                    yy, xx = min(max(y0 + m, 0), lh - 1), min(max(x0 + n, 0), lw - 1)
                    total += low[0, yy, xx] * _cubic(y - (y0 + m)) * _cubic(x - (x0 + n))
            assert out[0, i, j] == pytest.approx(total, abs=1e-9)
    step = torch.zeros(1, 1, 8)
    step[..., 4:] = 1.0
    up = upsample(step, "bicubic", (1, 32), UpSettings())
    assert float(up.max()) > 1 and float(up.min()) < 0 and score(torch.zeros(1, 1, 32), up).overshoot > 0


def _scatter(x: np.ndarray, w: np.ndarray, s: int, p: int, op: int) -> np.ndarray:
    """Transposed convolution as its definition: each input pixel pastes a scaled kernel every S pixels."""
    h, wd = x.shape
    k = w.shape[0]
    ho, wo = (h - 1) * s - 2 * p + k + op, (wd - 1) * s - 2 * p + k + op
    full = np.zeros((ho + 2 * p + k, wo + 2 * p + k))
    for i in range(h):
        for j in range(wd):
            full[i * s : i * s + k, j * s : j * s + k] += x[i, j] * w
    return full[p : p + ho, p : p + wo]


@pytest.mark.parametrize(("k", "s", "p", "op"), [(4, 2, 1, 0), (3, 2, 0, 1), (5, 3, 1, 2), (8, 4, 2, 0), (1, 1, 0, 0)])
@pytest.mark.parametrize("init", ["bilinear", "ones", "random"])
def test_transposed_convolution_is_a_scatter_add(k, s, p, op, init):
    out = transposed(LOW, k, s, p, op, init, seed=3)
    from components.compute.upsampling import transposed_weights

    w = transposed_weights(init, k, s, 1, 3)[0, 0].numpy().astype(np.float64)
    for c in range(3):
        np.testing.assert_allclose(out[c].numpy(), _scatter(LOW[c].double().numpy(), w, s, p, op), atol=1e-5)
    assert out.shape[1:] == (transposed_size(5, k, s, p, op), transposed_size(7, k, s, p, op))


def test_transposed_refusals():
    with pytest.raises(UpError) as err:
        transposed(LOW, 3, 2, 0, 2, "ones")
    assert err.value.reason == "op_too_big"
    with pytest.raises(UpError) as err:
        transposed(LOW[:, :1, :1], 1, 1, 3, 0, "ones")
    assert err.value.reason == "too_small"


@given(st.integers(1, 12), st.integers(1, 9), st.integers(1, 5), st.integers(0, 4), st.integers(0, 4))
@settings(max_examples=150, deadline=None)
def test_size_formula_is_torch_s(n, k, s, p, op):
    op = min(op, s - 1)
    size = transposed_size(n, k, s, p, op)
    if size < 1:
        return
    out = F.conv_transpose2d(torch.ones(1, 1, n, n), torch.ones(1, 1, k, k), stride=s, padding=p, output_padding=op)
    assert out.shape[-1] == size


@given(st.integers(1, 12), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3))
@settings(max_examples=150, deadline=None)
def test_output_padding_picks_one_of_the_sizes_a_strided_conv_maps_from(n, k, s, p):
    sizes = conv_sizes_from(n, k, s, p)
    for h in sizes:
        assert F.conv2d(torch.ones(1, 1, h, h), torch.ones(1, 1, k, k), stride=s, padding=p).shape[-1] == n
    made = [transposed_size(n, k, s, p, op) for op in range(s)]  # output_padding 0 .. S - 1
    assert [h for h in made if h >= 1] == sizes


@pytest.mark.parametrize("f", range(2, 9))
def test_matched_transposed_convolution_scales_by_the_factor(f):
    k, s, p = matched_transposed(f)
    assert transposed_size(10, k, s, p, 0) == 10 * f


@pytest.mark.parametrize("f", [2, 4])
def test_bilinear_kernel_interpolates_like_bilinear_inside(f):
    k, s, p = matched_transposed(f)
    x = torch.rand(1, 12, 12, generator=torch.Generator().manual_seed(1))
    deconv = transposed(x, k, s, p, 0, "bilinear")
    ref = F.interpolate(x[None], scale_factor=f, mode="bilinear", align_corners=False)[0]
    torch.testing.assert_close(deconv[:, f:-f, f:-f], ref[:, f:-f, f:-f], atol=1e-5, rtol=0)
    assert bilinear_kernel(4).max() == pytest.approx(0.5625)


def test_overlap_counts_are_a_loop_of_taps():
    for k, s, p in ((3, 2, 0), (4, 2, 1), (5, 3, 1), (4, 4, 0)):
        ref = _scatter(np.ones((6, 6)), np.ones((k, k)), s, p, 0)
        np.testing.assert_array_equal(overlap_counts(6, k, s, p).numpy(), ref)
    inside = overlap_counts(8, 4, 2, 1)[3:-3, 3:-3]
    assert bool((inside == inside[0, 0]).all())  # K divisible by S: even
    uneven = overlap_counts(8, 3, 2, 0)[2:-2, 2:-2]
    assert len(uneven.unique()) > 1  # the checkerboard


def test_pixel_shuffle_is_a_reshape_and_icnr_gives_equal_sub_pixels():
    f, c = 3, 3
    x = LOW
    w = shuffle_weights(c, f, False, 5)
    conv = F.conv2d(F.pad(x[None], (1, 1, 1, 1), mode="replicate"), w)[0]  # (C·f², h, w)
    ref = conv.view(c, f, f, 5, 7).permute(0, 3, 1, 4, 2).reshape(c, 5 * f, 7 * f)
    torch.testing.assert_close(pixel_shuffle(x, f, False, 5), ref, atol=1e-6, rtol=0)
    icnr = pixel_shuffle(x, f, True, 5).view(c, 5, f, 7, f)
    assert float((icnr - icnr[:, :, :1, :, :1]).abs().max()) < 1e-6  # every f×f block is one value: no checkerboard
    plain = pixel_shuffle(x, f, False, 5).view(c, 5, f, 7, f)
    assert float((plain - plain[:, :, :1, :, :1]).abs().max()) > 1e-3


def test_downsample_is_block_means_or_every_f_th_pixel():
    img = torch.from_numpy(RNG.random((3, 19, 23))).float()
    aa = downsample(img, 4, True).numpy()
    blocks = img.numpy()[:, :16, :20].reshape(3, 4, 4, 5, 4).mean(axis=(2, 4))
    np.testing.assert_allclose(aa, blocks, atol=1e-6)
    np.testing.assert_array_equal(downsample(img, 4, False).numpy(), img.numpy()[:, :16:4, :20:4])
    assert working(torch.rand(3, 1000, 600), 512).shape == (3, 512, 307)


@pytest.mark.parametrize("method", METHODS)
def test_contributions_times_the_input_make_each_output_cell(method):
    s = UpSettings(factor=2)
    x = tiny_map(4, 7)
    out = upsample_exact(x, method, s)
    for i, j in ((0, 0), (3, 5), (out.shape[1] - 1, out.shape[2] - 1)):
        w = contributions(x, method, s, i, j)
        assert float((w * x[0]).sum()) == pytest.approx(float(out[0, i, j]), abs=1e-4)
    if method == "nearest":
        w = contributions(x, method, s, 3, 5)
        assert w.sum() == 1 and w[1, 2] == 1  # one input cell, copied
    if method in ("bilinear", "nearest-exact", "bicubic", "bilinear_corners", "resize_conv"):
        assert float(contributions(x, method, s, 3, 5).sum()) == pytest.approx(1.0, abs=1e-5)  # a weighted mean


def test_exact_path_matches_the_pictures_path():
    s = UpSettings(factor=3)
    for method in METHODS:
        a = upsample_exact(LOW, method, s)
        b = upsample(LOW, method, (15, 21), s)
        torch.testing.assert_close(a[:, : b.shape[1], : b.shape[2]], b, atol=1e-5, rtol=0)


def test_score_is_mse_and_psnr():
    a, b = torch.zeros(3, 4, 4), torch.full((3, 4, 4), 0.1)
    sc = score(a, b)
    assert sc.mse == pytest.approx(0.01) and sc.psnr == pytest.approx(20.0)
    assert math.isinf(score(a, a).psnr)
    assert score(a, torch.full((3, 5, 5), 1.5)).overshoot == 1.0  # another size: compared where both are


@given(st.integers(1, 600), st.integers(1, 600), st.integers(0, 100), st.integers(0, 100))
@settings(max_examples=100, deadline=None)
def test_crop_box_stays_inside(h, w, cx, cy):
    top, left, ch, cw = crop_box(h, w, cx, cy)
    assert top >= 0 and top + ch <= h and left >= 0 and left + cw <= w and ch == min(64, h) and cw == min(64, w)


def test_settings_replace_keeps_tmatch():
    assert replace(UpSettings(), factor=8).tmatch
