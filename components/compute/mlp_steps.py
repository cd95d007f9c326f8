"""A whole epoch of mini-batch training of an MLP in one TorchScript call: forward, backward, optimizer step.

Eager PyTorch spends ~0.3 ms of Python and dispatch per mini-batch step on the pages' tiny networks (a 2-4-2-2
net, batches of 10: ~100 epochs/s). Here every step of an epoch runs inside one scripted function, with the
backward pass written out in the very ATen kernels autograd calls for it (``tanh_backward``,
``_log_softmax_backward_data``, ...) and the optimizer step in the fused kernels ``torch.optim`` uses
(``_fused_sgd_``, ``_fused_adam_``): the gradients equal autograd's bit for bit (a test checks every activation)
and so do the weights after training (a test against ``loss.backward()`` + ``torch.optim`` with ``fused=True``).

The network is ``Linear (act Dropout)* Linear`` on fixed input features (a polynomial's features are computed once,
outside); the loss is ``F.mse_loss`` on the squeezed output or ``F.cross_entropy`` on the logits (mean over the
batch). Dropout draws from the global torch RNG in the order ``nn.Dropout`` does, so a seeded run is the same run.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

# The activations the scripted passes know, by code (``nn`` defaults: LeakyReLU slope 0.01, ELU alpha 1, exact
# GELU, Softplus beta 1 threshold 20). Keys are the pages' activation names.
ACTIVATION_CODES = {
    "identity": 0, "relu": 1, "leaky_relu": 2, "elu": 3, "gelu": 4, "silu": 5, "sigmoid": 6, "tanh": 7,
    "softplus": 8,
}  # fmt: skip


def _act(pre: torch.Tensor, code: int) -> torch.Tensor:
    if code == 1:
        return torch.relu(pre)
    if code == 2:
        return F.leaky_relu(pre, 0.01)
    if code == 3:
        return F.elu(pre)
    if code == 4:
        return F.gelu(pre)
    if code == 5:
        return F.silu(pre)
    if code == 6:
        return torch.sigmoid(pre)
    if code == 7:
        return torch.tanh(pre)
    if code == 8:
        return F.softplus(pre)
    return pre


def _act_backward(g: torch.Tensor, pre: torch.Tensor, out: torch.Tensor, code: int) -> torch.Tensor:
    """The kernel autograd runs for ``_act``'s backward (``derivatives.yaml``)."""
    if code == 1:
        return torch.ops.aten.threshold_backward(g, out, 0.0)
    if code == 2:
        return torch.ops.aten.leaky_relu_backward(g, pre, 0.01, False)
    if code == 3:
        return torch.ops.aten.elu_backward(g, 1.0, 1.0, 1.0, False, pre)
    if code == 4:
        return torch.ops.aten.gelu_backward(g, pre)
    if code == 5:
        return torch.ops.aten.silu_backward(g, pre)
    if code == 6:
        return torch.ops.aten.sigmoid_backward(g, out)
    if code == 7:
        return torch.ops.aten.tanh_backward(g, out)
    if code == 8:
        return torch.ops.aten.softplus_backward(g, pre, 1.0, 20.0)
    return g


def batch_grads(
    x: torch.Tensor,
    y: torch.Tensor,
    ws: list[torch.Tensor],
    bs: list[torch.Tensor],
    acts: list[int],
    p: float,
    regression: bool,
    one: float,
) -> list[torch.Tensor]:
    """Gradients of the batch's mean loss: ``[dW_0, ..., dW_{L-1}, db_0, ..., db_{L-1}]``.

    ``x`` ``(m, d)``, ``y`` ``(m,)`` targets (float) or labels (int64); ``ws[i]`` ``(out, in)``, ``bs[i]``
    ``(out,)``; ``acts[i]`` the :data:`ACTIVATION_CODES` code after layer ``i`` (``len(ws) - 1`` of them); ``p`` the
    dropout probability after each activation (0: none; masks drawn from the global RNG like ``nn.Dropout``).
    ``one`` must be 1.0 (see :func:`scripted`, which passes it).
    """
    wts = [w.t() for w in ws]
    return _grads(x, _targets(y, ws[-1].shape[0], regression), wts, ws, bs, acts, p, regression, one)


def _targets(y: torch.Tensor, classes: int, regression: bool) -> torch.Tensor:
    """What the loss's backward compares the output with: the targets, or the labels one-hot (float)."""
    return y if regression else F.one_hot(y, classes).to(torch.float64)


def _grads(
    x: torch.Tensor,
    target: torch.Tensor,
    wts: list[torch.Tensor],
    ws: list[torch.Tensor],
    bs: list[torch.Tensor],
    acts: list[int],
    p: float,
    regression: bool,
    one: float,
) -> list[torch.Tensor]:
    """:func:`batch_grads` with the pieces an epoch prepares once: ``target`` from :func:`_targets` and the
    transposed weights ``wts`` (views: they follow the in-place updates)."""
    n = len(ws)
    pres: list[torch.Tensor] = []
    acted: list[torch.Tensor] = []
    outs: list[torch.Tensor] = [x]  # each layer's input
    masks: list[torch.Tensor] = []
    h = x
    for i in range(n - 1):
        pre = torch.addmm(bs[i], h, wts[i], beta=one)
        h = _act(pre, acts[i])
        pres.append(pre)
        acted.append(h)
        if p > 0.0:  # torch's CPU dropout: input * bernoulli(1 - p) / (1 - p)
            mask = torch.empty_like(h).bernoulli_(1.0 - p).div_(1.0 - p)
            masks.append(mask)
            h = h * mask
        outs.append(h)
    z = torch.addmm(bs[n - 1], h, wts[n - 1], beta=one)
    m = x.shape[0]
    if regression:  # mse_loss_backward: 2 / m * (input - target)
        g = (z - target.unsqueeze(1)) * (2.0 / m)
    else:  # nll_loss_backward (-1/m at the label), then the log-softmax's backward
        g = torch._log_softmax_backward_data(target * (-1.0 / m), torch.log_softmax(z, 1), 1, z.dtype)
    gw: list[torch.Tensor] = []
    gb: list[torch.Tensor] = []
    for j in range(n):
        i = n - 1 - j
        gw.append(g.t().mm(outs[i]))  # addmm's backward for a transposed weight
        gb.append(g.sum(0))
        if i > 0:
            g = g.mm(ws[i])
            if p > 0.0:
                g = g * masks[i - 1]
            g = _act_backward(g, pres[i - 1], acted[i - 1], acts[i - 1])
    gw.reverse()
    gb.reverse()
    return gw + gb


def train_epoch(
    x: torch.Tensor,
    y: torch.Tensor,
    perm: torch.Tensor | None,
    batch: int,
    ws: list[torch.Tensor],
    bs: list[torch.Tensor],
    acts: list[int],
    p: float,
    regression: bool,
    adam: bool,
    lr: float,
    weight_decay: float,
    exp_avgs: list[torch.Tensor],
    exp_avg_sqs: list[torch.Tensor],
    steps: list[torch.Tensor],
    one: float,
) -> None:
    """One epoch in place: the points in ``perm`` order (``None``: as they are) in batches of ``batch``, one
    optimizer step each: ``torch.optim.SGD(fused=True)``'s kernel, or with ``adam``
    ``torch.optim.Adam(fused=True)``'s, default betas and eps, with its state ``exp_avgs``, ``exp_avg_sqs`` and the
    float32 ``steps``, one per parameter in the order ``ws + bs``)."""
    if perm is not None:
        x = x.index_select(0, perm)
        y = y.index_select(0, perm)
    params = ws + bs
    wts = [w.t() for w in ws]
    no_momentum: list[torch.Tensor] = []
    xs = x.split(batch)
    targets = _targets(y, ws[-1].shape[0], regression).split(batch)
    for k in range(len(xs)):
        grads = _grads(xs[k], targets[k], wts, ws, bs, acts, p, regression, one)
        if not adam:
            torch._fused_sgd_(
                params, grads, no_momentum, weight_decay=weight_decay, momentum=0.0, lr=lr, dampening=0.0,
                nesterov=False, maximize=False, is_first_step=False,
            )  # fmt: skip
        else:
            torch._foreach_add_(steps, 1.0)
            torch._fused_adam_(
                params, grads, exp_avgs, exp_avg_sqs, no_momentum, steps, lr=lr, beta1=0.9, beta2=0.999,
                weight_decay=weight_decay, eps=1e-8, amsgrad=False, maximize=False,
            )  # fmt: skip


def evaluate(
    x: torch.Tensor,
    y: torch.Tensor,
    ws: list[torch.Tensor],
    bs: list[torch.Tensor],
    acts: list[int],
    regression: bool,
    avg: torch.Tensor,
    members: torch.Tensor,
    sizes: torch.Tensor,
    one: float,
) -> torch.Tensor:
    """The network in eval mode (no dropout) on all points ``x`` at once: ``[avg @ per-point loss (one mean per row
    of avg), the L1 norm of all weights (non-finite if any weight is)]``, for classification then ``members @
    correct / sizes`` (each row's accuracy). Per-point loss: squared error, or cross-entropy."""
    h = x
    n = len(ws)
    for i in range(n - 1):
        h = _act(torch.addmm(bs[i], h, ws[i].t(), beta=one), acts[i])
    z = torch.addmm(bs[n - 1], h, ws[n - 1].t(), beta=one)
    per_point = (z.squeeze(-1) - y).square() if regression else F.cross_entropy(z, y, reduction="none")
    norm = torch.zeros(1, dtype=x.dtype)
    for w in ws + bs:
        norm = norm + w.abs().sum()
    parts = [avg @ per_point, norm]
    if not regression:
        parts.append(members @ (z.argmax(1) == y).to(x.dtype) / sizes)
    return torch.cat(parts)


FUNCTIONS = {"batch_grads": batch_grads, "train_epoch": train_epoch, "evaluate": evaluate}
_SCRIPTED: dict[str, torch.jit.ScriptFunction] = {}


def scripted(name: str) -> Callable[..., Any]:
    """``batch_grads``, ``train_epoch`` or ``evaluate`` compiled by TorchScript (once per process, ~50 ms).
    TorchScript is deprecated for models, but nothing else runs a Python-level loop of tiny kernels without its per-op
    overhead: ``torch.compile`` would recompile for every network shape (seconds each).

    The returned function passes the last argument, ``one`` = 1.0, itself: it is ``addmm``'s ``beta``. With a
    constant ``beta=1`` the graph executor's optimiser decomposes ``addmm`` into ``mm`` + ``add`` once it has seen
    the shapes, which rounds differently from the ``addmm`` that ``F.linear`` runs (measured: width 16 on 100
    points drifted from autograd in the last bits after the second call); a ``beta`` known only at run time keeps
    ``addmm``. (Turning the optimiser off also keeps it exact, but costs ~25 % of the speed.)
    """
    if name not in _SCRIPTED:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            _SCRIPTED[name] = torch.jit.script(FUNCTIONS[name])
    fn = _SCRIPTED[name]

    def call(*args: Any) -> Any:
        return fn(*args, 1.0)

    return call
