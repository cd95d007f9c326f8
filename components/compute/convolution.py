"""2-D convolution of an image with one kernel, and the numbers that explain it.

Images are ``(C, H, W)`` float tensors in ``[0, 1]``. The same kernel is applied
to every channel independently (a depthwise convolution, ``groups=C``), which
is what an image filter does.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torchvision.transforms.v2 import functional as TF

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
MAX_STRIDE, MAX_DILATION = 8, 4


@dataclass(frozen=True)
class ConvGeometry:
    """Everything that decides where the window goes.

    Attributes:
        kernel_size: side of the square kernel, ``K``.
        padding: pixels added on every side, ``P``.
        padding_mode: one of ``PADDING_MODES``.
        stride: step between windows, ``S``.
        dilation: gap between kernel taps, ``D``.
    """

    kernel_size: int
    padding: int = 0
    padding_mode: str = "zeros"
    stride: int = 1
    dilation: int = 1

    @property
    def span(self) -> int:
        """Input pixels one window covers along an axis: ``D(K-1)+1``."""
        return self.dilation * (self.kernel_size - 1) + 1


class GeometryError(ValueError):
    """The settings cannot produce an output for this input size."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def output_size(n: int, g: ConvGeometry) -> int:
    """Output length along one axis: ``floor((n + 2P - D(K-1) - 1) / S) + 1``.

    Returns 0 when the window does not fit in the padded input.
    """
    room = n + 2 * g.padding - g.span
    return room // g.stride + 1 if room >= 0 else 0


def dropped_by_floor(n: int, g: ConvGeometry) -> list[int]:
    """Input indices (0-based, unpadded) after the last window: what the floor drops.

    When ``(n + 2P - span)`` is not a multiple of ``S`` the floor in the size
    formula drops the last rows/columns; padding pixels are not listed.
    """
    out = output_size(n, g)
    if out == 0:
        return list(range(n))
    last_covered = (out - 1) * g.stride + g.span - 1  # padded coordinates
    return [i - g.padding for i in range(last_covered + 1, n + 2 * g.padding) if 0 <= i - g.padding < n]


def uncovered(n: int, g: ConvGeometry) -> list[int]:
    """Every input index (0-based, unpadded) that no kernel tap ever reads.

    That is the floor's leftovers plus, when the stride is larger than the
    window (or dilation leaves holes), the indices skipped between taps.
    """
    read = {oy * g.stride + g.dilation * i - g.padding for oy in range(output_size(n, g)) for i in range(g.kernel_size)}
    return [i for i in range(n) if i not in read]


def check_geometry(height: int, width: int, g: ConvGeometry) -> None:
    """Raise ``GeometryError`` with a reason code if the settings cannot run."""
    if g.padding_mode not in PADDING_MODES:
        raise GeometryError("mode", f"padding_mode must be one of {PADDING_MODES}. Got {g.padding_mode!r}")
    if not (1 <= g.stride <= MAX_STRIDE and 1 <= g.dilation <= MAX_DILATION and g.padding >= 0):
        raise GeometryError("range", f"stride 1-{MAX_STRIDE}, dilation 1-{MAX_DILATION}, padding >= 0. Got {g}")
    if g.padding_mode == "reflect" and g.padding >= min(height, width):
        raise GeometryError("reflect", f"reflect padding must be smaller than the image side. Got {g.padding}")
    if g.padding_mode == "circular" and g.padding > min(height, width):
        raise GeometryError("circular", f"circular padding cannot exceed the image side. Got {g.padding}")
    if output_size(height, g) == 0 or output_size(width, g) == 0:
        raise GeometryError("too_big", f"kernel span {g.span} exceeds padded input. Got {height}x{width}")


def to_grayscale(image: torch.Tensor) -> torch.Tensor:
    """``(3, H, W)`` RGB to ``(1, H, W)`` luma, torchvision's ITU-R 601 weights
    ``0.2989 R + 0.587 G + 0.114 B`` (they sum to 0.9999: white becomes 0.9999)."""
    return TF.rgb_to_grayscale(image, num_output_channels=1)


def pad(image: torch.Tensor, g: ConvGeometry) -> torch.Tensor:
    """Pad ``(C, H, W)`` by ``P`` on every side with the chosen mode."""
    if g.padding == 0:
        return image
    mode = "constant" if g.padding_mode == "zeros" else g.padding_mode
    return F.pad(image.unsqueeze(0), (g.padding,) * 4, mode=mode).squeeze(0)


def convolve(image: torch.Tensor, kernel: torch.Tensor, g: ConvGeometry) -> torch.Tensor:
    """Filter every channel of ``image`` with ``kernel``.

    Args:
        image: ``(C, H, W)`` float tensor.
        kernel: ``(K, K)`` float tensor; ``K`` must equal ``g.kernel_size``.
        g: padding, stride and dilation.

    Returns:
        ``(C, H_out, W_out)`` float tensor, channels-last in memory, so that
        ``.permute(1, 2, 0)`` is a free ``(H, W, C)`` view for display.
    """
    if kernel.shape != (g.kernel_size, g.kernel_size):
        raise ValueError(f"kernel must be ({g.kernel_size}, {g.kernel_size}). Got {tuple(kernel.shape)}")
    check_geometry(image.shape[1], image.shape[2], g)
    c = image.shape[0]
    # Depthwise conv is ~20x faster channels-last on CPU, and a single channel
    # is slow in every layout, so grayscale runs as 3 identical channels.
    work = image.expand(3, -1, -1) if c == 1 else image
    x = work.unsqueeze(0).contiguous(memory_format=torch.channels_last)
    # unsqueeze(0) of an HWC-backed (C, H, W) view has batch stride C, not C*H*W,
    # and torch then misses the channels-last fast path (~30x slower). With a
    # single image the batch stride is never used, so make it canonical.
    x = x.as_strided(x.shape, (x[0].numel(), *x.stride()[1:]))
    weight = kernel.to(x.dtype).expand(x.shape[1], 1, -1, -1)
    if g.padding_mode == "zeros":
        y = F.conv2d(x, weight, stride=g.stride, padding=g.padding, dilation=g.dilation, groups=x.shape[1])
    else:
        x = F.pad(x, (g.padding,) * 4, mode=g.padding_mode)
        y = F.conv2d(x, weight, stride=g.stride, dilation=g.dilation, groups=x.shape[1])
    return y[0, :c]


def gradient_magnitude(gx: torch.Tensor, gy: torch.Tensor) -> torch.Tensor:
    """Per-pixel length of the gradient vector ``sqrt(gx^2 + gy^2)``."""
    return torch.hypot(gx, gy)


@dataclass(frozen=True)
class MultiplyAdd:
    """One output pixel, taken apart.

    Attributes:
        patch: ``(K, K)`` input values under the kernel taps (padding included).
        weights: ``(K, K)`` kernel.
        products: ``patch * weights``.
        total: ``products.sum()``, equal to the output pixel.
        rows, cols: padded-input coordinates of the taps (for drawing the window).
    """

    patch: torch.Tensor
    weights: torch.Tensor
    products: torch.Tensor
    total: float
    rows: list[int]
    cols: list[int]


def source_index(i: int, n: int, mode: str) -> int | None:
    """Which input index a (possibly out-of-range) coordinate reads under ``mode``.

    ``None`` means a zero from zero padding. Reflect mirrors without repeating
    the edge (``-1 -> 1``), replicate clamps, circular wraps.
    """
    if 0 <= i < n:
        return i
    if mode == "zeros":
        return None
    if mode == "replicate":
        return min(max(i, 0), n - 1)
    if mode == "circular":
        return i % n
    period = 2 * (n - 1)  # reflect
    i = abs(i) % period if period else 0
    return period - i if i >= n else i


def window_taps(oy: int, ox: int, g: ConvGeometry) -> tuple[list[int], list[int]]:
    """Padded-input rows and columns that output pixel ``(oy, ox)`` reads."""
    rows = [oy * g.stride + g.dilation * i for i in range(g.kernel_size)]
    cols = [ox * g.stride + g.dilation * j for j in range(g.kernel_size)]
    return rows, cols


def gather_padded(channel: torch.Tensor, rows: list[int], cols: list[int], g: ConvGeometry) -> torch.Tensor:
    """Values of the *padded* input at padded coordinates ``rows x cols``.

    Only the requested pixels are looked up (padding a 1024² image to read a
    few of them would be wasteful); zero padding reads 0.

    Returns:
        ``(len(rows), len(cols))`` tensor.
    """
    h, w = channel.shape
    src_r = [source_index(r - g.padding, h, g.padding_mode) for r in rows]
    src_c = [source_index(c - g.padding, w, g.padding_mode) for c in cols]
    keep_r = torch.tensor([r is not None for r in src_r])
    keep_c = torch.tensor([c is not None for c in src_c])
    values = channel[[r or 0 for r in src_r]][:, [c or 0 for c in src_c]]
    return values * (keep_r[:, None] & keep_c[None, :]).to(channel.dtype)


def multiply_add(channel: torch.Tensor, kernel: torch.Tensor, g: ConvGeometry, oy: int, ox: int) -> MultiplyAdd:
    """Recompute output pixel ``(oy, ox)`` of one channel as an explicit multiply-add.

    Args:
        channel: ``(H, W)`` input, unpadded.
        kernel: ``(K, K)`` weights.
        g: geometry; ``(oy, ox)`` must lie inside the output.
    """
    h, w = channel.shape
    h_out, w_out = output_size(h, g), output_size(w, g)
    if not (0 <= oy < h_out and 0 <= ox < w_out):
        raise ValueError(f"output pixel must be inside {h_out}x{w_out}. Got ({oy}, {ox})")
    rows, cols = window_taps(oy, ox, g)
    patch = gather_padded(channel, rows, cols, g)
    products = patch * kernel
    return MultiplyAdd(patch, kernel, products, float(products.double().sum()), rows, cols)


@dataclass(frozen=True)
class ConvSettings:
    """The Convolution page's shareable settings (URL keys ``conv_<field>``).

    ``display`` ``auto`` means signed for kernels with negative responses.
    """

    image: str = "cat"
    kernel: str = "sobel_x"
    size: int = 3
    sigma: float = 1.0
    padding: int = 1
    padding_mode: str = "zeros"
    stride: int = 1
    dilation: int = 1
    color: str = "rgb"
    display: str = "auto"
    magnitude: bool = False
    stretch: bool = False
