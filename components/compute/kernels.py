"""Convolution kernel presets: a name -> builder table.

Every builder returns a ``(k, k)`` float32 tensor. PyTorch's ``conv2d`` is a
cross-correlation (the kernel is not flipped), so the weights below are written
the way they are applied: the top-left weight multiplies the top-left pixel of
the window.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

MIN_SIZE, MAX_SIZE = 1, 15
MIN_SIGMA, MAX_SIGMA = 0.1, 10.0


@dataclass(frozen=True)
class KernelPreset:
    """One entry of the preset table.

    Attributes:
        build: ``(size, sigma) -> (k, k)`` tensor.
        resizable: whether the size control applies.
        uses_sigma: whether the sigma control applies.
    """

    build: Callable[[int, float], torch.Tensor]
    resizable: bool = False
    uses_sigma: bool = False


def _t(rows: list[list[float]]) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float32)


def identity(size: int, _sigma: float = 1.0) -> torch.Tensor:
    """A single 1 in the centre: the output equals the input."""
    k = torch.zeros(size, size)
    k[(size - 1) // 2, (size - 1) // 2] = 1.0
    return k


def box_blur(size: int, _sigma: float = 1.0) -> torch.Tensor:
    """Mean of a ``size x size`` window."""
    return torch.full((size, size), 1.0 / (size * size))


def gaussian(size: int, sigma: float) -> torch.Tensor:
    """Normalised 2-D Gaussian with standard deviation ``sigma`` (pixels)."""
    if not MIN_SIGMA <= sigma <= MAX_SIGMA:
        raise ValueError(f"sigma must be in [{MIN_SIGMA}, {MAX_SIGMA}]. Got {sigma}")
    r = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    g = torch.exp(-(r**2) / (2 * sigma**2))
    k = torch.outer(g, g)
    return k / k.sum()


def motion_blur(size: int, _sigma: float = 1.0) -> torch.Tensor:
    """Average along the horizontal centre line: a camera moving sideways."""
    k = torch.zeros(size, size)
    k[(size - 1) // 2, :] = 1.0 / size
    return k


def _fixed(rows: list[list[float]]) -> Callable[[int, float], torch.Tensor]:
    return lambda _size, _sigma: _t(rows)


def unsharp_mask(_size: int = 5, _sigma: float = 1.0) -> torch.Tensor:
    """5x5 unsharp masking: 2 x identity minus a Gaussian (binomial) blur."""
    b = _t([[1, 4, 6, 4, 1]])
    blur = (b.T @ b) / 256.0
    return 2 * identity(5) - blur


KERNELS: dict[str, KernelPreset] = {
    "identity": KernelPreset(identity, resizable=True),
    "box_blur": KernelPreset(box_blur, resizable=True),
    "gaussian": KernelPreset(gaussian, resizable=True, uses_sigma=True),
    "motion_blur": KernelPreset(motion_blur, resizable=True),
    "sharpen": KernelPreset(_fixed([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])),
    "unsharp": KernelPreset(unsharp_mask),
    "laplacian": KernelPreset(_fixed([[0, 1, 0], [1, -4, 1], [0, 1, 0]])),
    "outline": KernelPreset(_fixed([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])),
    "sobel_x": KernelPreset(_fixed([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])),
    "sobel_y": KernelPreset(_fixed([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])),
    "prewitt_x": KernelPreset(_fixed([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])),
    "prewitt_y": KernelPreset(_fixed([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])),
    "emboss": KernelPreset(_fixed([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])),
}

SOBEL_PAIR = ("sobel_x", "sobel_y")


def make_kernel(name: str, size: int = 3, sigma: float = 1.0) -> torch.Tensor:
    """Build a preset kernel.

    Args:
        name: a key of ``KERNELS``.
        size: side length for resizable presets, in ``[1, 15]``; ignored otherwise.
        sigma: Gaussian standard deviation in pixels, in ``[0.1, 10]``.

    Returns:
        ``(k, k)`` float32 tensor.
    """
    if name not in KERNELS:
        raise ValueError(f"Unknown kernel, expected one of {sorted(KERNELS)}. Got {name!r}")
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"Kernel size must be in [{MIN_SIZE}, {MAX_SIZE}]. Got {size}")
    return _built(name, int(size), float(sigma)).clone()  # a copy: callers may edit theirs


@functools.lru_cache(maxsize=256)
def _built(name: str, size: int, sigma: float) -> torch.Tensor:
    """Each preset built once per (size, sigma): ~1 ms per page run otherwise (issue 11: per-run CPU)."""
    return KERNELS[name].build(size, sigma).to(torch.float32)


def is_zero_sum(kernel: torch.Tensor) -> bool:
    """Weights that sum to 0 answer 0 on flat areas: the output is centred on 0
    (edges, positive and negative), so it is shown on a diverging scale."""
    return math.isclose(float(kernel.double().sum()), 0.0, abs_tol=1e-6 * max(1.0, float(kernel.abs().sum())))


def fit_kernel(kernel: torch.Tensor, size: int) -> torch.Tensor:
    """Centre-crop or zero-pad a square kernel to ``size x size``.

    Used to start a custom kernel from the current preset.
    """
    k = kernel.shape[0]
    out = torch.zeros(size, size)
    # Centre alignment uses the same convention as ``identity``.
    off_src, off_dst = (k - 1) // 2, (size - 1) // 2
    for i in range(size):
        for j in range(size):
            si, sj = i - off_dst + off_src, j - off_dst + off_src
            if 0 <= si < k and 0 <= sj < k:
                out[i, j] = kernel[si, sj]
    return out


def normalise(kernel: torch.Tensor) -> torch.Tensor:
    """Scale a kernel so its weights sum to 1.

    Raises:
        ValueError: if the weights sum to (almost) zero, e.g. an edge detector.
    """
    s = float(kernel.sum())
    if math.isclose(s, 0.0, abs_tol=1e-9):
        raise ValueError(f"Cannot normalise a kernel whose weights sum to 0. Got sum {s}")
    return kernel / s
