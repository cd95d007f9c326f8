"""components.compute.convolution against a naive NumPy reference written here.

The reference never calls torch or np.pad: padding is explicit index arithmetic
(``_source_index``) and the convolution is a loop over output pixels and taps.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
import torch

from components.compute.convolution import (
    MAX_DILATION,
    MAX_STRIDE,
    PADDING_MODES,
    ConvGeometry,
    ConvSettings,
    GeometryError,
    check_geometry,
    convolve,
    dropped_by_floor,
    gradient_magnitude,
    multiply_add,
    output_size,
    pad,
    source_index,
    to_grayscale,
    uncovered,
    window_taps,
)

ATOL = 1e-5


# --------------------------------------------------------------------------- reference


def _source_index(i: int, n: int, p: int, mode: str) -> int | None:
    """Input index read at padded coordinate ``i`` (``None`` = a zero pixel)."""
    j = i - p
    if 0 <= j < n:
        return j
    if mode == "zeros":
        return None
    if mode == "replicate":
        return 0 if j < 0 else n - 1
    if mode == "circular":
        return j % n
    if mode == "reflect":  # mirror without repeating the edge: -1 -> 1, n -> n - 2
        return -j if j < 0 else 2 * (n - 1) - j
    raise AssertionError(mode)


def ref_pad(img: np.ndarray, p: int, mode: str) -> np.ndarray:
    """``(C, H, W)`` padded by ``p`` with explicit index mapping."""
    c, h, w = img.shape
    out = np.zeros((c, h + 2 * p, w + 2 * p), dtype=np.float64)
    for y in range(h + 2 * p):
        sy = _source_index(y, h, p, mode)
        for x in range(w + 2 * p):
            sx = _source_index(x, w, p, mode)
            if sy is not None and sx is not None:
                out[:, y, x] = img[:, sy, sx]
    return out


def ref_convolve(img: np.ndarray, k: np.ndarray, p: int, mode: str, s: int, d: int) -> np.ndarray:
    """Cross-correlation by explicit loops over output pixels and kernel taps."""
    c, h, w = img.shape
    kk = k.shape[0]
    span = d * (kk - 1) + 1
    h_out = len(range(0, h + 2 * p - span + 1, s))
    w_out = len(range(0, w + 2 * p - span + 1, s))
    out = np.zeros((c, h_out, w_out), dtype=np.float64)
    for oy in range(h_out):
        for ox in range(w_out):
            acc = np.zeros(c)
            for i in range(kk):
                sy = _source_index(oy * s + i * d, h, p, mode)
                if sy is None:
                    continue
                for j in range(kk):
                    sx = _source_index(ox * s + j * d, w, p, mode)
                    if sx is None:
                        continue
                    acc += k[i, j] * img[:, sy, sx]
            out[:, oy, ox] = acc
    return out


def ref_error(h: int, w: int, k: int, p: int, mode: str, s: int, d: int) -> str | None:
    """The reason code the settings must be refused with, from the rules in DESIGN / the docstrings."""
    if mode not in ("zeros", "reflect", "replicate", "circular"):
        return "mode"
    if not (1 <= s <= 8 and 1 <= d <= 4 and p >= 0):
        return "range"
    if mode == "reflect" and p >= min(h, w):
        return "reflect"
    if mode == "circular" and p > min(h, w):
        return "circular"
    span = d * (k - 1) + 1
    if span > h + 2 * p or span > w + 2 * p:
        return "too_big"
    return None


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _image(c: int, h: int, w: int, seed: int = 0) -> np.ndarray:
    return _rng(seed).random((c, h, w))


def _kernel(k: int, seed: int = 1) -> np.ndarray:
    return _rng(seed).normal(size=(k, k))


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float32)


# --------------------------------------------------------------------------- the reference itself


def test_reference_padding_by_hand():
    """Pin the reference's padding against hand-written rows, so a wrong reference cannot hide a bug."""
    row = np.tile([1.0, 2.0, 3.0, 4.0], (5, 1))[None]  # 5 equal rows, so reflect by 2 is valid vertically
    assert ref_pad(row, 2, "zeros")[0, 2].tolist() == [0, 0, 1, 2, 3, 4, 0, 0]
    assert ref_pad(row, 2, "replicate")[0, 2].tolist() == [1, 1, 1, 2, 3, 4, 4, 4]
    assert ref_pad(row, 2, "reflect")[0, 2].tolist() == [3, 2, 1, 2, 3, 4, 3, 2]
    assert ref_pad(row, 2, "circular")[0, 2].tolist() == [3, 4, 1, 2, 3, 4, 1, 2]


def test_reference_convolution_by_hand():
    img = np.arange(16, dtype=np.float64).reshape(1, 4, 4)
    box = np.ones((2, 2))
    # top-left window 0+1+4+5 = 10, stride 2 -> next window 2+3+6+7 = 18
    assert ref_convolve(img, box, 0, "zeros", 2, 1)[0].tolist() == [[10, 18], [42, 50]]
    # dilation 3 on 4x4: the only window reads the four corners 0+3+12+15
    assert ref_convolve(img, box, 0, "zeros", 1, 3)[0].tolist() == [[30]]


# --------------------------------------------------------------------------- pad


@pytest.mark.parametrize("mode", PADDING_MODES)
@pytest.mark.parametrize("p", [0, 1, 2, 4])
def test_pad_matches_reference(mode, p):
    img = _image(3, 5, 7, seed=p)
    got = pad(_t(img), ConvGeometry(3, p, mode))
    np.testing.assert_allclose(got.numpy(), ref_pad(img, p, mode), atol=ATOL)


# --------------------------------------------------------------------------- source_index


@pytest.mark.parametrize("mode", PADDING_MODES)
@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_source_index_matches_the_reference_wherever_torch_can_pad(mode, n):
    p_max = n - 1 if mode == "reflect" else n if mode == "circular" else 2 * n + 3
    for j in range(-p_max, n + p_max):
        assert source_index(j, n, mode) == _source_index(j + p_max, n, p_max, mode), (j, n, mode)


def test_source_index_by_hand():
    assert [source_index(i, 4, "zeros") for i in (-1, 0, 3, 4)] == [None, 0, 3, None]
    assert [source_index(i, 4, "replicate") for i in (-3, -1, 2, 4, 9)] == [0, 0, 2, 3, 3]
    assert [source_index(i, 4, "circular") for i in (-5, -1, 4, 7)] == [3, 3, 0, 3]
    # reflect keeps mirroring beyond one image length: ... 0 1 2 1 | 0 1 2 | 1 0 1 2 1 0 ...
    assert [source_index(i, 3, "reflect") for i in range(-4, 7)] == [0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2]
    assert [source_index(i, 1, "reflect") for i in (-2, 0, 3)] == [0, 0, 0]


# --------------------------------------------------------------------------- convolve


def _padding_for(h: int, w: int, k: int, mode: str, s: int, d: int) -> int | None:
    """A padding that is valid for these settings, varied with the case, or None."""
    start = (k + s + d) % 4
    for p in [*range(start, 9), *range(start)]:
        if ref_error(h, w, k, p, mode, s, d) is None:
            return p
    return None


@pytest.mark.parametrize("mode", PADDING_MODES)
@pytest.mark.parametrize("stride", range(1, MAX_STRIDE + 1))
@pytest.mark.parametrize("dilation", range(1, MAX_DILATION + 1))
def test_convolve_matches_naive_loops(mode, stride, dilation):
    checked = 0
    for k in (1, 2, 3, 4, 5):
        for c, h, w in ((3, 9, 13), (1, 8, 11)):
            p = _padding_for(h, w, k, mode, stride, dilation)
            if p is None:
                continue
            seed = 100 * k + 10 * stride + dilation
            img, ker = _image(c, h, w, seed), _kernel(k, seed + 1)
            g = ConvGeometry(k, p, mode, stride, dilation)
            got = convolve(_t(img), _t(ker), g)
            want = ref_convolve(img, ker, p, mode, stride, dilation)
            assert got.shape == want.shape, (g, c, h, w)
            np.testing.assert_allclose(got.numpy(), want, atol=ATOL, err_msg=str((g, c, h, w)))
            checked += 1
    assert checked >= 8


@pytest.mark.parametrize("mode", PADDING_MODES)
@pytest.mark.parametrize("k", [1, 2, 3, 4, 6, 7])
@pytest.mark.parametrize("p", [0, 1, 3])
def test_convolve_kernel_sizes_and_paddings(mode, k, p):
    img, ker = _image(3, 7, 10, seed=k + p), _kernel(k, seed=k)
    g = ConvGeometry(k, p, mode)
    got = convolve(_t(img), _t(ker), g)
    np.testing.assert_allclose(got.numpy(), ref_convolve(img, ker, p, mode, 1, 1), atol=ATOL)


@pytest.mark.parametrize("mode", PADDING_MODES)
def test_convolve_grayscale_keeps_one_channel(mode):
    img, ker = _image(1, 6, 9, seed=3), _kernel(3, seed=4)
    out = convolve(_t(img), _t(ker), ConvGeometry(3, 2, mode, 2, 1))
    assert out.shape[0] == 1
    np.testing.assert_allclose(out.numpy(), ref_convolve(img, ker, 2, mode, 2, 1), atol=ATOL)


def test_convolve_identity_kernel_returns_the_input():
    img = _image(3, 6, 8, seed=5)
    ker = np.zeros((3, 3))
    ker[1, 1] = 1
    out = convolve(_t(img), _t(ker), ConvGeometry(3, 1))
    np.testing.assert_allclose(out.numpy(), img, atol=1e-7)


def test_convolve_hand_computed_sobel():
    """A vertical step edge: Sobel x responds with 4 on the edge columns, 0 elsewhere."""
    img = np.zeros((1, 4, 5))
    img[0, :, 3:] = 1.0
    sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
    out = convolve(_t(img), _t(sobel_x), ConvGeometry(3)).numpy()
    assert out[0].tolist() == [[0, 4, 4], [0, 4, 4]]


@pytest.mark.parametrize("mode", PADDING_MODES)
def test_convolve_one_pixel_image_with_one_by_one_kernel(mode):
    out = convolve(torch.tensor([[[0.25]]]), torch.tensor([[3.0]]), ConvGeometry(1, 0, mode))
    assert out.shape == (1, 1, 1)
    assert out.item() == pytest.approx(0.75)


def test_convolve_one_pixel_image_zero_padded():
    out = convolve(torch.tensor([[[0.5]]]), torch.ones(3, 3), ConvGeometry(3, 1))
    assert out.shape == (1, 1, 1)
    assert out.item() == pytest.approx(0.5)


def test_convolve_huge_dilated_kernel_on_small_image_is_refused():
    g = ConvGeometry(15, 0, "zeros", 1, 4)
    assert g.span == 57
    with pytest.raises(GeometryError) as err:
        convolve(torch.rand(3, 20, 30), torch.ones(15, 15), g)
    assert err.value.reason == "too_big"


def test_convolve_rejects_kernel_of_wrong_shape():
    with pytest.raises(ValueError, match="Got"):
        convolve(torch.rand(3, 8, 8), torch.ones(3, 3), ConvGeometry(5, 2))
    with pytest.raises(ValueError):
        convolve(torch.rand(3, 8, 8), torch.ones(3, 4), ConvGeometry(3, 1))


def test_convolve_rgb_output_permutes_to_a_contiguous_hwc_view():
    out = convolve(torch.rand(3, 10, 12), torch.ones(3, 3), ConvGeometry(3, 1))
    assert out.permute(1, 2, 0).is_contiguous()


def test_convolve_does_not_modify_its_inputs():
    img, ker = torch.rand(3, 6, 7), torch.randn(3, 3)
    img0, ker0 = img.clone(), ker.clone()
    convolve(img, ker, ConvGeometry(3, 2, "reflect", 2, 2))
    assert torch.equal(img, img0) and torch.equal(ker, ker0)


# --------------------------------------------------------------------------- output_size


@pytest.mark.parametrize("n", [1, 2, 5, 8, 13])
def test_output_size_matches_torch_shape_and_window_count(n):
    w = n + 3
    img = torch.rand(1, n, w)
    for k, p, s, d in itertools.product((1, 2, 3, 5), (0, 1, 3), (1, 2, 3, 8), (1, 2, 4)):
        g = ConvGeometry(k, p, "zeros", s, d)
        span = d * (k - 1) + 1
        # independent count: window start positions 0, s, 2s, ... that still fit
        count_h = len(range(0, n + 2 * p - span + 1, s))
        count_w = len(range(0, w + 2 * p - span + 1, s))
        assert output_size(n, g) == count_h, g
        assert output_size(w, g) == count_w, g
        if count_h == 0 or count_w == 0:
            with pytest.raises(GeometryError) as err:
                convolve(img, torch.ones(k, k), g)
            assert err.value.reason == "too_big"
        else:
            assert tuple(convolve(img, torch.ones(k, k), g).shape) == (1, count_h, count_w), g


@pytest.mark.parametrize(
    ("n", "k", "p", "s", "d", "expected"),
    [
        (224, 3, 1, 1, 1, 224),  # "same" padding
        (224, 7, 3, 2, 1, 112),  # ResNet stem
        (5, 3, 0, 2, 1, 2),
        (6, 3, 0, 2, 1, 2),  # floor drops the last column
        (7, 3, 0, 1, 3, 1),  # span 7
        (7, 3, 0, 1, 4, 0),  # span 9 > 7
        (1, 1, 0, 8, 1, 1),
    ],
)
def test_output_size_hand_computed(n, k, p, s, d, expected):
    assert output_size(n, ConvGeometry(k, p, "zeros", s, d)) == expected


def test_span():
    assert ConvGeometry(3).span == 3
    assert ConvGeometry(3, dilation=2).span == 5
    assert ConvGeometry(15, dilation=4).span == 57
    assert ConvGeometry(1, dilation=4).span == 1


# --------------------------------------------------------------------------- window_taps / uncovered


def test_window_taps_hand_computed():
    assert window_taps(0, 0, ConvGeometry(3)) == ([0, 1, 2], [0, 1, 2])
    assert window_taps(2, 1, ConvGeometry(3, stride=2, dilation=3)) == ([4, 7, 10], [2, 5, 8])
    assert window_taps(1, 3, ConvGeometry(1, stride=8)) == ([8], [24])


def _read_indices(n: int, g: ConvGeometry) -> set[int]:
    """Unpadded input indices read by any tap of any output position (brute force)."""
    read = set()
    for o in range(output_size(n, g)):
        rows, _ = window_taps(o, 0, g)
        read.update(r - g.padding for r in rows)
    return {i for i in read if 0 <= i < n}


def _boxed_indices(n: int, g: ConvGeometry) -> set[int]:
    """Unpadded input indices inside any window's span (the box drawn on screen)."""
    inside = set()
    for o in range(output_size(n, g)):
        rows, _ = window_taps(o, 0, g)
        inside.update(range(rows[0] - g.padding, rows[-1] - g.padding + 1))
    return {i for i in inside if 0 <= i < n}


GEOMS = [
    ConvGeometry(k, p, "zeros", s, d)
    for k, p, s, d in itertools.product((1, 2, 3, 5), (0, 1, 2, 6), range(1, 9), range(1, 5))
]


@pytest.mark.parametrize("n", [1, 3, 7, 10, 16])
def test_dropped_by_floor_is_everything_after_the_last_window(n):
    """dropped_by_floor() is exactly the input indices after the last tap of the last window."""
    for g in GEOMS:
        if output_size(n, g) == 0:
            assert dropped_by_floor(n, g) == list(range(n)), g
            continue
        last_tap = max(r for o in range(output_size(n, g)) for r in window_taps(o, 0, g)[0])  # padded coords
        trailing = [i for i in range(n) if i + g.padding > last_tap]
        assert dropped_by_floor(n, g) == trailing, g


@pytest.mark.parametrize("n", [1, 3, 7, 10, 16])
def test_uncovered_equals_brute_force(n):
    """uncovered() is every input index that no tap of any window reads (gaps and dilation holes included)."""
    for g in GEOMS:
        assert uncovered(n, g) == sorted(set(range(n)) - _read_indices(n, g)), g
        assert set(dropped_by_floor(n, g)) <= set(uncovered(n, g)), g
        if g.stride <= g.span and g.dilation == 1:  # windows touch and taps fill them: only the floor drops
            assert uncovered(n, g) == dropped_by_floor(n, g), g


def test_uncovered_hand_computed():
    assert uncovered(6, ConvGeometry(3, 0, stride=2)) == [5]  # windows at 0-2, 2-4: column 5 dropped
    assert uncovered(9, ConvGeometry(3, 1, stride=3)) == [8]  # padded 0-10: windows end at padded 8 = input 7
    assert uncovered(7, ConvGeometry(3, 0, stride=2)) == []
    assert uncovered(4, ConvGeometry(5)) == [0, 1, 2, 3]  # nothing fits


def test_uncovered_when_nothing_fits_is_every_index():
    g = ConvGeometry(5, 0, "zeros", 1, 4)
    assert output_size(6, g) == 0
    assert uncovered(6, g) == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("n", "g"),
    [
        (3, ConvGeometry(1, 5, "zeros", 8, 1)),  # windows at padded 0 and 8; the input is at padded 5..7
        (5, ConvGeometry(1, 0, "zeros", 2, 1)),  # 1x1 stride 2: odd indices never read
        (9, ConvGeometry(2, 0, "zeros", 4, 1)),  # windows 0-1, 4-5: 2, 3, 6, 7 skipped
    ],
)
def test_uncovered_includes_indices_skipped_between_windows(n, g):
    assert uncovered(n, g) == sorted(set(range(n)) - _read_indices(n, g))


# --------------------------------------------------------------------------- check_geometry


def test_check_geometry_reasons_by_hand():
    def reason(h, w, g):
        with pytest.raises(GeometryError) as err:
            check_geometry(h, w, g)
        return err.value.reason

    assert reason(5, 5, ConvGeometry(7)) == "too_big"
    assert reason(5, 9, ConvGeometry(3, 0, "zeros", 1, 4)) == "too_big"  # span 9 > height 5
    assert reason(5, 9, ConvGeometry(3, 5, "reflect")) == "reflect"  # P = short side
    assert reason(5, 9, ConvGeometry(3, 6, "circular")) == "circular"  # P > short side
    assert reason(5, 5, ConvGeometry(3, 1, "wrap")) == "mode"
    assert reason(5, 5, ConvGeometry(3, 1, "zeros", 0)) == "range"
    assert reason(5, 5, ConvGeometry(3, 1, "zeros", 9)) == "range"
    assert reason(5, 5, ConvGeometry(3, 1, "zeros", 1, 0)) == "range"
    assert reason(5, 5, ConvGeometry(3, 1, "zeros", 1, 5)) == "range"
    assert reason(5, 5, ConvGeometry(3, -1)) == "range"
    # the limits themselves are fine
    check_geometry(5, 9, ConvGeometry(3, 4, "reflect"))
    check_geometry(5, 9, ConvGeometry(3, 5, "circular"))
    check_geometry(5, 9, ConvGeometry(3, 0, "zeros", 1, 2))  # span 5 == height 5
    check_geometry(5, 5, ConvGeometry(3, 100, "replicate", 8, 4))


def test_geometry_error_is_a_value_error_with_got_in_message():
    with pytest.raises(ValueError, match="Got") as err:
        check_geometry(4, 4, ConvGeometry(9))
    assert isinstance(err.value, GeometryError)


@pytest.mark.parametrize(("h", "w"), [(1, 1), (2, 5), (5, 2), (6, 6)])
def test_check_geometry_agrees_with_the_rules_and_with_torch(h, w):
    """Every accepted geometry really runs in convolve; every refusal has the reason the rules give."""
    img = torch.rand(2, h, w)
    for mode, k, p, s, d in itertools.product(PADDING_MODES, (1, 2, 3, 5), (0, 1, 2, 5, 6), (1, 3), (1, 2, 4)):
        g = ConvGeometry(k, p, mode, s, d)
        expected = ref_error(h, w, k, p, mode, s, d)
        if expected is None:
            check_geometry(h, w, g)
            out = convolve(img, torch.ones(k, k), g)
            assert out.shape == (2, output_size(h, g), output_size(w, g))
        else:
            with pytest.raises(GeometryError) as err:
                check_geometry(h, w, g)
            assert err.value.reason == expected, g
            with pytest.raises(GeometryError):
                convolve(img, torch.ones(k, k), g)


# --------------------------------------------------------------------------- multiply_add


@pytest.mark.parametrize(
    "g",
    [
        ConvGeometry(3, 1, "zeros"),
        ConvGeometry(3, 2, "reflect", 2, 1),
        ConvGeometry(4, 3, "replicate", 3, 2),
        ConvGeometry(5, 4, "circular", 1, 2),
        ConvGeometry(2, 0, "zeros", 1, 3),
        ConvGeometry(1, 1, "reflect", 2, 1),
    ],
    ids=str,
)
def test_multiply_add_total_is_the_output_pixel(g):
    img, ker = _image(3, 7, 9, seed=g.kernel_size), _kernel(g.kernel_size, seed=g.padding)
    timg, tker = _t(img), _t(ker)
    out = convolve(timg, tker, g)
    padded = ref_pad(img, g.padding, g.padding_mode)
    h_out, w_out = out.shape[1:]
    pixels = {(0, 0), (h_out - 1, w_out - 1), (0, w_out - 1), (h_out - 1, 0), (h_out // 2, w_out // 2)}
    pixels |= {(y, x) for y in range(h_out) for x in range(w_out) if (y + 2 * x) % 3 == 0}
    for c in range(3):
        for oy, ox in sorted(pixels):
            ma = multiply_add(timg[c], tker, g, oy, ox)
            assert ma.total == pytest.approx(float(out[c, oy, ox]), abs=ATOL)
            rows = [oy * g.stride + g.dilation * i for i in range(g.kernel_size)]
            cols = [ox * g.stride + g.dilation * j for j in range(g.kernel_size)]
            assert (ma.rows, ma.cols) == (rows, cols)
            np.testing.assert_allclose(ma.patch.numpy(), padded[c][np.ix_(rows, cols)], atol=1e-7)
            np.testing.assert_allclose(ma.weights.numpy(), ker, atol=1e-6)
            np.testing.assert_allclose(ma.products.numpy(), padded[c][np.ix_(rows, cols)] * ker, atol=1e-5)
            assert ma.total == pytest.approx(float((padded[c][np.ix_(rows, cols)] * ker).sum()), abs=ATOL)


def test_multiply_add_hand_computed():
    channel = torch.arange(9, dtype=torch.float32).reshape(3, 3)
    ma = multiply_add(channel, torch.ones(3, 3), ConvGeometry(3, 1), 0, 0)
    assert ma.patch.tolist() == [[0, 0, 0], [0, 0, 1], [0, 3, 4]]
    assert ma.total == 8.0


@pytest.mark.parametrize(("oy", "ox"), [(-1, 0), (0, -1), (3, 0), (0, 3)])
def test_multiply_add_rejects_pixels_outside_the_output(oy, ox):
    with pytest.raises(ValueError, match="Got"):
        multiply_add(torch.rand(5, 5), torch.ones(3, 3), ConvGeometry(3), oy, ox)


# --------------------------------------------------------------------------- grayscale, gradient


def test_to_grayscale_matches_luma_formula():
    img = _image(3, 6, 7, seed=11)
    want = 0.299 * img[0] + 0.587 * img[1] + 0.114 * img[2]
    got = to_grayscale(_t(img))
    assert got.shape == (1, 6, 7)
    # torchvision weighs red 0.2989: the difference is below 1e-4 of full scale (see the xfail below)
    np.testing.assert_allclose(got[0].numpy(), want, atol=1.5e-4)


@pytest.mark.parametrize(
    ("rgb", "luma"),
    [((1, 0, 0), 0.299), ((0, 1, 0), 0.587), ((0, 0, 1), 0.114), ((0, 0, 0), 0.0), ((0.5, 0.5, 0.5), 0.5)],
)
def test_to_grayscale_primaries(rgb, luma):
    img = torch.tensor(rgb, dtype=torch.float32).reshape(3, 1, 1).expand(3, 2, 2)
    assert to_grayscale(img)[0, 0, 0].item() == pytest.approx(luma, abs=1.5e-4)


def test_to_grayscale_uses_torchvisions_documented_weights():
    img = _image(3, 4, 5, seed=12)
    want = 0.2989 * img[0] + 0.587 * img[1] + 0.114 * img[2]
    np.testing.assert_allclose(to_grayscale(_t(img))[0].numpy(), want, atol=1e-6)
    assert to_grayscale(torch.ones(3, 1, 1)).item() == pytest.approx(0.9999, abs=1e-6)


def test_gradient_magnitude_matches_numpy():
    rng = _rng(13)
    gx, gy = rng.normal(size=(3, 5, 6)) * 4, rng.normal(size=(3, 5, 6)) * 4
    got = gradient_magnitude(_t(gx), _t(gy))
    np.testing.assert_allclose(got.numpy(), np.sqrt(gx**2 + gy**2), rtol=1e-5, atol=1e-6)


def test_gradient_magnitude_hand_computed_and_no_overflow():
    got = gradient_magnitude(torch.tensor([3.0, -5.0, 0.0, 3e30]), torch.tensor([-4.0, 12.0, 0.0, 4e30]))
    np.testing.assert_allclose(got.numpy(), [5.0, 13.0, 0.0, 5e30], rtol=1e-6)


# --------------------------------------------------------------------------- settings


def test_conv_settings_defaults_are_a_runnable_view():
    from components.compute.kernels import KERNELS, make_kernel

    s = ConvSettings()
    assert dataclasses.is_dataclass(s)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.stride = 2  # type: ignore[misc]
    assert s.kernel in KERNELS and s.padding_mode in PADDING_MODES
    assert s.color in ("rgb", "gray") and s.display in ("auto", "clamp", "signed")
    kernel = make_kernel(s.kernel, s.size, s.sigma)
    g = ConvGeometry(kernel.shape[0], s.padding, s.padding_mode, s.stride, s.dilation)
    out = convolve(torch.rand(3, 16, 20), kernel, g)
    assert out.shape == (3, 16, 20)  # K=3, P=1, S=1: the default keeps the size
