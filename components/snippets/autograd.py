"""The Autograd page's "PyTorch code": one panel per part, each printing the gradients the page shows."""

from __future__ import annotations

from components.compute.tiny_net import TinyNet
from components.snippets.derivatives import torch_source


def _leaves(values: dict[str, float | list[float]], requires_grad: set[str] | frozenset[str]) -> str:
    return "\n".join(
        f"{name} = torch.tensor({value!r}, dtype=torch.float64, requires_grad={name in requires_grad})"
        for name, value in values.items()
    )


def graph_code(text: str, values: dict[str, float | list[float]], requires_grad: set[str] | frozenset[str]) -> str:
    """Leaves, the formula, ``backward()`` and every leaf's ``.grad`` (``grads``)."""
    grads = [n for n in values if n in requires_grad]
    return f"""import math

import torch

{_leaves(values, requires_grad)}

loss = {torch_source(text)}  # forward: builds the graph (see loss.grad_fn)
print("loss =", loss.item(), " grad_fn:", loss.grad_fn)
loss.backward()  # backward: the chain rule from loss back to every leaf that requires grad
grads = {{{", ".join(f"{n!r}: {n}.grad" for n in grads)}}}
for name, g in grads.items():
    print(f"d loss / d {{name}} =", g.tolist())
"""


def errors_code(
    text: str,
    vector_values: dict[str, float | list[float]],
    values: dict[str, float | list[float]],
    requires_grad: set[str] | frozenset[str],
    times: int,
) -> str:
    """The vector output's error and its three fixes (``fixes``), then gradient accumulation over ``times``
    backward calls with the scalar ``values`` (``accumulated``). At least one leaf must require grad."""
    grads = [n for n in values if n in requires_grad]
    leaves = ", ".join(grads)
    return f"""import math

import torch

{_leaves(vector_values, requires_grad)}


def forward():
    return {torch_source(text)}


out = forward()
print("out has shape", tuple(out.shape))
try:
    out.backward()
except RuntimeError as e:
    print("RuntimeError:", e)

fixes = {{}}
for fix in ("sum", "mean", "ones"):
    for leaf in ({leaves},):
        leaf.grad = None
    out = forward()
    if fix == "sum":
        out.sum().backward()
    elif fix == "mean":
        out.mean().backward()
    else:
        out.backward(gradient=torch.ones_like(out))
    fixes[fix] = {{{", ".join(f"{n!r}: {n}.grad.clone()" for n in grads)}}}
    print(fix, {{k: v.tolist() for k, v in fixes[fix].items()}})

# Gradients accumulate: each backward() adds to .grad until it is reset (opt.zero_grad() or .grad = None).
{_leaves(values, requires_grad)}
accumulated = []
for call in range({times}):
    forward().backward()
    accumulated.append({{{", ".join(f"{n!r}: {n}.grad.clone()" for n in grads)}}})
    print("after", call + 1, "backward calls:", {{k: v.tolist() for k, v in accumulated[-1].items()}})
"""


def tiny_code(net: TinyNet, x: tuple[float, float], target: float, lr: float) -> str:
    """The 2-2-1 network: forward, backward, one SGD step (``loss``, ``new_loss``, the grads)."""
    return f"""import torch
import torch.nn.functional as F

w1 = torch.tensor({[list(r) for r in net.w1]!r}, dtype=torch.float64, requires_grad=True)  # [unit][input]
b1 = torch.tensor({list(net.b1)!r}, dtype=torch.float64, requires_grad=True)
w2 = torch.tensor({list(net.w2)!r}, dtype=torch.float64, requires_grad=True)
b2 = torch.tensor({net.b2!r}, dtype=torch.float64, requires_grad=True)
x = torch.tensor({list(x)!r}, dtype=torch.float64)
target = torch.tensor({target!r}, dtype=torch.float64)


def forward():
    hidden = torch.sigmoid(w1 @ x + b1)  # layer 1
    out = torch.sigmoid(w2 @ hidden + b2)  # layer 2
    return 0.5 * F.mse_loss(out, target)  # half the squared error


loss = forward()
loss.backward()  # fills w1.grad, b1.grad, w2.grad, b2.grad
print("loss:", loss.item())
for name, p in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)):
    print(name, "grad:", p.grad.tolist())

opt = torch.optim.SGD([w1, b1, w2, b2], lr={lr!r})
opt.step()  # every weight moves by -lr * its gradient
with torch.no_grad():
    new_loss = forward()
print("loss after one step:", new_loss.item())
"""
