"""components.compute.signals against independent references: a NumPy loop, np.convolve, the DFT written out."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from components.compute.signals import (
    MAX_KERNEL,
    MODES,
    PADDINGS,
    SIGNALS,
    SignalError,
    filter_signal,
    frequency_response,
    make_kernel,
    make_signal,
    normalise,
    output_length,
    pad_amounts,
    parse_weights,
    spectrum,
)

NUMPY_PAD = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def naive(x: np.ndarray, w: np.ndarray, mode: str, padding: str) -> np.ndarray:
    """The sliding weighted sum, one output sample at a time, padding by NumPy's own rules."""
    k = len(w)
    left, right = {"valid": (0, 0), "same": ((k - 1) // 2, k // 2), "full": (k - 1, k - 1)}[mode]
    padded = np.pad(x, (left, right), mode=NUMPY_PAD[padding]) if left or right else x
    return np.array([sum(padded[i + j] * w[j] for j in range(k)) for i in range(len(padded) - k + 1)])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("k", [1, 2, 3, 4, 9, 16])
def test_filter_is_the_sliding_weighted_sum(mode, padding, k):
    rng = np.random.default_rng(k)
    x, w = rng.normal(size=40), rng.normal(size=k)
    got = filter_signal(torch.from_numpy(x), torch.from_numpy(w), mode, padding)
    np.testing.assert_allclose(got.output.numpy(), naive(x, w, mode, padding), rtol=1e-12, atol=1e-12)
    assert len(got.output) == output_length(40, k, mode)


@pytest.mark.parametrize("k", [1, 2, 3, 6, 7])
def test_flipped_is_np_convolve(k):
    rng = np.random.default_rng(10 + k)
    x, w = rng.normal(size=30), rng.normal(size=k)
    tx, tw = torch.from_numpy(x), torch.from_numpy(w)
    full = filter_signal(tx, tw, "full", "zeros", flip=True)
    np.testing.assert_allclose(full.output.numpy(), np.convolve(x, w, "full"), atol=1e-12)
    valid = filter_signal(tx, tw, "valid", "zeros", flip=True)
    np.testing.assert_allclose(valid.output.numpy(), np.convolve(x, w, "valid"), atol=1e-12)
    same = filter_signal(tx, tw, "same", "reflect", flip=True)
    np.testing.assert_allclose(same.output.numpy(), np.convolve(same.padded.numpy(), w, "valid"), atol=1e-12)
    if k % 2:  # numpy's "same" centres an odd kernel the way pad_amounts does
        np.testing.assert_allclose(
            filter_signal(tx, tw, "same", "zeros", flip=True).output.numpy(), np.convolve(x, w, "same"), atol=1e-12
        )


def test_an_impulse_gives_the_kernel_backwards_without_the_flip_and_forwards_with_it():
    x = make_signal("impulse", 64)
    w = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    plain = filter_signal(x, w, "valid", "zeros").output
    flipped = filter_signal(x, w, "valid", "zeros", flip=True).output
    nz = plain.nonzero().view(-1)
    assert plain[nz].tolist() == [3.0, 2.0, 1.0]
    assert flipped[flipped.nonzero().view(-1)].tolist() == [1.0, 2.0, 3.0]


@given(st.integers(1, 300), st.integers(1, MAX_KERNEL))
@settings(max_examples=200, deadline=None)
def test_output_lengths_match_numpy_and_the_formula(n, k):
    assert output_length(n, k, "same") == n
    assert output_length(n, k, "full") == len(np.convolve(np.ones(n), np.ones(k), "full")) == n + k - 1
    assert output_length(n, k, "valid") == n - k + 1
    left, right = pad_amounts(k, "same")
    assert left + right == k - 1 and right - left in (0, 1)


@pytest.mark.parametrize("k", [1, 2, 5, 9])
@pytest.mark.parametrize("mode", MODES)
def test_each_window_s_products_sum_to_its_output_sample(k, mode):
    x = make_signal("noisy_sine", 50, 0.3, 1)
    w = make_kernel("gaussian", k, 1.5)
    r = filter_signal(x, w, mode, "zeros")
    for i in range(len(r.output)):
        taps, used, products = r.window(i)
        assert torch.equal(taps, r.padded[i : i + k]) and torch.equal(used, w)
        assert math.isclose(float(products.sum()), float(r.output[i]), rel_tol=1e-12, abs_tol=1e-12)
        assert r.centre(i) == i - r.left + (k - 1) / 2


def test_reflect_and_circular_refuse_what_torch_refuses_and_nothing_else():
    x = torch.ones(8, dtype=torch.float64)
    filter_signal(x, torch.ones(15, dtype=torch.float64), "same", "reflect")  # pads 7 < 8: fine
    with pytest.raises(SignalError) as err:
        filter_signal(x, torch.ones(17, dtype=torch.float64), "same", "reflect")
    assert err.value.reason == "reflect_long"
    with pytest.raises(RuntimeError):  # torch's own refusal, the reason for ours
        torch.nn.functional.pad(x.view(1, 1, -1), (8, 8), mode="reflect")
    filter_signal(x, torch.ones(9, dtype=torch.float64), "full", "circular")  # pads 8 = N: fine
    with pytest.raises(SignalError) as err:
        filter_signal(x, torch.ones(10, dtype=torch.float64), "full", "circular")
    assert err.value.reason == "circular_long"
    with pytest.raises(SignalError) as err:
        filter_signal(x, torch.ones(9, dtype=torch.float64), "valid", "zeros")
    assert err.value.reason == "too_short" and err.value.detail == {"n": 8, "k": 9}


@pytest.mark.parametrize("w", [[1.0], [-1.0, 1.0], [1.0, -2.0, 1.0], [0.25, 0.5, 0.25], [3.0, -1.0, 0.5, 2.0]])
def test_frequency_response_is_the_dft_written_out(w):
    f, h = frequency_response(torch.tensor(w, dtype=torch.float64), 64)
    expected = [abs(sum(wj * complex(math.cos(2 * math.pi * fk * j), -math.sin(2 * math.pi * fk * j))
                        for j, wj in enumerate(w))) for fk in f.tolist()]  # fmt: skip
    np.testing.assert_allclose(h.numpy(), expected, atol=1e-12)
    assert f[0] == 0 and f[-1] == 0.5
    assert math.isclose(float(h[0]), abs(sum(w)), abs_tol=1e-12)  # a constant: the sum of the weights
    assert math.isclose(float(h[-1]), abs(sum((-1) ** j * v for j, v in enumerate(w))), abs_tol=1e-12)


def test_moving_average_is_low_pass_and_difference_high_pass():
    _, box = frequency_response(make_kernel("box", 9))
    _, diff = frequency_response(make_kernel("difference"))
    assert math.isclose(float(box[0]), 1.0) and float(box[-1]) < 0.2
    assert float(diff[0]) < 1e-12 and math.isclose(float(diff[-1]), 2.0)


def test_spectrum_of_a_sine_peaks_at_its_frequency():
    x = make_signal("noisy_sine", 256, 0.0)
    f, a = spectrum(x)
    assert math.isclose(float(f[int(a.argmax())]), 1 / 64)
    np.testing.assert_allclose(a.numpy(), np.abs(np.fft.rfft(x.numpy())), atol=1e-9)


def test_signals_are_what_they_say():
    n = torch.arange(256, dtype=torch.float64).numpy()
    np.testing.assert_allclose(make_signal("noisy_sine", 256).numpy(), np.sin(2 * np.pi * n / 64), atol=1e-12)
    square = make_signal("square", 256).numpy()
    assert set(square.tolist()) == {1.0, -1.0} and square[:64].min() == 1 and square[64:128].max() == -1
    impulse = make_signal("impulse", 101).numpy()
    assert impulse.sum() == 1 and impulse[50] == 1
    temps = make_signal("temperature", 365).numpy()
    assert int(np.argmin(temps)) == 15 and math.isclose(temps.max(), 22.0, abs_tol=1e-3)
    walk = make_signal("random_walk", 100, 0.0, 3).numpy()
    steps = torch.randn(100, generator=torch.Generator().manual_seed(3), dtype=torch.float64).numpy()
    np.testing.assert_allclose(walk, 100 + np.cumsum(steps), atol=1e-9)
    chirp = make_signal("chirp", 2000).numpy()
    crossings = np.flatnonzero(np.diff(np.sign(chirp)) != 0)
    assert np.diff(crossings[:10]).mean() > 5 * np.diff(crossings[-10:]).mean()  # the pitch rises


@pytest.mark.parametrize("kind", SIGNALS)
def test_the_seed_decides_the_noise(kind):
    a, b = make_signal(kind, 64, 0.5, 7), make_signal(kind, 64, 0.5, 7)
    assert torch.equal(a, b) and not torch.equal(a, make_signal(kind, 64, 0.5, 8))
    clean = make_signal(kind, 64, 0.0, 7)
    assert 0.2 < float((a - clean).std()) < 0.8 or kind == "random_walk"


def test_preset_kernels():
    np.testing.assert_allclose(make_kernel("box", 5).numpy(), np.full(5, 0.2))
    j = np.arange(7) - 3
    g = np.exp(-(j**2) / (2 * 1.5**2))
    np.testing.assert_allclose(make_kernel("gaussian", 7, 1.5).numpy(), g / g.sum(), atol=1e-15)
    assert make_kernel("difference").tolist() == [-1, 1] and make_kernel("second_difference").tolist() == [1, -2, 1]
    assert float(make_kernel("sharpen").sum()) == 1.0


def test_normalise():
    w = torch.tensor([1.0, 2.0, 1.0], dtype=torch.float64)
    assert normalise(w, "sum1").tolist() == [0.25, 0.5, 0.25]
    assert math.isclose(float(normalise(w, "sum0").sum()), 0.0, abs_tol=1e-15)
    assert torch.equal(normalise(w, "none"), w)
    with pytest.raises(SignalError) as err:
        normalise(torch.tensor([-1.0, 1.0], dtype=torch.float64), "sum1")
    assert err.value.reason == "zero_sum"
    with pytest.raises(SignalError) as err:
        normalise(torch.tensor([1.0, -0.9999999999], dtype=torch.float64), "sum1")  # would be ±1e10
    assert err.value.reason == "huge_sum"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.25, 0.5, 0.25", [0.25, 0.5, 0.25]), ("1 2 3", [1, 2, 3]), ("-1;1", [-1, 1]), (" 1e-1 ,  .5 ", [0.1, 0.5]),
     ("+3", [3.0]), ("1，2；3、4", [1, 2, 3, 4])],
)  # fmt: skip
def test_typed_weights_are_numbers(text, expected):
    assert parse_weights(text).tolist() == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "weights_empty"), (" , ", "weights_empty"), ("1, x", "weights_number"),
     ("__import__('os')", "weights_number"), ("1, nan", "weights_number"), ("inf", "weights_number"),
     ("1e400", "weights_large"), ("2000", "weights_large"),
     (", ".join(["1"] * 64), "weights_count"), ("1" * 3000, "weights_count"), ("0x10", "weights_number")],
)  # fmt: skip
def test_typed_weights_refusals(text, reason):
    with pytest.raises(SignalError) as err:
        parse_weights(text)
    assert err.value.reason == reason


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_typed_weights_never_fail_otherwise(text):
    try:
        w = parse_weights(text)
    except SignalError:
        return
    assert 1 <= len(w) <= MAX_KERNEL and bool(torch.isfinite(w).all())
