"""Linear maps against independent references: NumPy's ``x @ W.T + b`` and ``numpy.linalg`` (determinant, eigen-
and singular values), hand formulas for angles and lengths, a hand-written bilinear lookup for the warped picture,
NumPy matrix products and a NumPy ReLU network."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from components.compute import linear_maps as L

entry = st.floats(-L.LIMIT, L.LIMIT, allow_nan=False).map(lambda v: round(v, 2))
matrices = st.lists(entry, min_size=4, max_size=4).map(lambda v: torch.tensor(v, dtype=torch.float64).reshape(2, 2))
vectors = st.lists(st.floats(-2, 2, allow_nan=False), min_size=2, max_size=2).map(
    lambda v: torch.tensor(v, dtype=torch.float64)
)


def test_presets_are_the_textbook_matrices():
    a = math.radians(30)
    assert np.allclose(L.preset_matrix("rotation", 30), [[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    assert L.preset_matrix("rotation", 90).tolist() == [[0.0, -1.0], [1.0, 0.0]]  # exact zeros, not 6e-17
    r = L.preset_matrix("reflection", 30).numpy()
    assert np.allclose(r @ r, np.eye(2)) and np.isclose(np.linalg.det(r), -1)
    mirror_line = np.array([math.cos(a), math.sin(a)])
    assert np.allclose(r @ mirror_line, mirror_line)  # the line at 30° is kept, point by point
    assert np.linalg.matrix_rank(L.preset_matrix("projection").numpy()) == 1
    assert L.preset_matrix("shear").tolist() == [[1.0, 1.0], [0.0, 1.0]]
    with pytest.raises(ValueError, match="Got 'custom'"):
        L.preset_matrix("custom")


@settings(max_examples=60, deadline=None)
@given(matrices, vectors, st.lists(vectors, min_size=1, max_size=5))
def test_nn_linear_is_x_times_w_transposed_plus_b(w, b, rows):
    b = b.clamp(-L.BIAS_LIMIT, L.BIAS_LIMIT)
    layer = L.make_linear(w, b)
    assert isinstance(layer, torch.nn.Linear) and layer.weight.shape == (2, 2)  # (out_features, in_features)
    x = torch.stack(rows)
    expected = x.numpy() @ w.numpy().T + b.numpy()
    assert np.allclose(L.apply(layer, x).numpy(), expected)
    assert np.allclose(L.apply(layer, x[0]).numpy(), w.numpy() @ x[0].numpy() + b.numpy())


def test_entries_beyond_the_bounds_are_clamped():
    layer = L.make_linear(torch.full((2, 2), 50.0), torch.full((2,), -9.0))
    assert layer.weight.max() == L.LIMIT and layer.bias.min() == -L.BIAS_LIMIT


@settings(max_examples=120, deadline=None)
@given(matrices)
def test_analysis_matches_numpy_linalg(w):
    a = L.analyse(w)
    n = w.numpy()
    assert math.isclose(a.det, np.linalg.det(n), abs_tol=1e-9)
    assert np.allclose(sorted(a.eigenvalues.numpy(), key=lambda z: (z.real, z.imag)),
                       sorted(np.linalg.eigvals(n), key=lambda z: (z.real, z.imag)), atol=1e-6)  # fmt: skip
    assert np.allclose(a.singular, np.linalg.svd(n, compute_uv=False), atol=1e-9)
    for k in range(2):  # the ellipse's semi-axes: W v_k = σ_k u_k
        assert np.allclose(n @ a.v[:, k].numpy(), a.singular[k] * a.u[:, k].numpy(), atol=1e-9)
    for lam, d in a.directions:  # a direction W does not turn: W d = λ d, d a unit vector
        assert np.isclose(np.linalg.norm(d.numpy()), 1)
        assert np.allclose(n @ d.numpy(), lam * d.numpy(), atol=1e-6)
    trace, det = np.trace(n), np.linalg.det(n)
    if trace**2 - 4 * det < -1e-6:  # complex eigenvalues: no direction is kept
        assert a.directions == ()


def test_special_cases_of_the_eigenvectors():
    assert L.analyse(L.preset_matrix("rotation", 30)).directions == ()
    shear = L.analyse(L.preset_matrix("shear"))
    assert len(shear.directions) == 1 and shear.directions[0][1].tolist() == [1.0, 0.0]  # one direction only
    assert L.analyse(2 * torch.eye(2, dtype=torch.float64)).every_direction
    assert not L.analyse(L.preset_matrix("scale")).every_direction
    default = L.analyse(torch.tensor([[1.0, 0.5], [0.25, 1.25]], dtype=torch.float64))
    found = sorted((round(lam, 9), tuple(np.round(d.numpy(), 9))) for lam, d in default.directions)
    assert found == [(0.75, tuple(np.round([2 / 5**0.5, -1 / 5**0.5], 9))), (1.5, tuple(np.round([0.5**0.5] * 2, 9)))]


@settings(max_examples=80, deadline=None)
@given(matrices, vectors)
def test_the_vectors_turn_and_stretch_by_hand(w, x):
    change = L.vector_change(w, x)
    wx = w.numpy() @ x.numpy()
    assert np.allclose(change.wx.numpy(), wx)
    assert math.isclose(change.length, math.hypot(*x.tolist()), abs_tol=1e-12)
    assert math.isclose(change.new_length, math.hypot(*wx), abs_tol=1e-12)
    if change.angle is None:
        assert min(change.length, change.new_length) <= L.EPS
        return
    cos = float(np.dot(x.numpy(), wx) / (change.length * change.new_length))
    unsigned = math.degrees(math.acos(max(-1.0, min(1.0, cos))))
    assert math.isclose(abs(change.angle), unsigned, abs_tol=1e-6)
    cross = x[0].item() * wx[1] - x[1].item() * wx[0]
    if abs(cross) > 1e-9:
        assert (change.angle > 0) == (cross > 0)  # counter-clockwise is positive


def test_a_rotation_turns_by_its_angle_and_keeps_lengths():
    change = L.vector_change(L.preset_matrix("rotation", 40), torch.tensor([1.0, 0.5]))
    assert math.isclose(change.angle, 40) and math.isclose(change.length, change.new_length)
    flipped = L.vector_change(-torch.eye(2, dtype=torch.float64), torch.tensor([1.0, 0.0]))
    assert flipped.angle == 180.0


def test_the_animation_goes_from_the_identity_to_w_then_adds_b():
    w = torch.tensor([[0.0, -1.0], [2.0, 0.5]], dtype=torch.float64)
    b = torch.tensor([1.0, -0.5], dtype=torch.float64)
    stages = L.stages(w, b, steps=4)
    assert len(stages) == 9 and [s[0] for s in stages] == [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]
    assert torch.equal(stages[0][1], torch.eye(2, dtype=torch.float64)) and not stages[0][2].any()
    assert np.allclose(stages[2][1].numpy(), 0.5 * np.eye(2) + 0.5 * w.numpy())
    assert torch.equal(stages[4][1], w) and not stages[4][2].any()
    assert torch.equal(stages[-1][1], w) and torch.allclose(stages[-1][2], b)


def test_grid_lines_and_dense_lines():
    ends = L.grid_lines(3)
    assert ends.shape == (14, 2, 2)
    assert {tuple(line[0].tolist()) for line in ends[:7]} == {(k, -3.0) for k in range(-3, 4)}
    dense = L.dense_lines(3, 5)
    assert dense.shape == (14, 5, 2) and torch.allclose(dense[:, [0, -1]], ends)
    assert np.allclose(dense[0, :, 1].numpy(), [-3, -1.5, 0, 1.5, 3])


def _bilinear(image: np.ndarray, u: float, v: float) -> np.ndarray:
    """Hand-written bilinear lookup at picture coordinates (u right, v up) in [0, 1]², pixel centres at
    ``(k + 0.5) / size``, zero outside (``grid_sample``'s ``align_corners=False``, ``padding_mode="zeros"``)."""
    c, h, w = image.shape
    col, row = u * w - 0.5, (1 - v) * h - 0.5
    c0, r0 = math.floor(col), math.floor(row)
    out = np.zeros(c)
    for dr in (0, 1):
        for dc in (0, 1):
            r, cc = r0 + dr, c0 + dc
            weight = (1 - abs(row - r)) * (1 - abs(col - cc))
            if 0 <= r < h and 0 <= cc < w:
                out += weight * image[:, r, cc]
    return out


@pytest.mark.parametrize(
    "w, b",
    [([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]), ([[1.0, 0.5], [0.25, 1.25]], [0.3, -0.2]),
     ([[0.0, -2.0], [1.0, 0.0]], [-1.0, 0.5]), ([[-1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])],
)  # fmt: skip
def test_the_warped_picture_looks_up_where_each_pixel_came_from(w, b):
    g = torch.Generator().manual_seed(0)
    image = torch.rand(3, 12, 16, generator=g)
    w, b = torch.tensor(w, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
    extent, size = 3.0, 60
    out = L.warp_picture(image, w, b, extent, size).numpy()
    assert out.shape == (4, size, size)
    inverse = np.linalg.inv(w.numpy())
    rgba = np.concatenate([image.numpy(), np.ones((1, 12, 16))])
    for row, col in [(10, 30), (25, 33), (31, 29), (40, 5), (29, 31), (20, 40), (0, 0)]:
        point = np.array([(col + 0.5) * 2 * extent / size - extent, extent - (row + 0.5) * 2 * extent / size])
        u, v = inverse @ (point - b.numpy())
        assert np.allclose(out[:, row, col], _bilinear(rgba, u, v), atol=1e-5), (row, col)


def test_a_collapsed_picture_lands_on_its_line():
    image = torch.rand(3, 20, 20, generator=torch.Generator().manual_seed(1))
    w = L.preset_matrix("projection")  # everything lands on y = b[1]
    b = torch.tensor([0.5, 1.0], dtype=torch.float64)
    extent, size = 2.0, 80
    out = L.warp_picture(image, w, b, extent, size)
    rows, cols = torch.nonzero(out[3] > 0, as_tuple=True)
    ys = extent - (rows.double() + 0.5) * 2 * extent / size
    xs = (cols.double() + 0.5) * 2 * extent / size - extent
    assert rows.numel() > 0
    assert (ys - 1.0).abs().max() <= 2 * 2 * extent / size  # within the mark's two pixels
    assert xs.min() >= 0.5 - 0.1 and xs.max() <= 1.5 + 0.1  # x[0] in [0, 1] moved by 0.5
    zero = L.warp_picture(image, torch.zeros(2, 2, dtype=torch.float64), b, extent, size)
    assert 0 < int((zero[3] > 0).sum()) <= 4  # a single point


def test_composition_against_numpy_and_nn_sequential():
    a, b = L.preset_matrix("shear"), L.preset_matrix("rotation", 90)
    ab, ba = L.compose(a, b)
    assert np.allclose(ab.numpy(), a.numpy() @ b.numpy()) and np.allclose(ba.numpy(), b.numpy() @ a.numpy())
    assert not torch.allclose(ab, ba)
    seq = torch.nn.Sequential(L.make_linear(b), L.make_linear(a))  # b first, then a
    x = torch.randn(5, 2, dtype=torch.float64)
    assert np.allclose(L.apply(seq, x).numpy(), x.numpy() @ ab.numpy().T)
    r1, r2 = L.compose(L.preset_matrix("rotation", 20), L.preset_matrix("rotation", 70))
    assert torch.allclose(r1, r2) and torch.allclose(r1, L.preset_matrix("rotation", 90), atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(matrices, vectors, matrices)
def test_the_fold_network_against_numpy(w1, b1, w2):
    b1 = b1.clamp(-L.BIAS_LIMIT, L.BIAS_LIMIT)
    net = L.fold_network(w1, b1, w2, torch.zeros(2, dtype=torch.float64))
    points = L.lattice()
    seen = L.fold_stages(net, points)
    h = points.numpy() @ w1.numpy().T + b1.numpy()
    relu = np.maximum(h, 0)
    assert len(seen) == 4 and np.allclose(seen[1].numpy(), h) and np.allclose(seen[2].numpy(), relu)
    assert np.allclose(seen[3].numpy(), relu @ w2.numpy().T)
    pattern = L.sign_pattern(seen[1]).numpy()
    clear = (np.abs(h) > 1e-9).all(1)  # a point exactly on an axis of h: its side is rounding noise (1e-16)
    assert np.array_equal(pattern[clear], ((h[:, 0] > 0) + 2 * (h[:, 1] > 0))[clear])
    assert np.allclose(relu[pattern == 0], 0)  # both ≤ 0: sent to the origin


def test_lattice():
    points = L.lattice(3, 1)
    assert points.shape == (9, 2) and {tuple(p) for p in points.tolist()} == {
        (i, j) for i in (-1.0, 0.0, 1.0) for j in (-1.0, 0.0, 1.0)
    }
    assert L.lattice().shape == (L.LATTICE**2, 2)
