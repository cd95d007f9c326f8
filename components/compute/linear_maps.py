"""Linear maps: a 2×2 matrix is the weight of a real ``nn.Linear(2, 2)``; what it does to vectors, the grid, a
picture, its determinant, eigenvectors and singular values; two maps composed; a ReLU between two Linears.

Points are row vectors, as ``nn.Linear`` takes them: a batch ``(N, 2)`` maps to ``X @ W.T + b``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

LIMIT = 3.0  # |entries of W| (the sliders' range; compute functions clamp to it too)
BIAS_LIMIT = 2.0
GRID = 3  # the grid lines x = -3..3 and y = -3..3
STEPS = 8  # animation frames per stage (identity → W, then W → W + b): fewer frames, a lighter chart
EPS = 1e-9
LATTICE = 15  # the fold tab's points: a LATTICE² lattice over the grid's square (each an SVG marker, in 4 panels)

PRESETS = ("identity", "rotation", "scale", "shear", "reflection", "projection", "custom")
ANGLED = ("rotation", "reflection")  # presets with an angle


def preset_matrix(name: str, angle: float = 30.0) -> torch.Tensor:
    """The ``(2, 2)`` weight of a named map, ``(out_features, in_features)``; ``angle`` in degrees is the
    rotation's angle, or the angle of the mirror line of a reflection.

    Raises:
        ValueError: an unknown name (``custom`` has no matrix of its own).
    """
    a = math.radians(angle)
    c, s = math.cos(a), math.sin(a)
    c2, s2 = math.cos(2 * a), math.sin(2 * a)
    table = {
        "identity": [[1.0, 0.0], [0.0, 1.0]],
        "rotation": [[c, -s], [s, c]],
        "scale": [[2.0, 0.0], [0.0, 0.5]],
        "shear": [[1.0, 1.0], [0.0, 1.0]],
        "reflection": [[c2, s2], [s2, -c2]],
        "projection": [[1.0, 0.0], [0.0, 0.0]],
    }
    if name not in table:
        raise ValueError(f"preset must be one of {sorted(table)}. Got {name!r}")
    w = torch.tensor(table[name], dtype=torch.float64)
    return torch.where(w.abs() < 1e-12, 0.0, w)  # cos 90° is 6e-17 in floating point: an exact 0 reads better


def make_linear(w: torch.Tensor, b: torch.Tensor | None = None) -> nn.Linear:
    """A real ``nn.Linear(2, 2)`` (float64) whose ``weight`` is ``w`` ``(2, 2)`` and ``bias`` is ``b`` ``(2,)``
    (zeros if ``None``); entries are clamped to the page's bounds."""
    layer = nn.Linear(2, 2, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(w, dtype=torch.float64).clamp(-LIMIT, LIMIT))
        bias = torch.zeros(2) if b is None else torch.as_tensor(b, dtype=torch.float64)
        layer.bias.copy_(bias.clamp(-BIAS_LIMIT, BIAS_LIMIT))
    return layer


def apply(layer: nn.Module, points: torch.Tensor) -> torch.Tensor:
    """``points`` ``(N, 2)`` (or ``(2,)``) through ``layer``, no graph kept."""
    with torch.no_grad():
        return layer(points.to(torch.float64))


@dataclass(frozen=True)
class Analysis:
    """What a 2×2 matrix does. Attributes:
    det: the area scale (negative: orientation flipped; 0: the plane collapses onto a line or a point).
    eigenvalues: ``(2,)`` complex.
    directions: the real eigenpairs ``(λ, unit vector)``, one per distinct direction; empty when the
        eigenvalues are complex (every direction turns).
    every_direction: ``W = λI``: no direction turns.
    singular: ``(σ₁, σ₂)``, σ₁ ≥ σ₂ ≥ 0, the largest and the smallest stretch.
    u, v: ``(2, 2)`` from ``W = U diag(σ) Vᵀ``: the unit circle's image is the ellipse with semi-axes σᵢ uᵢ; the
        input directions ``vᵢ`` (columns) are stretched the most and the least.
    """

    det: float
    eigenvalues: torch.Tensor
    directions: tuple[tuple[float, torch.Tensor], ...]
    every_direction: bool
    singular: tuple[float, float]
    u: torch.Tensor
    v: torch.Tensor


def analyse(w: torch.Tensor) -> Analysis:
    """Determinant, eigenpairs and singular values of ``w`` ``(2, 2)`` (``torch.linalg``)."""
    w = torch.as_tensor(w, dtype=torch.float64)
    values, vectors = torch.linalg.eig(w)
    scale = max(1.0, float(w.abs().max()))
    every = bool(torch.allclose(w, w[0, 0] * torch.eye(2, dtype=w.dtype), atol=1e-12 * scale))
    directions: list[tuple[float, torch.Tensor]] = []
    if bool((values.imag.abs() <= 1e-9 * scale).all()):
        for k in range(2):
            vec = vectors[:, k].real
            vec = vec / vec.norm()
            if vec[0] < -EPS or (abs(float(vec[0])) <= EPS and vec[1] < 0):  # one sign per direction
                vec = -vec
            if all(abs(float(vec[0] * d[1] - vec[1] * d[0])) > 1e-6 for _, d in directions):
                directions.append((float(values[k].real), vec))
    u, s, vh = torch.linalg.svd(w)
    return Analysis(float(torch.linalg.det(w)), values, tuple(directions), every, (float(s[0]), float(s[1])), u,
                    vh.T)  # fmt: skip


@dataclass(frozen=True)
class VectorChange:
    """``x`` and ``Wx``: their lengths and the signed angle from ``x`` to ``Wx`` in degrees (counter-clockwise
    positive, in (-180, 180]); ``angle`` is ``None`` when ``x`` or ``Wx`` is the zero vector."""

    wx: torch.Tensor
    length: float
    new_length: float
    angle: float | None


def vector_change(w: torch.Tensor, x: torch.Tensor) -> VectorChange:
    """How ``w`` turns and stretches ``x`` ``(2,)`` (the bias only moves the result, see ``make_linear``)."""
    x = torch.as_tensor(x, dtype=torch.float64)
    wx = make_linear(w)(x).detach()
    length, new_length = float(x.norm()), float(wx.norm())
    angle = None
    if length > EPS and new_length > EPS:
        cross = float(x[0] * wx[1] - x[1] * wx[0])
        angle = math.degrees(math.atan2(cross, float(x @ wx)))
        angle = 180.0 if angle == -180.0 else angle
    return VectorChange(wx, length, new_length, angle)


def stages(w: torch.Tensor, b: torch.Tensor, steps: int = STEPS) -> list[tuple[float, torch.Tensor, torch.Tensor]]:
    """The animation: ``(t, M, c)`` from the identity to ``W`` (``M = (1 − t) I + t W``, ``c = 0``, t in [0, 1]),
    then the bias sliding in (``c = (t − 1) b``, t in (1, 2]). ``2 · steps + 1`` stages."""
    eye = torch.eye(2, dtype=torch.float64)
    w, b = torch.as_tensor(w, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    out = [(k / steps, (1 - k / steps) * eye + k / steps * w, torch.zeros(2, dtype=torch.float64))
           for k in range(steps + 1)]  # fmt: skip
    out += [(1 + k / steps, w, k / steps * b) for k in range(1, steps + 1)]
    return out


def grid_lines(extent: int = GRID) -> torch.Tensor:
    """The lines ``x = k`` and ``y = k`` for ``k = -extent..extent`` as ``(L, 2, 2)`` end points: a linear map
    (plus a bias) takes lines to lines, so two points per line are enough."""
    ks = torch.arange(-extent, extent + 1, dtype=torch.float64)
    ends = torch.full_like(ks, float(extent))
    vertical = torch.stack([torch.stack([ks, -ends], 1), torch.stack([ks, ends], 1)], 1)
    horizontal = torch.stack([torch.stack([-ends, ks], 1), torch.stack([ends, ks], 1)], 1)
    return torch.cat([vertical, horizontal])


UNIT_SQUARE = torch.tensor([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]], dtype=torch.float64)
# The letter F (an asymmetric shape: a mirror image or a turn shows), inside the unit square.
LETTER_F = torch.tensor([[0.2, 0.0], [0.4, 0.0], [0.4, 0.45], [0.7, 0.45], [0.7, 0.6], [0.4, 0.6], [0.4, 0.8],
                         [0.8, 0.8], [0.8, 1.0], [0.2, 1.0], [0.2, 0.0]], dtype=torch.float64)  # fmt: skip


def warp_picture(image: torch.Tensor, w: torch.Tensor, b: torch.Tensor, extent: float, size: int) -> torch.Tensor:
    """The picture ``image`` ``(3, H, W)`` in [0, 1], laid on the unit square, moved by ``x ↦ Wx + b``.

    Args:
        extent: the raster covers ``[-extent, extent]²`` of the plane.
        size: the raster's side in pixels.

    Returns:
        ``(4, size, size)`` RGBA in [0, 1], row 0 at ``y = extent`` (alpha 0 outside the moved picture).

    Each output pixel looks up where it came from, ``W⁻¹(y − b)`` (``F.grid_sample``, bilinear). A map that
    squashes the square thinner than two pixels has no usable inverse: the picture's points are then sent
    forward instead and land on the line (or point) the plane collapses onto.
    """
    w, b = torch.as_tensor(w, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    rgba = torch.cat([image.to(torch.float32), torch.ones_like(image[:1], dtype=torch.float32)])
    per_unit = size / (2 * extent)
    smallest = float(torch.linalg.svdvals(w)[-1])
    if smallest * per_unit < 2:
        return _splat(rgba, w, b, extent, size)
    centres = (torch.arange(size, dtype=torch.float64) + 0.5) / per_unit - extent
    ys, xs = torch.meshgrid(centres.flip(0), centres, indexing="ij")
    out = torch.stack([xs, ys], -1).reshape(-1, 2)
    source = torch.linalg.solve(w, (out - b).T).T  # W⁻¹ (y − b), row by row
    grid = torch.stack([2 * source[:, 0] - 1, 1 - 2 * source[:, 1]], -1).reshape(1, size, size, 2)
    return F.grid_sample(rgba[None], grid.float(), mode="bilinear", padding_mode="zeros", align_corners=False)[0]


def _splat(rgba: torch.Tensor, w: torch.Tensor, b: torch.Tensor, extent: float, size: int) -> torch.Tensor:
    """Forward mapping for (nearly) singular maps: every source pixel's centre sent to ``Wx + b`` and averaged
    into the output pixel it lands in (a 2-pixel-wide mark, so a collapsed picture stays visible)."""
    _, h, wd = rgba.shape
    ys, xs = torch.meshgrid((h - torch.arange(h) - 0.5) / h, (torch.arange(wd) + 0.5) / wd, indexing="ij")
    points = torch.stack([xs, ys], -1).reshape(-1, 2).to(torch.float64) @ w.T + b
    per_unit = size / (2 * extent)
    col = ((points[:, 0] + extent) * per_unit).floor().long()
    row = ((extent - points[:, 1]) * per_unit).floor().long()
    colours = rgba.reshape(4, -1).T
    total = torch.zeros(size * size, 4)
    for dr, dc in ((0, 0), (0, 1), (1, 0), (1, 1)):
        r, c = row + dr, col + dc
        keep = (r >= 0) & (r < size) & (c >= 0) & (c < size)
        total.index_put_((r[keep] * size + c[keep],), colours[keep], accumulate=True)
    count = total[:, 3:].clamp(min=1)
    out = torch.cat([total[:, :3] / count, (total[:, 3:] > 0).float()], 1)
    return out.T.reshape(4, size, size)


def compose(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(AB, BA)``: ``AB`` applies ``B`` first, then ``A`` (``nn.Sequential(lin_B, lin_A)``)."""
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    return a @ b, b @ a


def fold_network(w1: torch.Tensor, b1: torch.Tensor, w2: torch.Tensor, b2: torch.Tensor) -> nn.Sequential:
    """``Linear(2, 2) → ReLU → Linear(2, 2)`` with the given weights and biases."""
    return nn.Sequential(make_linear(w1, b1), nn.ReLU(), make_linear(w2, b2))


def fold_stages(net: nn.Sequential, points: torch.Tensor) -> list[torch.Tensor]:
    """``points`` ``(..., 2)`` as each module of ``net`` leaves them: the input, then after every module."""
    out = [points.to(torch.float64)]
    with torch.no_grad():
        for module in net:
            out.append(module(out[-1]))
    return out


def sign_pattern(h: torch.Tensor) -> torch.Tensor:
    """Which of ReLU's four regions each row of ``h`` ``(N, 2)`` is in: ``2·[h₁ > 0] + [h₀ > 0]`` (0: both
    negative, sent to the origin; 3: both positive, left alone)."""
    return (h[:, 0] > 0).long() + 2 * (h[:, 1] > 0).long()


def dense_lines(extent: int = GRID, points: int = 31) -> torch.Tensor:
    """The grid lines with ``points`` points each ``(L, points, 2)``: after a ReLU a line bends, so it needs
    more than its two ends."""
    ends = grid_lines(extent)
    t = torch.linspace(0, 1, points, dtype=torch.float64)[None, :, None]
    return ends[:, :1] + t * (ends[:, 1:] - ends[:, :1])


def lattice(side: int = LATTICE, extent: int = GRID) -> torch.Tensor:
    """``(side², 2)`` points evenly spaced over ``[-extent, extent]²``."""
    ticks = torch.linspace(-extent, extent, side, dtype=torch.float64)
    return torch.cartesian_prod(ticks, ticks)
