"""The Transforms page's "PyTorch code": the pipeline as ``v2.Compose``, run after the page's seed."""

from __future__ import annotations

from typing import Any

from components.compute.transforms import MEANS, Stage
from components.snippets.image_load import file_lines, pil_lines, working_size


def _call(stage: Stage) -> str:
    n, v = stage.name, stage.values
    if n == "resize":
        return f"v2.Resize({v[0]})"
    if n == "centercrop":
        return f"v2.CenterCrop({v[0]})"
    if n == "rrc":
        low, high = sorted((v[1], v[2]))
        return f"v2.RandomResizedCrop({v[0]}, scale=({low!r}, {high!r}))"
    if n == "hflip":
        return f"v2.RandomHorizontalFlip(p={v[0]!r})"
    if n == "rotation":
        return f"v2.RandomRotation({v[0]})"
    if n == "jitter":
        return f"v2.ColorJitter(brightness={v[0]!r}, contrast={v[1]!r}, saturation={v[2]!r}, hue={v[3]!r})"
    if n == "gray":
        return f"v2.Grayscale(num_output_channels={v[0]})"
    if n == "blur":
        return f"v2.GaussianBlur({v[0]}, sigma=(0.1, {max(0.1, v[1])!r}))"
    if n == "erasing":
        return f"v2.RandomErasing(p={v[0]!r}, scale=(0.02, {max(0.02, v[1])!r}))"
    if n == "image":
        return "v2.ToImage()"
    if n == "dtype":
        return f"v2.ToDtype(torch.float32, scale={bool(v[0])})"
    mean, std = MEANS[v[0]]
    return f"v2.Normalize(mean={list(mean)}, std={list(std)})"


_NOTES = {"image": "PIL image -> tv_tensors.Image (still uint8)", "dtype": "uint8 0..255 -> float 0..1 if scale"}


def _line(stage: Stage) -> str:
    note = _NOTES.get(stage.name)
    return f"    {_call(stage)}," + (f"  # {note}" if note else "")


def transforms_code(image: Any, stages: list[Stage], seed: int) -> str:
    """Runnable code whose ``out`` is the page's last picture (it raises where the page's pipeline raises).

    Args:
        image: the page's ``LoadedImage`` (``path``, ``name``, ``decoded``).
        stages: the pipeline.
        seed: the page's seed.
    """
    decoded = image.decoded
    resize_to = working_size(decoded)
    lines = [
        "import numpy as np",
        "import torch",
        "from PIL import Image, ImageOps",
        "from torchvision.transforms import v2",
        *file_lines(decoded.format == "HEIF", image.path == image.name),
        *pil_lines(image.path, resize_to, decoded.conversion),
        "",
        "transforms = v2.Compose([",
        *[_line(s) for s in stages],
        "])",
        "",
        f"torch.manual_seed({seed})  # the random stages draw from torch's generator",
        "out = transforms(img)",
        "print(type(out).__name__, getattr(out, 'dtype', img.mode), tuple(getattr(out, 'shape', img.size)))",
    ]
    return "\n".join(lines) + "\n"
