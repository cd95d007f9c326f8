"""Tensors to displayable pixels: clamped colour, diverging signed map, encoding."""

from __future__ import annotations

import base64
import io
from functools import cache

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from plotly.colors import sample_colorscale, unlabel_rgb

from components.figures.theme import DIVERGING

SMALL = 128  # sources up to this size are sent as PNG: every pixel matters


@cache
def diverging_lut() -> np.ndarray:
    """``(256, 3)`` uint8: the diverging scale, blue (0) through white (127.5) to red (255)."""
    colours = sample_colorscale(DIVERGING, [i / 255 for i in range(256)])
    return np.array([unlabel_rgb(c) for c in colours], dtype=np.float64).round().astype(np.uint8)


def clamped_rgb(image: torch.Tensor) -> np.ndarray:
    """``(C, H, W)`` float to ``(H, W, 3)`` uint8, values clamped to ``[0, 1]``."""
    x = image.detach().clamp(0, 1).mul(255).round_().to(torch.uint8)
    if x.shape[0] == 1:
        x = x.expand(3, -1, -1)
    return x.permute(1, 2, 0).contiguous().numpy()


def signed_limit(v: torch.Tensor, q: float = 0.995) -> float:
    """Colour-scale limit: the ``q`` quantile of ``|v|`` (on a subsample for speed),
    so a few extreme pixels do not wash out the rest; never 0."""
    step = max(1, int((v.numel() / 65536) ** 0.5))
    sample = v[::step, ::step].abs().flatten().float()
    limit = float(torch.quantile(sample, q)) if sample.numel() else 0.0
    return limit if limit > 1e-12 else (float(v.abs().max()) or 1.0)


def signed_rgb(image: torch.Tensor, limit: float | None = None) -> tuple[np.ndarray, float]:
    """Mean over channels on a symmetric diverging scale.

    Args:
        limit: the scale's limit; ``signed_limit`` of the mean when not given (a crop passes the whole
            picture's, so its colours match).

    Returns:
        ``(H, W, 3)`` uint8 and the limit ``L``: ``-L`` and below are full blue,
        ``+L`` and above full red.
    """
    v = image.detach().mean(dim=0)
    limit = signed_limit(v) if limit is None else limit
    return _signed_colours(v, limit), limit


def _signed_colours(v: torch.Tensor, limit: float) -> np.ndarray:
    idx = ((v / limit + 1) * 127.5).round_().clamp_(0, 255).to(torch.uint8).numpy()
    return np.take(diverging_lut(), idx, axis=0)  # take: 4x faster than lut[idx] here


def _shrink(x: torch.Tensor, width: int, height: int) -> torch.Tensor:
    """``(C, H, W)`` float averaged down to ``height x width`` (antialiased bilinear, torch's fast kernel)."""
    return F.interpolate(x[None], size=(height, width), mode="bilinear", antialias=True, align_corners=False)[0]


def display_rgb(image: torch.Tensor, width: int, height: int, signed: bool) -> tuple[np.ndarray, float | None]:
    """``(C, H, W)`` float straight to display pixels ``(height, width, 3)`` uint8, as ``fit`` would draw
    ``clamped_rgb`` / ``signed_rgb`` of it, without making the full-size pixels first.

    Shrinking clamps first (to ``[0, 1]``, or ``±L`` on the signed scale, ``L`` from the full picture) and
    averages the values, then colours the small picture: a fraction of the work at the same look (a
    1024² output drawn at 640² is ~3x faster, issue 10). Enlarging repeats pixels as crisp squares.

    Returns:
        the pixels and, on the signed scale, its limit (else ``None``).
    """
    x = image.detach()
    h, w = x.shape[-2:]
    shrink = width < w or height < h
    if signed:
        v = x.mean(dim=0)
        limit = signed_limit(v)
        if shrink:
            v = _shrink(v.clamp(-limit, limit)[None], width, height)[0]
        return fit(_signed_colours(v, limit), width, height), limit
    if shrink:
        x = _shrink(x.clamp(0, 1), width, height)
    return fit(clamped_rgb(x), width, height), None


def fit(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize ``(H, W, 3)`` uint8 to exactly ``width x height`` for display.

    Enlarging keeps pixels as crisp squares (nearest neighbour), so a tiny
    image or kernel-sized output shows its individual pixels; shrinking
    averages (bilinear with Pillow's fast reducing gap).
    """
    h, w = pixels.shape[:2]
    if (w, h) == (width, height):
        return pixels
    resample = Image.Resampling.NEAREST if width >= w and height >= h else Image.Resampling.BILINEAR
    return np.asarray(Image.fromarray(pixels).resize((width, height), resample, reducing_gap=2.0))


def picture(pixels: np.ndarray, width: int, height: int) -> bytes:
    """Display bytes at the on-screen size: PNG for tiny sources (exact pixels), JPEG for photos."""
    fmt = "PNG" if max(pixels.shape[:2]) <= SMALL else "JPEG"
    return encode(fit(pixels, width, height), fmt)


def display_picture(image: torch.Tensor, width: int, height: int, signed: bool) -> tuple[bytes, float | None]:
    """``display_rgb`` encoded like ``picture``: PNG for tiny sources (exact pixels), JPEG for photos."""
    pixels, limit = display_rgb(image, width, height, signed)
    return encode(pixels, "PNG" if max(image.shape[-2:]) <= SMALL else "JPEG"), limit


def encode(pixels: np.ndarray, fmt: str = "JPEG") -> bytes:
    """Encode ``(H, W, 3)`` uint8 as JPEG (photos, fast and small) or PNG (lossless)."""
    buf = io.BytesIO()
    if fmt == "JPEG":
        Image.fromarray(pixels).save(buf, format="JPEG", quality=90)
    else:
        Image.fromarray(pixels).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def data_uri(data: bytes, fmt: str = "JPEG") -> str:
    """Inline image for a Plotly layout image."""
    return f"data:image/{fmt.lower()};base64,{base64.b64encode(data).decode()}"


def _edges(labels: np.ndarray) -> np.ndarray:
    """One-pixel lines between regions: a pixel whose right or lower neighbour has another label."""
    edge = np.zeros(labels.shape, dtype=bool)
    edge[:, :-1] |= labels[:, :-1] != labels[:, 1:]
    edge[:-1, :] |= labels[:-1, :] != labels[1:, :]
    return edge


@cache
def _viridis_lut() -> np.ndarray:
    colours = sample_colorscale("Viridis", [i / 255 for i in range(256)])
    return np.array([unlabel_rgb(c) for c in colours], dtype=np.float64).round().astype(np.uint8)


def contour_pixels(z: torch.Tensor, levels: int = 20) -> np.ndarray:
    """Filled contours of ``z`` as RGBA pixels: ``levels`` equal bands between its finite min and max on the
    Viridis scale, a darker line where the band changes, non-finite values transparent.

    Args:
        z: ``(H, W)`` with rows at increasing ``y`` (``surface_grid``'s layout); the picture's top row is the
            last one, so it sits upright on a y axis that grows upwards.

    Returns:
        ``(H, W, 4)`` uint8.
    """
    v = z.detach().to(torch.float64).flip(0)
    finite = torch.isfinite(v)
    lo, hi = (float(v[finite].min()), float(v[finite].max())) if bool(finite.any()) else (0.0, 1.0)
    scaled = ((v - lo) / (hi - lo if hi > lo else 1.0)).nan_to_num(0.0, 1.0, 0.0).clamp(0.0, 1.0)
    band = (scaled * levels).floor().clamp(max=levels - 1)
    rgb = _viridis_lut()[((band + 0.5) * (255 / levels)).round().to(torch.int64).numpy()]
    edge = _edges(band.numpy())
    rgb[edge] = (rgb[edge] * 0.6).astype(np.uint8)
    alpha = np.where(finite.numpy(), 255, 0).astype(np.uint8)
    return np.dstack([rgb, alpha])


def class_pixels(probs: torch.Tensor, colours: list[str]) -> np.ndarray:
    """Decision regions: each pixel takes its most likely class's colour, paler where the model is less sure,
    with a dark line where the predicted class changes (the decision boundary).

    Args:
        probs: ``(H, W, C)`` class probabilities, row 0 at the top; ``colours``: ``#rrggbb`` per class.

    Returns:
        ``(H, W, 3)`` uint8.
    """
    p = probs.detach().to(torch.float64).nan_to_num(0.0)
    c = p.shape[-1]
    top, label = p.max(dim=-1)
    sure = ((top - 1 / c) / (1 - 1 / c)).clamp(0, 1)  # 0 at a coin flip, 1 when certain
    rgb = torch.tensor([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in colours], dtype=torch.float64)
    strength = (0.12 + 0.38 * sure)[..., None]
    pixels = 255 * (1 - strength) + rgb[label % len(colours)] * strength
    pixels[torch.from_numpy(_edges(label.numpy()))] = 60.0
    return pixels.round().to(torch.uint8).numpy()
