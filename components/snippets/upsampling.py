"""The Upsampling page's "PyTorch code": the original at the page's size, the feature map, every method."""

from __future__ import annotations

from typing import Any

from components.compute.upsampling import SHUFFLE_NOISE, SMOOTH, UpSettings, matched_transposed
from components.snippets.image_load import file_lines, load_lines, working_size

_TRANSPOSED_WEIGHTS = {
    "bilinear": [
        "f = math.ceil(K / 2)",
        "centre = f - 1 if K % 2 == 1 else f - 0.5",
        "line = 1 - (torch.arange(K, dtype=torch.float32) - centre).abs() / f",
        "kernel = line[:, None] * line[None, :]  # bilinear interpolation as a transposed convolution (FCN)",
    ],
    "ones": ["kernel = torch.full((K, K), S * S / (K * K))  # all equal: (K/S)² taps per pixel on average"],
    "random": ["kernel = torch.rand(K, K, generator=torch.Generator().manual_seed(SEED)) * 2 * S * S / (K * K)"],
}


def _shuffle_lines() -> list[str]:
    return [
        "def shuffle_weights(icnr):",
        "    g = torch.Generator().manual_seed(SEED)",
        "    identity = torch.zeros(3, 3, 3, 3)",
        "    identity[range(3), range(3), 1, 1] = 1.0  # each channel copies its own pixel",
        "    if icnr:  # ICNR: one kernel per channel, repeated for its f² sub-pixels -> no checkerboard at the start",
        f"        noise = {SHUFFLE_NOISE} * torch.randn(3, 3, 3, 3, generator=g)",
        "        return (identity + noise).repeat_interleave(F**2, 0)",
        f"    noise = {SHUFFLE_NOISE} * torch.randn(3 * F**2, 3, 3, 3, generator=g)",
        "    return identity.repeat_interleave(F**2, 0) + noise",
        "",
        "",
        "def pixel_shuffle(icnr):",
        "    conv = nn.Conv2d(3, 3 * F ** 2, 3, padding=1, padding_mode='replicate', bias=False)",
        "    with torch.no_grad():",
        "        conv.weight.copy_(shuffle_weights(icnr))",
        "        return nn.PixelShuffle(F)(conv(low[None]))[0]",
    ]


def upsampling_code(image: Any, s: UpSettings, size: tuple[int, int]) -> str:
    """Runnable code whose ``results`` dict holds every method's picture as the page computed it.

    Args:
        image: the page's ``LoadedImage`` (``path``, ``name``, ``decoded``).
        s: the page's settings.
        size: ``(H, W)`` of the original at the page's size.
    """
    decoded = image.decoded
    resize_to = working_size(decoded)
    k, stride, p, op = (*matched_transposed(s.factor), 0) if s.tmatch else (s.tk, s.ts, s.tp, s.top)
    smooth = ", ".join(f"{v:g}" for v in SMOOTH.tolist())
    lines = [
        "import math",
        "",
        "import numpy as np",
        "import torch",
        "import torch.nn.functional as Fn",
        "from PIL import Image, ImageOps",
        "from torch import nn",
        *file_lines(decoded.format == "HEIF", image.path == image.name),
        *load_lines(image.path, resize_to, decoded.conversion),
        f"x = Fn.interpolate(x[None], size={size}, mode='bilinear', antialias=True, align_corners=False)[0]"
        "  # the page's size",
        f"F, SEED = {s.factor}, {s.seed}  # the factor, the seed of the random weights",
        "h, w = x.shape[1] // F * F, x.shape[2] // F * F",
        (
            "low = Fn.avg_pool2d(x[None, :, :h, :w], F)[0]  # antialiased: the mean of each F×F block"
            if s.antialias
            else "low = x[:, :h:F, :w:F]  # every F-th pixel: aliasing"
        ),
        "print('feature map', tuple(low.shape))",
        "",
        "up = lambda mode, **kw: Fn.interpolate(low[None], size=x.shape[1:], mode=mode, **kw)[0]",
        "results = {",
        "    'nearest': up('nearest'),",
        "    'nearest-exact': up('nearest-exact'),",
        "    'bilinear': up('bilinear', align_corners=False),",
        "    'bilinear_corners': up('bilinear', align_corners=True),",
        "    'bicubic': up('bicubic', align_corners=False),  # can overshoot [0, 1]: clamp to show it",
        "}",
        "",
        f"K, S, P, OUTPUT_PADDING = {k}, {stride}, {p}, {op}",
        *_TRANSPOSED_WEIGHTS[s.init],
        "deconv = nn.ConvTranspose2d(3, 3, K, stride=S, padding=P, output_padding=OUTPUT_PADDING, groups=3,"
        " bias=False)",
        "with torch.no_grad():",
        "    deconv.weight.copy_(kernel.expand(3, 1, K, K))",
        "    results['transposed'] = deconv(low[None])[0]",
        "",
        f"smooth = torch.tensor([{smooth}])",
        "blur = (smooth[:, None] * smooth[None, :]).expand(3, 1, 3, 3)",
        "resized = Fn.pad(Fn.interpolate(low[None], size=x.shape[1:], mode='nearest'), (1, 1, 1, 1), mode='reflect')",
        "results['resize_conv'] = Fn.conv2d(resized, blur, groups=3)[0]  # resize, then convolve",
        "",
        *_shuffle_lines(),
        "",
        "",
        "results['shuffle_random'], results['shuffle_icnr'] = pixel_shuffle(False), pixel_shuffle(True)",
        "",
        "for name, y in results.items():",
        "    hh, ww = min(y.shape[1], x.shape[1]), min(y.shape[2], x.shape[2])",
        "    mse = ((y[:, :hh, :ww].clamp(0, 1) - x[:, :hh, :ww]) ** 2).mean().item()",
        "    psnr = 10 * math.log10(1 / mse) if mse else math.inf  # a perfect copy: infinite",
        "    print(f'{name:17} {tuple(y.shape)}  PSNR {psnr:.2f} dB')",
    ]
    return "\n".join(lines) + "\n"
