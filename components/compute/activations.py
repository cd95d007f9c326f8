"""Activations & nonlinearity: the functions, their derivatives, and what a network does with them.

An activation function is nonlinear; that is its whole point. Without it a stack of ``nn.Linear`` layers is one
affine map (``W = W₂W₁``, ``b = W₂b₁ + b₂``): as deep as you like, it draws a straight decision boundary. With it
every layer folds the plane, and a network can separate XOR, circles or spirals. This module computes the curves
and their derivatives (autograd), the collapse of an all-linear network into one layer, and the plane as each
layer of a trained network sees it.
"""

from __future__ import annotations

import torch
from torch import nn

from components.compute.datasets import F64, check_choice
from components.compute.fit_models import ACTIVATIONS

CURVE_RANGE = (-5.0, 5.0)
VANISHING = 0.01  # |f'(x)| below this: the gradient has (almost) vanished there
MIN_SPAN = 0.5  # ... over at least this stretch of x


def activation_module(name: str) -> nn.Module:
    """``nn.ReLU()``, ``nn.Tanh()``, ...: an :data:`~components.compute.fit_models.ACTIVATIONS` key's module."""
    check_choice("activation", name, ACTIVATIONS)
    return ACTIVATIONS[name]()


def curve(name: str, xs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``f(xs)`` and ``f'(xs)`` of an activation, the derivative by autograd (``torch.autograd.grad`` of
    ``f(x).sum()``: each output depends on its own input only). ``xs`` 1-D float64; both results ``xs``'s shape."""
    f = activation_module(name)
    x = xs.detach().to(torch.float64).clone().requires_grad_(True)
    with torch.enable_grad():
        y = f(x)
        (dy,) = torch.autograd.grad(y.sum(), x)
    return y.detach(), dy


def vanishing_spans(xs: torch.Tensor, dy: torch.Tensor, below: float = VANISHING,
                    min_width: float = MIN_SPAN) -> list[tuple[float, float]]:  # fmt: skip
    """The intervals of ``xs`` (sorted) where ``|f'| < below``, as ``(start, end)`` pairs, at least ``min_width``
    wide: a saturated or dead stretch, not the point where a slope crosses 0 (GELU's and SiLU's minimum)."""
    low, x = (dy.abs() < below).tolist(), xs.tolist()
    spans, start = [], None
    for i, is_low in enumerate(low):
        if is_low and start is None:
            start = i
        if start is not None and (not is_low or i == len(low) - 1):
            spans.append((x[start], x[i if is_low else i - 1]))
            start = None
    return [(a, b) for a, b in spans if b - a >= min_width]


def linear_layers(model: nn.Sequential) -> list[nn.Linear]:
    return [m for m in model if isinstance(m, nn.Linear)]


def is_linear_stack(model: nn.Sequential) -> bool:
    """Only ``Linear``, ``Identity`` and ``Dropout`` (the identity in eval mode): the network is one affine map."""
    return all(isinstance(m, nn.Linear | nn.Identity | nn.Dropout) for m in model)


def collapse(model: nn.Sequential) -> tuple[torch.Tensor, torch.Tensor]:
    """The one layer an all-linear network equals: ``x ↦ W x + b`` with ``W = W_L ⋯ W_1`` and
    ``b = W_L(⋯(W_2 b_1 + b_2)⋯) + b_L``, built one layer at a time (``W ← W_k W``, ``b ← W_k b + b_k``).

    Raises:
        ValueError: the model has an activation other than Identity.
    """
    if not is_linear_stack(model):
        raise ValueError("collapse needs a network of Linear layers with Identity activations")
    layers = linear_layers(model)
    with torch.no_grad():
        w, b = layers[0].weight.clone(), layers[0].bias.clone()
        for layer in layers[1:]:
            w, b = layer.weight @ w, layer.weight @ b + layer.bias
    return w, b


def layer_outputs(model: nn.Sequential, x: torch.Tensor) -> list[tuple[str, int, torch.Tensor]]:
    """The points ``x`` ``(n, d)`` after every Linear and every activation of the model, in eval mode:
    ``(kind, layer number from 1, values (n, width))`` with ``kind`` ``"linear"`` or ``"act"`` (Dropout is the
    identity in eval mode and skipped; so is an Identity activation, which changes nothing)."""
    model.eval()
    out, k, h = [], 0, x.to(torch.float64)
    with torch.no_grad():
        for m in model:
            if isinstance(m, nn.Dropout | nn.Identity):
                continue
            h = m(h)
            if isinstance(m, nn.Linear):
                k += 1
                out.append(("linear", k, h))
            else:
                out.append(("act", k, h))
    return out


def plane_view(h: torch.Tensor, basis: tuple[torch.Tensor, torch.Tensor] | None = None) -> tuple[torch.Tensor, ...]:
    """Two coordinates for points ``h`` ``(n, w)``: the points themselves when ``w <= 2`` (a second coordinate of 0
    for ``w = 1``), else their projection on the two main directions of ``h`` (PCA: the top right singular vectors
    of the centred points, signs fixed so the largest entry of each is positive). ``basis`` ``(mean, V (w, 2))``
    reuses a projection (grid lines drawn in the data's view). Returns ``(xy (n, 2), mean, V)``."""
    w = h.shape[1]
    if w == 1:
        return torch.cat([h, torch.zeros_like(h)], 1), torch.zeros(1, **F64), torch.ones(1, 1, **F64)
    if w == 2:
        return h, torch.zeros(2, **F64), torch.eye(2, **F64)
    if basis is None:
        mean = h.mean(0)
        _, _, vh = torch.linalg.svd(h - mean, full_matrices=False)
        v = vh[:2].T
        flip = torch.where(v.gather(0, v.abs().argmax(0, keepdim=True)) < 0, -1.0, 1.0)
        basis = (mean, v * flip)
    mean, v = basis
    return (h - mean) @ v, mean, v


def grid_lines(x_range: tuple[float, float], y_range: tuple[float, float], lines: int = 9,
               points: int = 60) -> torch.Tensor:  # fmt: skip
    """``2 * lines`` straight lines across the box, ``points`` each: ``(2 * lines, points, 2)`` float64 (the
    vertical lines first). Pushed through the layers they show each one bending the plane."""
    xs = torch.linspace(*x_range, lines, **F64)
    ys = torch.linspace(*y_range, lines, **F64)
    tx, ty = torch.linspace(*x_range, points, **F64), torch.linspace(*y_range, points, **F64)
    vertical = torch.stack([xs[:, None].expand(lines, points), ty.expand(lines, points)], 2)
    horizontal = torch.stack([tx.expand(lines, points), ys[:, None].expand(lines, points)], 2)
    return torch.cat([vertical, horizontal])
