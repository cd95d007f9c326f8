"""Images need no lookup table: a picture is already a ``(3, H, W)`` tensor. A Vision Transformer cuts it into
patches and embeds each with one ``Conv2d(kernel_size=p, stride=p)``: the same Linear map on every patch."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

VIT_SIDE = 224  # the Vision Transformer's input size
PATCHES = (8, 14, 16, 28, 32, 56)  # sides that divide 224


def patch_embedding(dim: int, patch: int, seed: int) -> nn.Conv2d:
    """A Vision Transformer's patch embedding: ``Conv2d(3, dim, kernel_size=patch, stride=patch)``, seeded."""
    torch_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        return nn.Conv2d(3, dim, kernel_size=patch, stride=patch)
    finally:
        torch.random.set_rng_state(torch_state)


def vit_input(image: torch.Tensor) -> torch.Tensor:
    """``(3, H, W)`` in [0, 1] resized to ``(3, 224, 224)`` (antialiased bilinear), the ViT's input size."""
    return F.interpolate(image[None], size=(VIT_SIDE, VIT_SIDE), mode="bilinear", antialias=True)[0].clamp(0, 1)


def embed_patches(image: torch.Tensor, conv: nn.Conv2d) -> torch.Tensor:
    """``(3, H, W)`` → ``(N, d)``: one row per patch, row by row (``flatten(2).transpose(1, 2)``)."""
    with torch.no_grad():
        return conv(image[None]).flatten(2).transpose(1, 2)[0]


def patches_by_hand(image: torch.Tensor, conv: nn.Conv2d) -> torch.Tensor:
    """The same ``(N, d)`` as one matrix product: every patch's ``3·p·p`` numbers (``F.unfold``) times the
    kernel as a ``(d, 3·p·p)`` matrix, plus the bias. A patch embedding is a Linear applied to each patch."""
    p = conv.kernel_size[0]
    flat = F.unfold(image[None], kernel_size=p, stride=p)[0].T  # (N, 3·p·p)
    with torch.no_grad():
        return flat @ conv.weight.reshape(conv.out_channels, -1).T + conv.bias


def patch_count(height: int, width: int, patch: int) -> int:
    """``N = ⌊H / p⌋ · ⌊W / p⌋``."""
    return (height // patch) * (width // patch)
