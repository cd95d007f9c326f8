"""1-D filtering: the Convolution page's operation on a signal (``F.pad`` + ``F.conv1d``).

Signals are float64 tensors of shape ``(N,)``. ``F.conv1d`` computes a cross-correlation (the kernel is not
flipped): ``y[i] = Σ_j x_pad[i + j] · w[j]``. ``np.convolve`` flips the kernel first; ``flip=True`` does that.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import torch
import torch.nn.functional as F

SIGNALS = ("noisy_sine", "square", "chirp", "impulse", "random_walk", "temperature")
SOUNDS = ("noisy_sine", "square", "chirp")  # signals that make sense as audio (``AUDIO_RATE``)
KERNELS = ("box", "gaussian", "difference", "second_difference", "sharpen", "typed")
SIZED = ("box", "gaussian")  # kernels whose length is a setting
FIXED = {"difference": (-1.0, 1.0), "second_difference": (1.0, -2.0, 1.0), "sharpen": (-1.0, 3.0, -1.0)}
NORMALISE = ("none", "sum1", "sum0")
MODES = ("same", "valid", "full")
PADDINGS = ("zeros", "reflect", "replicate", "circular")
MIN_LENGTH, MAX_LENGTH = 16, 2048
MAX_KERNEL = 63
MAX_WEIGHT = 1000.0
MAX_NOISE = 2.0
MIN_SIGMA, MAX_SIGMA = 0.3, 20.0
SINE_PERIOD, SQUARE_PERIOD = 64, 128  # samples: the same tone at any length
CHIRP_FROM, CHIRP_TO = 0.005, 0.25  # cycles per sample, at the first and the last sample
AUDIO_RATE, AUDIO_SECONDS = 8000, 2.0  # the sound-like signals, heard: one sample = 1/8000 s


@dataclass(frozen=True)
class SignalSettings:
    """The Signals page's shareable settings (``sig_<field>`` in the link)."""

    source: str = "noisy_sine"
    length: int = 256
    noise: float = 0.3
    seed: int = 0
    kernel: str = "box"
    size: int = 9
    sigma: float = 2.0
    weights: str = "0.25, 0.5, 0.25"
    normalise: str = "none"
    mode: str = "same"
    padding: str = "zeros"
    position: int = 120
    flip: bool = False


class SignalError(ValueError):
    """A setting or input the filter cannot take: ``reason`` names it (a catalog key), ``detail`` the numbers."""

    def __init__(self, reason: str, message: str, **detail: object):
        super().__init__(message)
        self.reason, self.detail = reason, detail


def make_signal(kind: str, length: int, noise: float = 0.0, seed: int = 0) -> torch.Tensor:
    """A synthetic signal with seeded Gaussian noise added.

    Args:
        kind: one of ``SIGNALS``.
        length: samples, ``MIN_LENGTH``..``MAX_LENGTH`` (audio lengths too, for ``SOUNDS``).
        noise: the noise's standard deviation, in the signal's own units (°C for the temperature).
        seed: the noise (and the random walk's steps) come from ``torch.Generator().manual_seed(seed)``.

    Returns:
        ``(length,)`` float64.
    """
    if kind not in SIGNALS:
        raise ValueError(f"kind must be one of {SIGNALS}. Got {kind!r}")
    if not MIN_LENGTH <= length <= AUDIO_RATE * AUDIO_SECONDS:
        raise ValueError(f"length must be in [{MIN_LENGTH}, {int(AUDIO_RATE * AUDIO_SECONDS)}]. Got {length}")
    g = torch.Generator().manual_seed(seed)
    n = torch.arange(length, dtype=torch.float64)
    if kind == "noisy_sine":
        x = torch.sin(2 * math.pi * n / SINE_PERIOD)
    elif kind == "square":
        x = torch.where(n % SQUARE_PERIOD < SQUARE_PERIOD / 2, 1.0, -1.0).double()
    elif kind == "chirp":
        rate = (CHIRP_TO - CHIRP_FROM) / (length - 1)  # cycles per sample, per sample
        x = torch.sin(2 * math.pi * (CHIRP_FROM * n + rate * n**2 / 2))
    elif kind == "impulse":
        x = torch.zeros(length, dtype=torch.float64)
        x[length // 2] = 1.0
    elif kind == "random_walk":  # a "stock price": 100 plus the running sum of daily changes
        x = 100 + torch.cumsum(torch.randn(length, generator=g, dtype=torch.float64), 0)
    else:  # "temperature": daily means over the year (coldest mid-January), °C
        x = 12 - 10 * torch.cos(2 * math.pi * (n - 15) / 365)
    return x + noise * torch.randn(length, generator=g, dtype=torch.float64)


def make_kernel(kind: str, size: int = 9, sigma: float = 2.0) -> torch.Tensor:
    """A preset kernel (not ``typed``): ``(K,)`` float64. Box and Gaussian sum to 1; the differences to 0."""
    if kind == "box":
        return torch.full((size,), 1.0 / size, dtype=torch.float64)
    if kind == "gaussian":
        j = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
        w = torch.exp(-(j**2) / (2 * sigma**2))
        return w / w.sum()
    if kind in FIXED:
        return torch.tensor(FIXED[kind], dtype=torch.float64)
    raise ValueError(f"kind must be one of {KERNELS[:-1]}. Got {kind!r}")


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_weights(text: str) -> torch.Tensor:
    """Typed weights ``"0.25, 0.5, 0.25"`` (commas, spaces or semicolons between numbers, full-width ones too),
    strictly: numbers only, never evaluated.

    Raises:
        SignalError: ``weights_empty``, ``weights_number`` (``detail["item"]``: the piece that is not a number),
            ``weights_count`` (over ``MAX_KERNEL``), ``weights_large`` (``|w| > MAX_WEIGHT``).
    """
    if len(text) > 2000:
        raise SignalError("weights_count", f"at most {MAX_KERNEL} weights. Got {len(text)} characters", n=len(text))
    items = [s for s in re.split(r"[,;\s，；、]+", text.strip()) if s]  # a Chinese keyboard types "，"
    if not items:
        raise SignalError("weights_empty", "type at least one weight. Got none")
    if len(items) > MAX_KERNEL:
        raise SignalError("weights_count", f"at most {MAX_KERNEL} weights. Got {len(items)}", n=len(items))
    for item in items:
        if not _NUMBER.fullmatch(item):
            raise SignalError("weights_number", f"weights must be numbers. Got {item!r}", item=item[:20])
    values = [float(s) for s in items]
    if not all(math.isfinite(v) and abs(v) <= MAX_WEIGHT for v in values):
        raise SignalError("weights_large", f"weights must be within ±{MAX_WEIGHT:g}. Got {text[:40]!r}")
    return torch.tensor(values, dtype=torch.float64)


def normalise(w: torch.Tensor, how: str) -> torch.Tensor:
    """``sum1``: divide by the sum (a smoothing kernel keeps the level); ``sum0``: subtract the mean (an edge
    kernel answers 0 to a constant); ``none``: as is.

    Raises:
        SignalError: ``zero_sum`` when ``sum1`` is asked of weights that sum to 0, ``huge_sum`` when they almost
            cancel out (scaled, some would exceed ``MAX_WEIGHT``).
    """
    if how == "sum1":
        total = float(w.sum())
        if abs(total) < 1e-12:
            raise SignalError("zero_sum", "weights that sum to 0 cannot be scaled to sum to 1. Got sum 0")
        if float((w / total).abs().max()) > MAX_WEIGHT:
            raise SignalError("huge_sum", f"weights that almost cancel out: scaled they exceed ±{MAX_WEIGHT:g}")
        return w / total
    if how == "sum0":
        return w - w.mean()
    if how == "none":
        return w
    raise ValueError(f"how must be one of {NORMALISE}. Got {how!r}")


def pad_amounts(k: int, mode: str) -> tuple[int, int]:
    """Samples added on the left and the right: ``valid`` none, ``same`` K − 1 split (the extra one on the
    right, as PyTorch's ``padding="same"``), ``full`` K − 1 on each side."""
    if mode == "valid":
        return 0, 0
    if mode == "same":
        return (k - 1) // 2, k - 1 - (k - 1) // 2
    if mode == "full":
        return k - 1, k - 1
    raise ValueError(f"mode must be one of {MODES}. Got {mode!r}")


def output_length(n: int, k: int, mode: str) -> int:
    """``N + P_left + P_right − K + 1``: ``valid`` N − K + 1, ``same`` N, ``full`` N + K − 1."""
    left, right = pad_amounts(k, mode)
    return n + left + right - k + 1


@dataclass(frozen=True)
class Filtered:
    """Attributes:
    padded: ``(N + left + right,)`` the input with its padding.
    output: ``(L,)`` ``F.conv1d`` of ``padded`` with the kernel (flipped first if ``flipped``).
    kernel: ``(K,)`` the weights as given.
    left, right: padding on each side.
    flipped: whether the kernel was flipped (true convolution, as ``np.convolve``).
    """

    padded: torch.Tensor
    output: torch.Tensor
    kernel: torch.Tensor
    left: int
    right: int
    flipped: bool

    def window(self, i: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Output sample ``i``'s taps ``padded[i : i + K]``, the weights they meet, their products."""
        k = len(self.kernel)
        taps = self.padded[i : i + k]
        w = self.kernel.flip(0) if self.flipped else self.kernel
        return taps, w, taps * w

    def centre(self, i: int) -> float:
        """Where output sample ``i`` sits on the input's sample axis: its window's middle."""
        return i - self.left + (len(self.kernel) - 1) / 2


def filter_signal(x: torch.Tensor, w: torch.Tensor, mode: str, padding: str, flip: bool = False) -> Filtered:
    """Pad ``x`` for ``mode`` with ``padding`` (``F.pad``), then slide ``w`` over it (``F.conv1d``).

    Args:
        x: ``(N,)`` float64.
        w: ``(K,)`` float64, ``1 <= K <= MAX_KERNEL``.
        mode: ``valid`` / ``same`` / ``full`` (``MODES``).
        padding: ``zeros`` / ``reflect`` / ``replicate`` / ``circular`` (``PADDINGS``).
        flip: flip ``w`` first: true convolution (``np.convolve``); else cross-correlation (``F.conv1d``).

    Raises:
        SignalError: ``too_short`` (``valid`` with K > N), ``reflect_long`` (reflect needs padding < N),
            ``circular_long`` (circular needs padding <= N).
    """
    n, k = len(x), len(w)
    if not 1 <= k <= MAX_KERNEL:
        raise ValueError(f"the kernel must have 1..{MAX_KERNEL} weights. Got {k}")
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}. Got {padding!r}")
    left, right = pad_amounts(k, mode)
    if output_length(n, k, mode) < 1:
        raise SignalError("too_short", f"valid needs N >= K. Got N={n}, K={k}", n=n, k=k)
    pad = max(left, right)
    if padding == "reflect" and pad >= n:
        raise SignalError("reflect_long", f"reflect padding must be < N. Got {pad} for N={n}", p=pad, n=n)
    if padding == "circular" and pad > n:
        raise SignalError("circular_long", f"circular padding must be <= N. Got {pad} for N={n}", p=pad, n=n)
    torch_mode = "constant" if padding == "zeros" else padding
    padded = F.pad(x.view(1, 1, n), (left, right), mode=torch_mode).view(-1) if pad else x.clone()
    weights = w.flip(0) if flip else w
    output = F.conv1d(padded.view(1, 1, -1), weights.view(1, 1, k)).view(-1)
    return Filtered(padded, output, w, left, right, flip)


def spectrum(x: torch.Tensor, n_fft: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """``(frequencies in cycles per sample, 0..0.5; |rfft(x, n_fft)|)``, both float64."""
    n = n_fft or len(x)
    return torch.fft.rfftfreq(n, dtype=torch.float64), torch.fft.rfft(x, n=n).abs()


def frequency_response(w: torch.Tensor, n_fft: int = 512) -> tuple[torch.Tensor, torch.Tensor]:
    """The kernel's gain at each frequency, ``|H(f)| = |Σ_j w_j e^{-2πi f j}|`` (flipping does not change it)."""
    return spectrum(w, max(n_fft, len(w)))
