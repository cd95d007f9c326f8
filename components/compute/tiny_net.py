"""A 2-2-1 network and one training example: forward, backward by autograd, one ``torch.optim.SGD`` step.

The Autograd page's third part: the gradients flow back layer by layer, then every weight moves by
``-lr * d loss / d w`` and the loss goes down (by about what the first-order prediction says).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class TinyNet:
    """2 inputs -> 2 sigmoid hidden units -> 1 sigmoid output. ``w1[unit][input]``."""

    w1: tuple[tuple[float, float], tuple[float, float]]
    b1: tuple[float, float]
    w2: tuple[float, float]
    b2: float


# Matt Mazur's "A Step by Step Backpropagation Example" (first output only): out = 0.75136507 for x = TINY_X.
TINY_DEFAULT = TinyNet(w1=((0.15, 0.20), (0.25, 0.30)), b1=(0.35, 0.35), w2=(0.40, 0.45), b2=0.60)
TINY_X = (0.05, 0.10)
TINY_TARGET = 0.01
TINY_LR = 0.5


@dataclass(frozen=True, eq=False)
class TinyResult:
    """One forward, backward and SGD step of :class:`TinyNet` on one example.

    Attributes:
        hidden_pre: ``(2,)`` ``z1 = W1 x + b1``.
        hidden: ``(2,)`` ``sigmoid(z1)``.
        out: ``sigmoid(w2 . hidden + b2)``.
        loss: ``0.5 * mse_loss(out, target) = 0.5 * (out - target)**2`` (the 1/2 cancels the square's 2).
        grads: from autograd: ``"w1"`` ``(2, 2)``, ``"b1"`` ``(2,)``, ``"w2"`` ``(2,)``, ``"b2"`` ``()``.
        layer_grads: ``d loss / d out`` ``()``, ``d loss / d hidden`` ``(2,)``, ``d loss / d hidden_pre`` ``(2,)``.
        new_net: the weights after one ``torch.optim.SGD`` step with the given learning rate.
        new_loss: the loss of ``new_net`` on the same example.
        predicted_change: first-order prediction of ``new_loss - loss``: ``-lr * sum of squared grads``.
    """

    hidden_pre: torch.Tensor
    hidden: torch.Tensor
    out: float
    loss: float
    grads: dict[str, torch.Tensor]
    layer_grads: tuple[torch.Tensor, ...]
    new_net: TinyNet
    new_loss: float
    predicted_change: float


def _tiny_forward(p: dict[str, torch.Tensor], x: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, ...]:
    hidden_pre = p["w1"] @ x + p["b1"]
    hidden = torch.sigmoid(hidden_pre)
    out = torch.sigmoid(p["w2"] @ hidden + p["b2"])
    return hidden_pre, hidden, out, 0.5 * F.mse_loss(out, target)


def tiny_forward_backward(net: TinyNet, x: tuple[float, float], target: float, lr: float) -> TinyResult:
    """Forward, backward (autograd) and one SGD step of the tiny network on one example.

    Args:
        net: the weights.
        x: the two inputs.
        target: the wanted output.
        lr: learning rate, finite (a negative one climbs: the loss goes up).

    Returns:
        The :class:`TinyResult`.
    """
    numbers = [*net.w1[0], *net.w1[1], *net.b1, *net.w2, net.b2, *x, target, lr]
    if len(x) != 2 or not all(math.isfinite(v) for v in numbers):
        raise ValueError(f"weights, two inputs, target and lr must be finite. Got {net}, x={x}, {target}, {lr}")
    params = {
        k: torch.tensor(getattr(net, k), dtype=torch.float64, requires_grad=True) for k in ("w1", "b1", "w2", "b2")
    }
    xt, tt = torch.tensor(x, dtype=torch.float64), torch.tensor(target, dtype=torch.float64)
    with torch.enable_grad():
        hidden_pre, hidden, out, loss = _tiny_forward(params, xt, tt)
        for t in (hidden_pre, hidden, out):
            t.retain_grad()
        loss.backward()
    grads = {k: p.grad.detach().clone() for k, p in params.items()}
    torch.optim.SGD(params.values(), lr=lr).step()
    with torch.no_grad():
        new_loss = _tiny_forward(params, xt, tt)[3]
    w1, b1, w2, b2 = (params[k].detach().tolist() for k in ("w1", "b1", "w2", "b2"))
    new_net = TinyNet((tuple(w1[0]), tuple(w1[1])), tuple(b1), tuple(w2), b2)
    return TinyResult(
        hidden_pre.detach().clone(),
        hidden.detach().clone(),
        out.item(),
        loss.item(),
        grads,
        (out.grad.clone(), hidden.grad.clone(), hidden_pre.grad.clone()),
        new_net,
        float(new_loss),
        -lr * float(sum((g**2).sum() for g in grads.values())),
    )
