"""Tensor indexing against NumPy: every index of the grammar (random ones from hypothesis) picks the same values
as NumPy indexing of the same array, the cells traced back are the ones NumPy picks, view or copy agrees with
``np.shares_memory``; the words name the picked cells; hostile text is refused by the parser only."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from components.compute import indexing as I
from components.compute import tensors as T

SHAPE = (2, 3, 4)
A_NP = T.SCORES.numpy()


def _text(item) -> str:
    if isinstance(item, slice):
        parts = ["" if v is None else str(v) for v in (item.start, item.stop, item.step)]
        return f"{parts[0]}:{parts[1]}" + (f":{parts[2]}" if item.step is not None else "")
    if item is Ellipsis:
        return "..."
    return repr(item)


def _np_index(subs):
    out = A_NP
    for sub in subs:
        out = out[sub[0] if len(sub) == 1 else tuple(sub)]
    return out


def _mixes_ints_and_lists(sub) -> bool:
    return any(isinstance(i, int) for i in sub) and any(isinstance(i, list) for i in sub)


small = st.integers(-5, 5)
items = st.one_of(
    small,
    st.builds(slice, st.none() | small, st.none() | small, st.none() | st.integers(1, 3)),
    st.just(Ellipsis),
    st.just(None),
    st.lists(st.integers(-2, 1), min_size=1, max_size=3),
    st.lists(st.booleans(), min_size=2, max_size=2),
)
# NumPy refuses a second ``...`` in one bracket where PyTorch accepts it: one at most
one_bracket = st.lists(items, min_size=1, max_size=3).filter(lambda sub: sum(i is Ellipsis for i in sub) <= 1)
subscripts = st.lists(one_bracket, min_size=1, max_size=3)


@settings(max_examples=400, deadline=None)
@given(subscripts)
def test_random_indices_pick_what_numpy_picks(subs):
    text = "A" + "".join("[" + ", ".join(_text(i) for i in sub) + "]" for sub in subs)
    try:
        want = _np_index(subs)
    except IndexError:
        try:
            got = I.apply_index(I.parse_index(text), T.SCORES)
        except I.IndexProblem as err:
            assert err.reason == "torch"
            return
        # PyTorch checks the bounds of a list index only where there is something to gather
        assert got.numel() == 0, text
        return
    index = I.parse_index(text)
    got = I.apply_index(index, T.SCORES)
    positions = np.arange(A_NP.size).reshape(SHAPE)
    out = positions
    for sub in subs:
        out = out[sub[0] if len(sub) == 1 else tuple(sub)]
    if any(_mixes_ints_and_lists(sub) for sub in subs):
        # PyTorch applies integers as basic indices, NumPy as advanced ones: where both meet a list in one
        # bracket the axes may come out in another order (see test_integers_beside_a_list), the cells are the same
        np.testing.assert_array_equal(np.sort(got.numpy(), axis=None), np.sort(want, axis=None))
        np.testing.assert_array_equal(np.sort(I.origins(index, T.SCORES).numpy(), axis=None), np.sort(out, axis=None))
        return
    assert got.shape == want.shape, text
    np.testing.assert_array_equal(got.numpy(), want)
    # the traced cells are the cells NumPy picks from an array of positions
    np.testing.assert_array_equal(I.origins(index, T.SCORES).numpy(), out)
    # a view exactly where NumPy's result shares the array's memory (not for empty results, nothing to share, nor
    # for one number: NumPy gives a scalar copy where PyTorch gives a 0-d view, see below)
    if want.ndim and want.size:
        assert I.shares_storage(got, T.SCORES) == np.shares_memory(want, A_NP), text


def test_integers_beside_a_list():
    """NumPy moves the broadcast axes of ``0`` and ``[0]`` (separated by ``...``) to the front: (1, 3). PyTorch
    indexes with the integer first, then the list alone keeps its place: (3, 1), as ``A[0][..., [0]]``."""
    got = I.apply_index(I.parse_index("A[0, ..., [0]]"), T.SCORES)
    assert got.shape == (3, 1) and A_NP[0, ..., [0]].shape == (1, 3)
    np.testing.assert_array_equal(got.numpy(), A_NP[0][..., [0]])


def test_one_number_is_a_0d_view_in_pytorch():
    r = I.apply_index(I.parse_index("A[1, 0, 2]"), T.SCORES)
    assert r.shape == () and r.item() == 92 and I.shares_storage(r, T.SCORES)
    assert I.write_through(I.parse_index("A[1, 0, 2]"), T.SCORES)[0][1, 0, 2] == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A[1][0][:]", [91, 87, 92, 89]),  # the notes' comment says [85, 88, 87, 90]: that is A[1][1]
        ("A[1][1]", [85, 88, 87, 90]),
        ("A[:, 1, 1]", [84, 88]),  # every student's English in exam 2, not "all scores of the second exam"
        ("A[:, :, 1]", [[76, 84, 92], [87, 88, 93]]),
    ],
)
def test_the_notes_lines(text, expected):
    assert I.apply_index(I.parse_index(text), T.SCORES).tolist() == expected


def test_masks_pick_like_numpy():
    for text, want in [
        ("A[A > 90]", A_NP[A_NP > 90]),
        ("A[(A > 80) & (A < 85)]", A_NP[(A_NP > 80) & (A_NP < 85)]),
        ("A[~(A >= 88) | (A == 94)]", A_NP[~(A_NP >= 88) | (A_NP == 94)]),
        ("A[1][A[1] > 88]", A_NP[1][A_NP[1] > 88]),
        ("A[A[:, 0, 0] != 83]", A_NP[A_NP[:, 0, 0] != 83]),
    ]:
        got = I.apply_index(I.parse_index(text), T.SCORES)
        np.testing.assert_array_equal(got.numpy(), want)
        assert not I.shares_storage(got, T.SCORES)


def test_chained_and_tuple_forms():
    a = T.SCORES
    for chained, tupled, same in [("A[1][0]", "A[1, 0]", True), ("A[:][1]", "A[:, 1]", False),
                                  ("A[[0, 1]][1]", "A[[0, 1], 1]", False)]:  # fmt: skip
        c, t = I.parse_index(chained), I.parse_index(tupled)
        assert I.other_form(c).text == tupled and I.other_form(t).text == chained
        rc, rt = I.apply_index(c, a), I.apply_index(t, a)
        assert (rc.shape == rt.shape and torch.equal(rc, rt)) == same
    np.testing.assert_array_equal(I.apply_index(I.parse_index("A[:][1]"), a).numpy(), A_NP[1])
    assert I.other_form(I.parse_index("A[0, ::2]")).text == "A[0][::2]"


def test_writing_through_a_view_changes_a_and_through_a_copy_does_not():
    b, changed = I.write_through(I.parse_index("A[1][0][:]"), T.SCORES)
    ref = A_NP.copy()
    ref[1, 0, :] = 0
    np.testing.assert_array_equal(b.numpy(), ref)
    assert int(changed.sum()) == 4
    b, changed = I.write_through(I.parse_index("A[A > 90]"), T.SCORES)
    assert not changed.any() and torch.equal(b, T.SCORES)
    _, changed = I.write_through(I.parse_index("A[[0, 1]][1]"), T.SCORES)  # the first bracket already copied
    assert not changed.any()
    assert torch.equal(T.SCORES[0, 0], torch.tensor([83, 76, 89, 91]))  # A itself is never written


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("B[0]", "not_a"),
        ("__import__('os').system('ls')", "not_a"),
        ("A.numpy()", "not_a"),
        ("A[x]", "item"),
        ("A[1.5]", "item"),
        ("A['a']", "item"),
        ("A[f()]", "item"),
        ("A[A.sum()]", "item"),
        ("A[lambda: 0]", "item"),
        ("A[[[0]]]", "list_item"),
        ("A[[]]", "list_size"),
        ("A[" + ", ".join(["0"] * 17) + "]", "torch"),
        ("A[[" + ", ".join(["0"] * 17) + "]]", "list_size"),
        ("A[1.5:]", "slice_part"),
        ("A[A > 1.5]", "mask_value"),
        ("A[A > 90 and A < 95]", "item"),
        ("A[0 < A < 90]", "mask"),
        ("A[10**100]", "item"),
        ("A[99999999999]", "big_int"),
        ("A[", "syntax"),
        ("A[0]; import os", "syntax"),
        ("A[1:2:3:4]", "syntax"),
        ("A" + "[0]" * 200, "too_long"),
        ("A[::-1]", "torch"),
        ("A[5]", "torch"),
        ("A[0, 0, 0, 0]", "torch"),
        ("A[[True, False, True]]", "torch"),
    ],
)
def test_refusals_name_their_reason(text, reason):
    with pytest.raises(I.IndexProblem) as err:
        I.apply_index(I.parse_index(text), T.SCORES)
    assert err.value.reason == reason


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_an_index_or_the_parsers_refusal(text):
    with contextlib.suppress(I.IndexProblem):
        I.apply_index(I.parse_index(text), T.SCORES)
