"""The Convolution page's "PyTorch code": runnable source for the current view."""

from __future__ import annotations

import torch

from components.compute.convolution import ConvGeometry
from components.snippets.image_load import file_lines, load_lines


def _float(v: float) -> str:
    """9 significant digits (exact for float32), always with a decimal point so the tensor is float."""
    text = f"{float(v):.9g}"
    return text if any(c in text for c in ".eEn") else f"{text}.0"


def tensor_literal(kernel: torch.Tensor, indent: str = "    ") -> str:
    """A ``torch.tensor([...])`` literal that round-trips float32 exactly."""
    rows = [", ".join(_float(v) for v in row) for row in kernel.tolist()]
    body = ",\n".join(f"{indent}[{r}]" for r in rows)
    return f"torch.tensor([\n{body},\n])"


def _conv_lines(name: str, g: ConvGeometry, channels: int) -> list[str]:
    k = g.kernel_size
    return [
        f"{name} = nn.Conv2d({channels}, {channels}, kernel_size={k}, stride={g.stride}, padding={g.padding},",
        f'    {" " * len(name)}dilation={g.dilation}, padding_mode="{g.padding_mode}", groups={channels}, bias=False)',
    ]


def _header(heif: bool, uploaded: bool) -> list[str]:
    return [
        "import numpy as np",
        "import torch",
        "import torch.nn as nn",
        "from PIL import Image, ImageOps",
        "from torchvision.transforms.v2 import functional as TF",
        *file_lines(heif, uploaded),
    ]


def _magnitude_lines(kernel_y: torch.Tensor, g: ConvGeometry, c: int) -> list[str]:
    k = g.kernel_size
    return [
        "",
        f"kernel_y = {tensor_literal(kernel_y)}",
        *_conv_lines("conv_y", g, c),
        "with torch.no_grad():",
        f"    conv_y.weight.copy_(kernel_y.expand({c}, 1, {k}, {k}))",
        "    y = torch.hypot(y, conv_y(x.unsqueeze(0))[0])  # gradient magnitude sqrt(gx² + gy²)",
    ]


def convolution_code(
    path: str,
    resize_to: tuple[int, int] | None,
    kernel: torch.Tensor,
    g: ConvGeometry,
    grayscale: bool,
    magnitude_kernel: torch.Tensor | None = None,
    uploaded: bool = False,
    probe: tuple[int, int, int] | None = None,
    conversion: str = "convert",
    heif: bool = False,
) -> str:
    """Python source that recomputes the page's output tensor ``y`` of shape ``(C, H_out, W_out)``.

    Args:
        path: the image file as the user has it.
        resize_to: ``(width, height)`` if the app scaled the image down.
        kernel: ``(K, K)`` weights.
        g: padding, stride, dilation.
        grayscale: convert to one luma channel first.
        uploaded: the file is the user's own: say where it must be.
        probe: ``(channel, y, x)`` of the inspected pixel, printed to compare with the page.
        magnitude_kernel: the vertical Sobel kernel when the page shows the
            gradient magnitude ``sqrt(gx^2 + gy^2)``.
        conversion: how the page turned the file's mode into RGB (``DecodedImage.conversion``).
        heif: the file is HEIC/HEIF (iPhone photos): Pillow needs pillow-heif to open it.
    """
    c = 1 if grayscale else 3
    k = g.kernel_size
    lines = [*_header(heif, uploaded), *load_lines(path, resize_to, conversion)]
    if grayscale:
        lines.append("x = TF.rgb_to_grayscale(x)  # (1, H, W): 0.2989 R + 0.587 G + 0.114 B")
    lines += ["", f"kernel = {tensor_literal(kernel)}", *_conv_lines("conv", g, c)]
    lines += [
        "with torch.no_grad():",
        f"    conv.weight.copy_(kernel.expand({c}, 1, {k}, {k}))  # the same kernel for every channel",
        "    y = conv(x.unsqueeze(0))[0]  # add, then drop, the batch dimension",
    ]
    if magnitude_kernel is not None:
        lines += _magnitude_lines(magnitude_kernel, g, c)
    lines += [
        "",
        "print(x.shape, '->', y.shape)  # (channels, height, width); the page writes sizes as width×height",
        "print(y[:, :3, :3])  # the top-left output values",
    ]
    if probe is not None:
        c_, y_, x_ = probe
        lines.append(f"print(y[{c_}, {y_}, {x_}].item())  # the pixel in the page's multiply-add inspector")
    return "\n".join(lines) + "\n"
