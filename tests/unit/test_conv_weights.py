"""components.ui.convolution.kernel: the custom-kernel URL text is parsed number by number, never evaluated."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from components.ui.convolution.kernel import MAX_CUSTOM, MAX_WEIGHT, format_weights, parse_weights

SETTINGS = settings(max_examples=300, deadline=None, database=None)


def test_parse_by_hand():
    k = parse_weights("1,0,-1;2,0,-2;1,0,-1")
    assert k is not None and k.dtype == torch.float32
    assert k.tolist() == [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
    assert parse_weights("0.5").tolist() == [[0.5]]
    assert parse_weights(" 1.5e2 , -3 ; 0.25 ,4 ").tolist() == [[150, -3], [0.25, 4]]


def test_format_by_hand():
    assert format_weights(torch.tensor([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])) == (
        "1,0,-1;2,0,-2;1,0,-1"
    )
    assert format_weights(torch.tensor([[1 / 3]])) == "0.333333"
    assert format_weights(torch.tensor([[1e-7, 1000.0], [-0.5, 123456.7]])) == "1e-07,1000;-0.5,123457"


@pytest.mark.parametrize("k", range(1, MAX_CUSTOM + 1))
def test_round_trip(k):
    kernel = (torch.rand(k, k, generator=torch.Generator().manual_seed(k)) - 0.5) * 20
    back = parse_weights(format_weights(kernel))
    assert back is not None and back.shape == (k, k)
    np.testing.assert_allclose(back.numpy(), kernel.numpy(), rtol=1e-5, atol=1e-6)
    assert format_weights(back) == format_weights(kernel)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1,2;3",  # ragged
        "1,2,3;4,5,6",  # 2x3, not square
        "1,2",  # 1x2
        "1;2",  # 2x1
        ";".join([",".join(["1"] * 10)] * 10),  # 10x10
        "a,b;c,d",
        "1,2;3,x",
        "1,,2;3,4,5;6,7,8",
        "1;",
        "nan",
        "1,nan;0,1",
        "inf",
        "-inf,0;0,1",
        "1e400",
        "1001",
        "-1000.5",
        "1e308,0;0,1",
        "__import__('os')",
        "__import__('os').system('echo hi')",
        "1+1",
        "[[1,2],[3,4]]",
        "0x10",
        "1" + "0" * 2000,  # over 2000 characters
        "0;" * 700 + "0",
    ],
)
def test_parse_rejects(text):
    assert parse_weights(text) is None


def test_parse_length_limit_is_2000_characters():
    ok = ",".join(["0.000000000"] * 9)  # 107 characters per row
    assert parse_weights(";".join([ok] * 9)) is not None
    padded = "1" + " " * 1999
    assert len(padded) == 2000 and parse_weights(padded) is not None
    assert parse_weights("1" + " " * 2000) is None


def test_parse_accepts_the_limits():
    assert parse_weights(f"{MAX_WEIGHT},-{MAX_WEIGHT};0,0").tolist() == [[1000, -1000], [0, 0]]
    nine = ";".join([",".join(["1"] * 9)] * 9)
    assert parse_weights(nine).shape == (9, 9)


def _check_result(result) -> None:
    assert result is None or isinstance(result, torch.Tensor)
    if result is not None:
        assert result.dtype == torch.float32
        assert result.ndim == 2 and result.shape[0] == result.shape[1]
        assert 1 <= result.shape[0] <= MAX_CUSTOM
        assert torch.isfinite(result).all()
        assert result.abs().max() <= MAX_WEIGHT


@SETTINGS
@given(st.text(max_size=3000))
def test_parse_arbitrary_text_never_raises(text):
    _check_result(parse_weights(text))


@SETTINGS
@given(st.text(alphabet="0123456789.,;-+eE naif_ x", max_size=400))
def test_parse_number_like_text_never_raises(text):
    _check_result(parse_weights(text))


@SETTINGS
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.lists(
            st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n), min_size=n, max_size=n
        )
    )
)
def test_parse_grid_of_floats(rows):
    text = ";".join(",".join(repr(v) for v in row) for row in rows)
    result = parse_weights(text)
    _check_result(result)
    n = len(rows)
    valid = (
        n <= MAX_CUSTOM
        and len(text) <= 2000
        and all(math.isfinite(v) and abs(v) <= MAX_WEIGHT for row in rows for v in row)
    )
    assert (result is not None) == valid
    if valid:
        assert np.array_equal(result.numpy(), np.array(rows, dtype=np.float32))


@SETTINGS
@given(
    st.integers(1, MAX_CUSTOM).flatmap(
        lambda n: st.lists(
            st.lists(st.floats(-MAX_WEIGHT, MAX_WEIGHT, width=32), min_size=n, max_size=n), min_size=n, max_size=n
        )
    )
)
def test_format_then_parse_round_trips(rows):
    kernel = torch.tensor(rows, dtype=torch.float32)
    text = format_weights(kernel)
    back = parse_weights(text)
    assert back is not None
    np.testing.assert_allclose(back.numpy(), kernel.numpy(), rtol=1e-5, atol=1e-30)  # .6g keeps 6 digits
    assert format_weights(back) == text
