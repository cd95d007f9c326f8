"""The Tensor indexing page's other operations against NumPy: reductions along every axis, reshape / permute /
transpose (shapes, strides, contiguity, refusals); the selection's block found by brute force; custom tensors
seeded; the picture's cells read back."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
import torch

from components.compute import indexing as I
from components.compute import tensors as T
from components.figures.tensor_grid import tensor_html

A_NP = T.SCORES.numpy()


@pytest.mark.parametrize("how", T.REDUCTIONS)
@pytest.mark.parametrize("dim", [None, 0, 1, 2])
@pytest.mark.parametrize("keepdim", [False, True])
def test_reductions_match_numpy(how, dim, keepdim):
    values, where = T.reduce(T.SCORES, how, dim, keepdim)
    if dim is None:
        want = getattr(np, how)(A_NP.astype(np.float64) if how == "mean" else A_NP)
    else:
        want = getattr(np, how)(A_NP.astype(np.float64) if how == "mean" else A_NP, axis=dim, keepdims=keepdim)
    np.testing.assert_allclose(values.numpy(), want, rtol=1e-6)
    if how in ("max", "min") and dim is not None:  # where: the position along dim holding that value
        picked = np.take_along_axis(A_NP, where.numpy() if keepdim else np.expand_dims(where.numpy(), dim), dim)
        np.testing.assert_array_equal(picked.squeeze(dim) if not keepdim else picked, want)


def test_each_students_average_per_subject():
    values, _ = T.reduce(T.SCORES, "mean", 2, False)
    assert values.shape == (2, 3)
    assert values[1, 0].item() == pytest.approx((91 + 87 + 92 + 89) / 4)
    assert "could not infer output dtype" in T.int_mean_error(T.SCORES)
    assert T.reduce_code("mean", 2, False) == "A.float().mean(dim=2)"


@pytest.mark.parametrize(
    ("op", "args"),
    [("reshape", (6, 4)), ("reshape", (-1,)), ("view", (4, -1)), ("permute", (2, 0, 1)), ("transpose", (0, 2)),
     ("flatten", (1,)), ("unsqueeze", (0,)), ("squeeze", ()), ("contiguous_view", (-1,))],
)  # fmt: skip
def test_reshapes_match_numpy(op, args):
    b = T.reshape(T.SCORES, op, args)
    ref = {
        "reshape": lambda: A_NP.reshape(args), "view": lambda: A_NP.reshape(args),
        "permute": lambda: A_NP.transpose(args), "transpose": lambda: np.swapaxes(A_NP, *args),
        "flatten": lambda: A_NP.reshape(2, -1), "unsqueeze": lambda: A_NP[None],
        "squeeze": lambda: A_NP, "contiguous_view": lambda: np.swapaxes(A_NP, 0, 1).reshape(-1),
    }[op]()  # fmt: skip
    np.testing.assert_array_equal(b.numpy(), ref)
    # strides in elements: NumPy's are in bytes
    if op != "contiguous_view":
        big = [k for k, n in enumerate(ref.shape) if n > 1]  # a length-1 axis's stride is arbitrary
        assert [b.stride()[k] for k in big] == [ref.strides[k] // A_NP.itemsize for k in big]
        assert b.is_contiguous() == ref.flags["C_CONTIGUOUS"]


@pytest.mark.parametrize(
    ("op", "args", "message"),
    [("transpose_view", (-1,), "view size is not compatible"), ("view", (5, 5), "invalid for input of size 24"),
     ("transpose", (0, 5), "out of range"), ("permute", (0, 1), "does not match"),
     ("unsqueeze", (0, 1), "unsqueeze")],
)  # fmt: skip
def test_reshape_refusals_are_pytorchs(op, args, message):
    with pytest.raises(T.ShapeProblem) as err:
        T.reshape(T.SCORES, op, args)
    assert err.value.reason == "torch" and message in err.value.detail


def test_parse_shape_and_args():
    assert T.parse_shape("2, 3, 4") == (2, 3, 4) == T.parse_shape("(2,3,4)") == T.parse_shape("2×3×4")
    for bad in ["", "a", "2, 0", "7", "1, 1, 1, 1, 1", "6, 6, 6, 6", "-2"]:
        with pytest.raises(T.ShapeProblem):
            T.parse_shape(bad)
    assert T.parse_args("6, -1") == (6, -1) and T.parse_args("") == ()
    for bad in ["x", "1.5", "1, 2, 3, 4, 5, 6, 7", "123456"]:
        with pytest.raises(T.ShapeProblem):
            T.parse_args(bad)


def test_custom_tensors_are_seeded_integers():
    a = T.custom_tensor((2, 2, 3, 3), 7)
    assert torch.equal(a, T.custom_tensor((2, 2, 3, 3), 7)) and not torch.equal(a, T.custom_tensor((2, 2, 3, 3), 8))
    assert a.dtype == torch.int64 and a.min() >= 0 and a.max() <= 99


def _brute_block(cells, shape):
    """Is the set of cells the product of its coordinates on each axis? (a direct definition)"""
    per_axis = [sorted({c[k] for c in cells}) for k in range(len(shape))]
    return set(itertools.product(*per_axis)) == set(cells)


@pytest.mark.parametrize(
    "text", ["A[1][0][:]", "A[:, 1, 1]", "A[:, :, 1]", "A[A > 90]", "A[[1, 0]]", "A[[0, 0], 1]", "A[0:0]",
             "A[(A > 80) & (A < 85)]", "A[..., None, 0]", "A[[0, 1], [1, 2]]"],
)  # fmt: skip
def test_selection_block_against_brute_force(text):
    index = I.parse_index(text)
    sel = T.select(I.origins(index, T.SCORES), (2, 3, 4))
    flat = I.origins(index, T.SCORES).reshape(-1).tolist()
    cells = [tuple(int(c) for c in np.unravel_index(p, (2, 3, 4))) for p in flat]
    assert set(sel.cells) == set(cells) and len(sel.cells) == len(set(cells))
    assert (sel.block is not None) == (bool(cells) and _brute_block(cells, (2, 3, 4)))
    assert sel.repeats == (len(flat) != len(set(flat)))


def test_picture_cells_read_back():
    marks = np.where(T.picked_mask(T.select(I.origins(I.parse_index("A[1][0]"), T.SCORES), (2, 3, 4)),
                                   (2, 3, 4)), "pick", "")  # fmt: skip
    html = tensor_html(A_NP, marks, ["s0", "s1"], ["r0", "r1", "r2"], ["c0", "c1", "c2", "c3"], "caption")
    cells = re.findall(r'<td data-i="(\d+)" data-v="(-?\d+)"( data-mark="pick")?', html)
    assert [int(i) for i, _, _ in cells] == list(range(24))
    assert [int(v) for _, v, _ in cells] == A_NP.reshape(-1).tolist()
    assert [int(i) for i, _, m in cells if m] == [12, 13, 14, 15]
    one_d = tensor_html(np.array([1, 2, 3]), np.array(["", "pick", ""]), [""], ["A"], ["0", "1", "2"])
    assert 'data-shape="3"' in one_d and one_d.count("<td") == 3
    assert "&lt;b&gt;" in tensor_html(np.array([1]), np.array([""]), ["<b>"], ["A"], ["0"])
