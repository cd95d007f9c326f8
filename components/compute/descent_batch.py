"""Several gradient-descent runs from one start, sharing one forward/backward pass per step.

Each run keeps its own parameter and its own ``torch.optim`` optimizer, so every
update is exactly the one ``descend`` makes; only the loss is evaluated for all
active runs at once (``f`` on a ``(n,)`` batch, then ``sum().backward()``), which
makes 4 runs cost little more than 1: torch's per-operation overhead, not the
arithmetic, dominates a one-point optimisation.
"""

from __future__ import annotations

import functools
import math

import torch

from components.compute.descent import (
    DIVERGE_FACTOR,
    GRAD_TOL,
    SURFACES,
    Fn,
    Path,
    Point,
    Region,
    RunSpec,
    _check_run,
    make_optimizer,
    surface_function,
)
from components.compute.expressions import parse_expression

F64 = {"dtype": torch.float64}


def _path(table: torch.Tensor, diverged_at: int | None) -> Path:
    """``table``: ``(n, 5)`` rows of x, y, loss, gx, gy."""
    grads = table[:, 3:5].contiguous()
    small = torch.nonzero(torch.linalg.vector_norm(grads, dim=1) < GRAD_TOL)
    converged_at = int(small[0, 0]) if len(small) else None
    return Path(table[:, 0].clone(), table[:, 1].clone(), table[:, 2].clone(), grads, diverged_at, converged_at)


def descend_many(f: Fn, start: Point, runs: list[RunSpec], region: Region) -> list[Path]:
    """Like ``descend`` for every run in ``runs`` (same start, same region), one batched pass per step.

    Args:
        f: function of two broadcastable float64 tensors (an ``Expression`` or the bowl).
        start: the common first position.
        runs: 1-4 optimizer settings; their ``steps`` may differ.
        region: the plotted region (divergence = leaving it by ``DIVERGE_FACTOR`` region sizes).

    Returns:
        One :class:`Path` per run, each cut before its own divergence.
    """
    for run in runs:
        _check_run(start, run, region)
    (x0, x1), (y0, y1) = region
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, DIVERGE_FACTOR * (x1 - x0), DIVERGE_FACTOR * (y1 - y0)
    params = [torch.tensor([float(start[0]), float(start[1])], dtype=torch.float64, requires_grad=True) for _ in runs]
    opts = [make_optimizer(r.optimizer, [p], r.lr, r.knob) for p, r in zip(params, runs, strict=True)]
    rows: list[list[tuple[float, ...]]] = [[] for _ in runs]
    diverged: list[int | None] = [None] * len(runs)
    active = list(range(len(runs)))
    for k in range(max(r.steps for r in runs) + 1):
        now = [params[i] for i in active]
        if len(now) == 1:  # the common case, one new run: the smallest autograd graph (no stack, no sum)
            total = f(*now[0].unbind())
        else:
            stacked = torch.stack(now)  # (n, 2), differentiable into each run's parameter
            losses = torch.broadcast_to(f(stacked[:, 0], stacked[:, 1]), (len(now),))
            total = losses.sum()  # runs are independent: the gradient of the sum holds each run's own
        # autograd.grad instead of backward(): the same gradients, handed over fresh, so no .grad to zero first.
        grads = torch.autograd.grad(total, now) if total.requires_grad else [torch.zeros(2, **F64)] * len(now)
        for p, g in zip(now, grads, strict=True):  # a constant f has no graph, hence zeros
            p.grad = g
        # One conversion to Python per step for all runs: per-tensor .tolist() calls cost more than the maths.
        if len(now) == 1:
            table = torch.cat((now[0].detach(), total.detach().reshape(1), grads[0])).reshape(1, 5)
        else:
            table = torch.cat([stacked.detach(), losses.detach()[:, None], torch.stack(grads)], 1)
        still = []
        for i, row in zip(active, table.tolist(), strict=True):
            if not all(math.isfinite(v) for v in row) or abs(row[0] - cx) > rx or abs(row[1] - cy) > ry:
                diverged[i] = k
                continue
            rows[i].append(tuple(row))
            if k < runs[i].steps:
                opts[i].step()
                still.append(i)
        active = still
        if not active:
            break
    return [_path(torch.tensor(r, dtype=torch.float64).reshape(-1, 5), d) for r, d in zip(rows, diverged, strict=True)]


@functools.lru_cache(maxsize=32)
def keyed_surface(key: tuple) -> Fn:
    """The function a page's surface key names: ``(name,)`` or ``("bowl", condition, angle)`` for a
    :data:`SURFACES` entry, ``(tag, text)`` for a typed formula of ``x`` and ``y`` (parsed again, safely)."""
    return surface_function(*key) if key[0] in SURFACES else parse_expression(key[1], ("x", "y"))


def descend_keyed(key: tuple, start: Point, runs: list[RunSpec], region: Region) -> list[Path]:
    """``descend_many`` on the surface ``key`` names: plain data in, plain data out, so another process can
    compute it (``components.ui.shared.ComputeProcess``)."""
    return descend_many(keyed_surface(key), start, runs, region)
