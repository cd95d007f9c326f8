"""components.compute.kernels: every preset against hand-written weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from components.compute.kernels import KERNELS, MAX_SIZE, SOBEL_PAIR, fit_kernel, is_zero_sum, make_kernel, normalise

FIXED = {
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "outline": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "sobel_x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel_y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "prewitt_x": [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
    "prewitt_y": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
}
RESIZABLE = ("identity", "box_blur", "gaussian", "motion_blur")
SIZES = range(1, MAX_SIZE + 1)


EDGE_DETECTORS = {"laplacian", "outline", "sobel_x", "sobel_y", "prewitt_x", "prewitt_y"}


def test_is_zero_sum_by_hand():
    assert is_zero_sum(torch.tensor([[1.0, -1.0]]))
    assert is_zero_sum(torch.tensor([[1e6, -1e6 + 0.5]]))  # relative tolerance
    assert not is_zero_sum(torch.tensor([[1.0, -0.9]]))
    assert not is_zero_sum(torch.ones(3, 3) / 9)


def test_table_has_exactly_the_known_presets():
    assert set(KERNELS) == {*RESIZABLE, *FIXED, "unsharp"}
    assert {n for n, p in KERNELS.items() if p.resizable} == set(RESIZABLE)
    assert {n for n, p in KERNELS.items() if p.uses_sigma} == {"gaussian"}
    # zero-sum = pure edge responses (shown signed by default)
    assert {n for n in KERNELS if is_zero_sum(make_kernel(n, 5, 1.2))} == {
        "laplacian",
        "outline",
        "sobel_x",
        "sobel_y",
        "prewitt_x",
        "prewitt_y",
    }
    assert set(SOBEL_PAIR) == {"sobel_x", "sobel_y"}


@pytest.mark.parametrize("name", KERNELS)
def test_every_preset_is_float32_square(name):
    k = make_kernel(name, 5, 1.5)
    assert k.dtype == torch.float32
    assert k.ndim == 2 and k.shape[0] == k.shape[1]


@pytest.mark.parametrize(("name", "weights"), FIXED.items())
@pytest.mark.parametrize("size", [1, 3, 7, 15])
def test_fixed_presets_by_hand_ignore_size(name, weights, size):
    k = make_kernel(name, size, 2.0)
    assert k.tolist() == weights


def test_unsharp_is_two_identity_minus_binomial_blur():
    b = np.array([1, 4, 6, 4, 1], dtype=np.float64)
    blur = np.outer(b, b) / 256.0
    want = -blur
    want[2, 2] += 2.0
    got = make_kernel("unsharp", 9).double().numpy()
    assert got.shape == (5, 5)
    np.testing.assert_allclose(got, want, atol=1e-7)
    assert got[2, 2] == pytest.approx(2 - 36 / 256)
    assert got.sum() == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("size", SIZES)
def test_identity(size):
    want = np.zeros((size, size))
    want[(size - 1) // 2, (size - 1) // 2] = 1.0
    assert make_kernel("identity", size).numpy().tolist() == want.tolist()


def test_identity_by_hand():
    assert make_kernel("identity", 3).tolist() == [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    assert make_kernel("identity", 1).tolist() == [[1]]
    assert make_kernel("identity", 2).tolist() == [[1, 0], [0, 0]]


@pytest.mark.parametrize("size", SIZES)
def test_box_blur(size):
    k = make_kernel("box_blur", size)
    np.testing.assert_allclose(k.numpy(), np.full((size, size), 1.0 / size**2), rtol=1e-6)
    assert float(k.double().sum()) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("size", SIZES)
def test_motion_blur(size):
    want = np.zeros((size, size))
    want[(size - 1) // 2, :] = 1.0 / size
    np.testing.assert_allclose(make_kernel("motion_blur", size).numpy(), want, rtol=1e-6)


def test_motion_blur_by_hand():
    third = 1 / 3
    np.testing.assert_allclose(make_kernel("motion_blur", 3).numpy(), [[0, 0, 0], [third] * 3, [0, 0, 0]], rtol=1e-6)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 10, 15])
@pytest.mark.parametrize("sigma", [0.1, 0.5, 1.0, 2.3, 10.0])
def test_gaussian_against_the_formula(size, sigma):
    c = (size - 1) / 2
    want = np.array(
        [[math.exp(-((i - c) ** 2 + (j - c) ** 2) / (2 * sigma**2)) for j in range(size)] for i in range(size)]
    )
    want /= want.sum()
    k = make_kernel("gaussian", size, sigma).double().numpy()
    np.testing.assert_allclose(k, want, rtol=1e-5, atol=1e-9)
    assert k.sum() == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(k, k.T, atol=1e-9)  # symmetric in x and y
    np.testing.assert_allclose(k, k[::-1, ::-1], atol=1e-9)  # symmetric about the centre
    if size >= 3:
        assert k[size // 2, size // 2] == k.max()  # peak in the middle


def test_gaussian_by_hand():
    # sigma 1, 3 taps: 1-D weights e^-0.5, 1, e^-0.5
    e = math.exp(-0.5)
    g = np.array([e, 1, e]) / (1 + 2 * e)
    np.testing.assert_allclose(make_kernel("gaussian", 3, 1.0).numpy(), np.outer(g, g), rtol=1e-6)


def test_gaussian_wider_sigma_is_flatter():
    narrow, wide = make_kernel("gaussian", 9, 0.8), make_kernel("gaussian", 9, 4.0)
    assert narrow[4, 4] > wide[4, 4]
    assert narrow[0, 0] < wide[0, 0]


@pytest.mark.parametrize("sigma", [0.0, 0.09, -1.0, 10.01, 100.0, float("nan"), float("inf")])
def test_gaussian_rejects_sigma_out_of_range(sigma):
    with pytest.raises(ValueError, match="Got"):
        make_kernel("gaussian", 5, sigma)


@pytest.mark.parametrize("name", ["sobel_x", "box_blur"])
def test_non_gaussian_presets_ignore_sigma(name):
    assert torch.equal(make_kernel(name, 3, 0.0), make_kernel(name, 3, 1.0))


@pytest.mark.parametrize("name", ["", "Sobel_X", "gauss", "custom", "sobel_x ", "__class__"])
def test_make_kernel_rejects_unknown_names(name):
    with pytest.raises(ValueError, match="Got"):
        make_kernel(name)


@pytest.mark.parametrize("name", ["identity", "gaussian", "sobel_x", "unsharp"])
@pytest.mark.parametrize("size", [0, -1, 16, 100])
def test_make_kernel_rejects_sizes_outside_range(name, size):
    with pytest.raises(ValueError, match="Got"):
        make_kernel(name, size)


@pytest.mark.parametrize("name", KERNELS)
def test_signed_presets_sum_to_zero_and_others_to_one(name):
    """Blurs and sharpeners keep brightness (sum 1); signed edge detectors respond 0 on flat areas."""
    total = float(make_kernel(name, 5, 1.2).double().sum())
    if name in EDGE_DETECTORS:
        assert total == pytest.approx(0.0, abs=1e-6)
    else:
        assert total == pytest.approx(1.0, abs=1e-6)


# --------------------------------------------------------------------------- fit_kernel


def test_fit_kernel_pads_centred_by_hand():
    sobel = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    want = [
        [0, 0, 0, 0, 0],
        [0, -1, 0, 1, 0],
        [0, -2, 0, 2, 0],
        [0, -1, 0, 1, 0],
        [0, 0, 0, 0, 0],
    ]
    assert fit_kernel(sobel, 5).tolist() == want


def test_fit_kernel_crops_centred_by_hand():
    k = torch.arange(25, dtype=torch.float32).reshape(5, 5)
    assert fit_kernel(k, 3).tolist() == [[6, 7, 8], [11, 12, 13], [16, 17, 18]]
    assert fit_kernel(k, 1).tolist() == [[12]]


def test_fit_kernel_even_sizes_follow_the_identity_centre():
    k = torch.arange(9, dtype=torch.float32).reshape(3, 3)
    # centre (1, 1) of the 3x3 goes to centre (1, 1) of the 4x4: last row and column are new zeros
    assert fit_kernel(k, 4).tolist() == [[0, 1, 2, 0], [3, 4, 5, 0], [6, 7, 8, 0], [0, 0, 0, 0]]
    # 4x4 -> 2x2: centre (1, 1) -> (0, 0)
    k4 = torch.arange(16, dtype=torch.float32).reshape(4, 4)
    assert fit_kernel(k4, 2).tolist() == [[5, 6], [9, 10]]


@pytest.mark.parametrize("src", [1, 2, 3, 4, 7, 9])
@pytest.mark.parametrize("dst", [1, 2, 3, 5, 8, 9])
def test_fit_kernel_keeps_the_identity_an_identity(src, dst):
    assert torch.equal(fit_kernel(make_kernel("identity", src), dst), make_kernel("identity", dst))


@pytest.mark.parametrize("size", [1, 3, 6])
def test_fit_kernel_same_size_is_a_copy(size):
    k = torch.randn(size, size)
    out = fit_kernel(k, size)
    assert torch.equal(out, k)
    out[0, 0] = 99.0
    assert k[0, 0] != 99.0


def test_fit_kernel_grow_then_shrink_round_trips():
    k = torch.randn(3, 3)
    assert torch.equal(fit_kernel(fit_kernel(k, 9), 3), k)


# --------------------------------------------------------------------------- normalise


def test_normalise_by_hand():
    out = normalise(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(out.numpy(), [[0.1, 0.2], [0.3, 0.4]], rtol=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_normalise_sums_to_one_and_keeps_proportions(seed):
    k = torch.rand(5, 5, generator=torch.Generator().manual_seed(seed)) * 7 - 1
    out = normalise(k)
    assert float(out.double().sum()) == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose((out * k.sum()).numpy(), k.numpy(), rtol=1e-5, atol=1e-6)


def test_normalise_negative_sum_flips_sign():
    out = normalise(torch.tensor([[-2.0, -2.0]]))
    assert out.tolist() == [[0.5, 0.5]]


@pytest.mark.parametrize("name", ["sobel_x", "sobel_y", "laplacian", "outline", "prewitt_x", "prewitt_y"])
def test_normalise_refuses_zero_sum_kernels(name):
    with pytest.raises(ValueError, match="Got"):
        normalise(make_kernel(name))


def test_normalise_refuses_all_zero_and_near_zero():
    with pytest.raises(ValueError):
        normalise(torch.zeros(3, 3))
    with pytest.raises(ValueError):
        normalise(torch.tensor([[1.0, -1.0 + 1e-12]], dtype=torch.float64))
