"""The Linear maps page's "PyTorch code": the page's ``nn.Linear(2, 2)``, the vector's turn and stretch, a batch
of row vectors, the determinant, eigenvectors and singular values; on the other tabs two maps composed in both
orders, or a ReLU between two Linears."""

from __future__ import annotations

import torch

from components.compute import linear_maps as L


def _matrix(w: torch.Tensor) -> str:
    return repr([[float(v) for v in row] for row in torch.as_tensor(w).tolist()])


def _vector(v: torch.Tensor) -> str:
    return repr([float(c) for c in torch.as_tensor(v).tolist()])


def linear_maps_code(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, second: torch.Tensor | None = None,
                     fold: bool = False) -> str:  # fmt: skip
    """Source that recomputes ``layer`` (``W``, ``b``), ``y``, ``angle``, ``lengths``, ``Y`` (the unit square's
    corners through the layer), ``det``, ``eigenvalues``, ``singular``; with ``second`` (``B``) ``AB``, ``BA``
    and ``seq``; with ``fold`` as well, ``net``, ``H``, ``region`` and ``counts``."""
    parts = [
        f"""import math

import torch
from torch import nn

# W is the weight of a real nn.Linear(2, 2), laid out (out_features, in_features): weight[i, j] takes input j
# to output i. The page works in float64.
layer = nn.Linear(2, 2, dtype=torch.float64)
with torch.no_grad():
    layer.weight.copy_(torch.tensor({_matrix(w)}, dtype=torch.float64))
    layer.bias.copy_(torch.tensor({_vector(b)}, dtype=torch.float64))
W, b = layer.weight.detach(), layer.bias.detach()

# One vector x: W turns and stretches it, then b moves it
x = torch.tensor({_vector(x)}, dtype=torch.float64)
Wx = W @ x
with torch.no_grad():
    y = layer(x)  # = W @ x + b
angle = math.degrees(math.atan2(x[0] * Wx[1] - x[1] * Wx[0], x @ Wx))  # from x to Wx, counter-clockwise
lengths = (x.norm().item(), Wx.norm().item())
print(f"x turns by {{angle:+.1f}} degrees, its length {{lengths[0]:.3g}} -> {{lengths[1]:.3g}}; y = {{y.tolist()}}")

# A batch of row vectors (N, 2): nn.Linear computes X @ W.T + b, one row per vector
X = torch.tensor([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=torch.float64)  # the unit square
with torch.no_grad():
    Y = layer(X)
assert torch.allclose(Y, X @ W.T + b)
print(Y)

# What W does: the area scale (negative: a mirror image, 0: the plane collapses), the directions it does not
# turn (real eigenvectors), the largest and the smallest stretch (singular values)
det = torch.linalg.det(W)
eigenvalues, eigenvectors = torch.linalg.eig(W)  # complex in general; real ones are directions kept
singular = torch.linalg.svdvals(W)
print(f"det = {{det.item():.4g}}", "eigenvalues =", eigenvalues, "singular values =", singular, sep="\\n")"""
    ]
    if second is not None:
        parts.append(f"""# Two maps in both orders: AB applies B first, then A, like nn.Sequential(lin_B, lin_A)
A = W
B = torch.tensor({_matrix(second)}, dtype=torch.float64)
AB, BA = A @ B, B @ A
lin_A, lin_B = nn.Linear(2, 2, bias=False, dtype=torch.float64), nn.Linear(2, 2, bias=False, dtype=torch.float64)
with torch.no_grad():
    lin_A.weight.copy_(A)
    lin_B.weight.copy_(B)
    seq = nn.Sequential(lin_B, lin_A)
    assert torch.allclose(seq(X), X @ AB.T)
print("AB =", AB, "BA =", BA, "the same:", torch.allclose(AB, BA), sep="\\n")""")
    if second is not None and fold:
        parts.append(f"""# A ReLU between two Linears: Linear(W, b) -> ReLU -> Linear(B). ReLU sets negative coordinates
# to 0, so the plane folds; without it the two layers would be the single linear map x -> B(Wx + b)
second = nn.Linear(2, 2, dtype=torch.float64)
with torch.no_grad():
    second.weight.copy_(B)
    second.bias.zero_()
net = nn.Sequential(layer, nn.ReLU(), second)
side = torch.linspace(-{L.GRID}, {L.GRID}, {L.LATTICE}, dtype=torch.float64)
P = torch.cartesian_prod(side, side)  # a {L.LATTICE} x {L.LATTICE} lattice of points
with torch.no_grad():
    H = net[0](P)  # after the first Linear
    out = net(P)
region = (H[:, 0] > 0).long() + 2 * (H[:, 1] > 0).long()  # 0: both <= 0 (sent to the origin) ... 3: both > 0
counts = torch.bincount(region, minlength=4)
print("to the origin:", counts[0].item(), "onto an axis:", (counts[1] + counts[2]).item(),
      "kept:", counts[3].item())""")
    return "\n\n".join(parts) + "\n"
