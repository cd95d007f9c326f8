"""Upsampling: shrink a picture into a low-resolution "feature map", then bring it back to the original size.

Images are ``(C, H, W)`` float32 in [0, 1]. Every method is a real PyTorch call: ``F.interpolate`` (nearest,
nearest-exact, bilinear, bicubic), ``nn.ConvTranspose2d``, a resize followed by a convolution, and
``nn.PixelShuffle`` after a convolution (random or ICNR initialised).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

METHODS = (
    "nearest",
    "nearest-exact",
    "bilinear",
    "bilinear_corners",
    "bicubic",
    "transposed",
    "resize_conv",
    "shuffle_random",
    "shuffle_icnr",
)
INTERPOLATE = {  # method -> (F.interpolate mode, align_corners)
    "nearest": ("nearest", None),
    "nearest-exact": ("nearest-exact", None),
    "bilinear": ("bilinear", False),
    "bilinear_corners": ("bilinear", True),
    "bicubic": ("bicubic", False),
}
INITS = ("bilinear", "ones", "random")  # transposed-convolution weights
MIN_FACTOR, MAX_FACTOR = 2, 8
MAX_K, MAX_S, MAX_P = 16, 8, 8
SHUFFLE_NOISE = 0.02  # pixel shuffle weights: "copy the pixel" plus this much seeded noise (std)
SMOOTH = torch.tensor([1.0, 2.0, 1.0]) / 4  # resize-then-convolve: a [1, 2, 1]/4 blur on each axis


@dataclass(frozen=True)
class UpSettings:
    """The Upsampling page's shareable settings (``up_<field>`` in the link)."""

    image: str = "cat"
    factor: int = 4
    antialias: bool = True
    tmatch: bool = True  # transposed convolution matched to the factor (``matched_transposed``), else:
    tk: int = 3
    ts: int = 2
    tp: int = 0
    top: int = 0
    init: str = "bilinear"
    seed: int = 0
    cx: int = 50  # the compared crop's centre, % of the width and height
    cy: int = 40
    tiny: str = "transposed"  # the tiny feature map's method
    tiny_n: int = 3
    ti: int = 1  # the tiny map's picked output cell
    tj: int = 1


class UpError(ValueError):
    """A transposed-convolution setting PyTorch refuses: ``reason`` (catalog key), ``detail`` the numbers."""

    def __init__(self, reason: str, message: str, **detail: object):
        super().__init__(message)
        self.reason, self.detail = reason, detail


def working(image: torch.Tensor, long_side: int) -> torch.Tensor:
    """The page's "original": ``image`` scaled (down only) so its long side is ``long_side``, antialiased."""
    _, h, w = image.shape
    if max(h, w) <= long_side:
        return image
    size = (max(1, round(h * long_side / max(h, w))), max(1, round(w * long_side / max(h, w))))
    return F.interpolate(image.unsqueeze(0), size=size, mode="bilinear", antialias=True, align_corners=False)[0]


def downsample(image: torch.Tensor, factor: int, antialias: bool) -> torch.Tensor:
    """``(C, H // f, W // f)``: with antialiasing each low-res pixel is the mean of its f×f block
    (``F.avg_pool2d``); without, every f-th pixel is kept and the rest dropped (aliasing)."""
    _, h, w = image.shape
    if not MIN_FACTOR <= factor <= MAX_FACTOR or h < factor or w < factor:
        raise ValueError(f"factor must be in [{MIN_FACTOR}, {MAX_FACTOR}] and <= the image size. Got {factor}")
    block = image[:, : h // factor * factor, : w // factor * factor]
    if antialias:
        return F.avg_pool2d(block.unsqueeze(0), factor).squeeze(0)
    return block[:, ::factor, ::factor].contiguous()


def matched_transposed(factor: int) -> tuple[int, int, int]:
    """``(K, S, P)`` with which ``ConvTranspose2d`` makes an ``n``-pixel side exactly ``factor · n`` long."""
    return 2 * factor - factor % 2, factor, math.ceil((factor - 1) / 2)


def transposed_size(n: int, k: int, s: int, p: int, op: int, d: int = 1) -> int:
    """``H_out = (H_in − 1)·S − 2P + D·(K − 1) + output_padding + 1``."""
    return (n - 1) * s - 2 * p + d * (k - 1) + op + 1


def conv_sizes_from(n_out: int, k: int, s: int, p: int) -> list[int]:
    """The input sizes a ``Conv2d(K, S, P)`` maps to ``n_out``: ``output_padding`` picks one of them."""
    first = (n_out - 1) * s - 2 * p + k
    return [h for h in range(max(1, first), first + s) if (h + 2 * p - k) // s + 1 == n_out]


def bilinear_kernel(k: int) -> torch.Tensor:
    """``(K, K)``: the kernel with which a transposed convolution of stride ``ceil(K/2)`` interpolates
    bilinearly (FCN's ``get_upsampling_weight``)."""
    f = math.ceil(k / 2)
    centre = f - 1 if k % 2 == 1 else f - 0.5
    og = torch.arange(k, dtype=torch.float32)
    line = 1 - (og - centre).abs() / f
    return line[:, None] * line[None, :]


def transposed_weights(init: str, k: int, s: int, channels: int, seed: int) -> torch.Tensor:
    """``(C, 1, K, K)`` depthwise weights: ``bilinear``; all equal (``ones``, scaled by S²/K²: an output pixel
    gets (K/S)² taps on average, so the mean brightness stays); ``random`` (seeded, uniform, the same mean)."""
    if init == "bilinear":
        w = bilinear_kernel(k)
    elif init == "ones":
        w = torch.full((k, k), s * s / (k * k))
    elif init == "random":
        w = torch.rand(k, k, generator=torch.Generator().manual_seed(seed)) * 2 * s * s / (k * k)
    else:
        raise ValueError(f"init must be one of {INITS}. Got {init!r}")
    return w.expand(channels, 1, k, k).contiguous()


def transposed(low: torch.Tensor, k: int, s: int, p: int, op: int, init: str, seed: int = 0) -> torch.Tensor:
    """``nn.ConvTranspose2d(C, C, K, S, P, output_padding, groups=C, bias=False)`` with the chosen weights.

    Raises:
        UpError: ``op_too_big`` (output_padding must be smaller than the stride), ``too_small`` (no output).
    """
    c, h, w = low.shape
    if op >= s:
        raise UpError("op_too_big", f"output_padding must be < stride. Got {op} >= {s}", op=op, s=s)
    if min(transposed_size(h, k, s, p, op), transposed_size(w, k, s, p, op)) < 1:
        raise UpError("too_small", f"padding {p} leaves no output for K={k}, S={s}", k=k, s=s, p=p)
    layer = nn.ConvTranspose2d(c, c, k, stride=s, padding=p, output_padding=op, groups=c, bias=False)
    with torch.no_grad():
        layer.weight.copy_(transposed_weights(init, k, s, c, seed))
        # channels_last: a depthwise transposed convolution of a 256² map, ~3 ms instead of ~45 on this machine
        x = low.unsqueeze(0).contiguous(memory_format=torch.channels_last)
        return layer.to(memory_format=torch.channels_last)(x).squeeze(0).contiguous()


def resize_conv(low: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Nearest-neighbour resize, then a fixed 3×3 blur (``F.conv2d``, reflect padding): the "resize-convolution"
    that avoids the checkerboard of a strided transposed convolution."""
    c = low.shape[0]
    up = F.pad(F.interpolate(low.unsqueeze(0), size=size, mode="nearest"), (1, 1, 1, 1), mode="reflect")
    blur = (SMOOTH[:, None] * SMOOTH[None, :]).expand(c, 1, 3, 3)
    # channels_last: a depthwise 3x3 convolution of a 1024² picture, ~5 ms instead of ~80 here
    return F.conv2d(up.contiguous(memory_format=torch.channels_last), blur, groups=c).squeeze(0).contiguous()


def shuffle_weights(channels: int, factor: int, icnr: bool, seed: int) -> torch.Tensor:
    """``(C·f², C, 3, 3)`` for the convolution before ``PixelShuffle``: random around "copy the pixel", or ICNR
    (Aitken et al. 2017): one such kernel per channel repeated for its f² sub-pixels, so that at initialisation
    the result is a nearest-neighbour resize of one convolution and shows no checkerboard."""
    g = torch.Generator().manual_seed(seed)
    identity = torch.zeros(channels, channels, 3, 3)
    identity[range(channels), range(channels), 1, 1] = 1.0
    r2 = factor * factor
    if icnr:
        base = identity + SHUFFLE_NOISE * torch.randn(channels, channels, 3, 3, generator=g)
        return base.repeat_interleave(r2, dim=0)  # out channel c·f² + k is channel c's kernel, for every k
    copies = identity.repeat_interleave(r2, dim=0)
    return copies + SHUFFLE_NOISE * torch.randn(channels * r2, channels, 3, 3, generator=g)


def pixel_shuffle(low: torch.Tensor, factor: int, icnr: bool, seed: int = 0) -> torch.Tensor:
    """``Conv2d(C, C·f², 3, padding=1)`` then ``nn.PixelShuffle(f)``: ``(C, f·h, f·w)``."""
    c = low.shape[0]
    conv = nn.Conv2d(c, c * factor * factor, 3, padding=1, padding_mode="replicate", bias=False)
    with torch.no_grad():
        conv.weight.copy_(shuffle_weights(c, factor, icnr, seed))
        return nn.PixelShuffle(factor)(conv(low.unsqueeze(0))).squeeze(0)


def _interpolate(x: torch.Tensor, method: str, size: tuple[int, int]) -> torch.Tensor:
    mode, corners = INTERPOLATE[method]
    return F.interpolate(x.unsqueeze(0), size=size, mode=mode, align_corners=corners).squeeze(0)


def upsample(low: torch.Tensor, method: str, size: tuple[int, int], s: UpSettings) -> torch.Tensor:
    """``low`` back to ``size`` with ``method`` (``METHODS``). A transposed convolution or a pixel shuffle makes
    its own size (``transposed_size``, ``f·h``); the others make ``size`` exactly. Bicubic can overshoot
    [0, 1]: it is returned as computed (``clamp`` it to show it)."""
    if method in INTERPOLATE:
        return _interpolate(low, method, size)
    if method == "transposed":
        k, stride, p, op = transposed_params(s)
        return transposed(low, k, stride, p, op, s.init, s.seed)
    if method == "resize_conv":
        return resize_conv(low, size)
    if method in ("shuffle_random", "shuffle_icnr"):
        return pixel_shuffle(low, s.factor, method == "shuffle_icnr", s.seed)
    raise ValueError(f"method must be one of {METHODS}. Got {method!r}")


def transposed_params(s: UpSettings) -> tuple[int, int, int, int]:
    """``(K, S, P, output_padding)``: matched to the factor (``tmatch``), else as set."""
    if s.tmatch:
        return (*matched_transposed(s.factor), 0)
    return s.tk, s.ts, s.tp, s.top


@dataclass(frozen=True)
class Score:
    """Attributes:
    mse: mean squared error against the original over the pixels both have (values clamped to [0, 1]).
    psnr: ``10·log10(1 / MSE)`` dB (``inf`` for a perfect copy).
    overshoot: share of values outside [0, 1] before clamping.
    size: ``(H, W)`` the method made.
    """

    mse: float
    psnr: float
    overshoot: float
    size: tuple[int, int]


def score(original: torch.Tensor, restored: torch.Tensor) -> Score:
    """Compare on the overlapping top-left region (a transposed convolution may make another size)."""
    h = min(original.shape[1], restored.shape[1])
    w = min(original.shape[2], restored.shape[2])
    outside = float(((restored < 0) | (restored > 1)).float().mean())
    diff = restored[:, :h, :w].clamp(0, 1) - original[:, :h, :w]
    mse = float((diff * diff).mean())
    psnr = math.inf if mse == 0 else 10 * math.log10(1 / mse)
    return Score(mse, psnr, outside, (restored.shape[1], restored.shape[2]))


def overlap_counts(n: int, k: int, s: int, p: int, op: int = 0) -> torch.Tensor:
    """``(H_out, W_out)``: how many kernel taps land on each output pixel — an all-ones kernel transposed-
    convolved over an all-ones ``n × n`` input. Uneven counts (K not divisible by S) are the checkerboard."""
    ones = torch.ones(1, 1, n, n)
    return F.conv_transpose2d(ones, torch.ones(1, 1, k, k), stride=s, padding=p, output_padding=op)[0, 0]


def tiny_map(n: int, seed: int) -> torch.Tensor:
    """``(1, n, n)`` small whole numbers 0..9 (seeded): a feature map whose every value can be written out."""
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 10, (1, n, n), generator=g).float()


def contributions(low: torch.Tensor, method: str, s: UpSettings, i: int, j: int) -> torch.Tensor:
    """``(h, w)``: how much each input cell adds to output cell ``(i, j)`` — the gradient of that cell with
    respect to the input (autograd). Every method here is linear in its input, so these weights times the
    input cells sum to the output cell exactly."""
    x = low.clone().requires_grad_(True)
    with torch.enable_grad():
        out = upsample_exact(x, method, s)
        out[:, i, j].sum().backward()
    return x.grad[0].detach()


def upsample_exact(x: torch.Tensor, method: str, s: UpSettings) -> torch.Tensor:
    """``x`` ``(C, h, w)`` upsampled by ``s.factor`` with ``method``, written with functional calls only (no
    module, no clamping), so autograd can trace every output cell back to its input cells."""
    size = (x.shape[1] * s.factor, x.shape[2] * s.factor)
    if method in INTERPOLATE:
        return _interpolate(x, method, size)
    if method == "transposed":
        k, stride, p, op = transposed_params(s)
        w = transposed_weights(s.init, k, stride, x.shape[0], s.seed)
        return F.conv_transpose2d(x.unsqueeze(0), w, stride=stride, padding=p, output_padding=op,
                                  groups=x.shape[0]).squeeze(0)  # fmt: skip
    if method == "resize_conv":
        return resize_conv(x, size)
    c, f = x.shape[0], s.factor
    w = shuffle_weights(c, f, method == "shuffle_icnr", s.seed)
    padded = F.pad(x.unsqueeze(0), (1, 1, 1, 1), mode="replicate")
    return F.pixel_shuffle(F.conv2d(padded, w), f).squeeze(0)
