"""Gradient descent on 2-D surfaces with the real ``torch.optim`` optimizers, in float64.

A path is what an optimizer does to one point ``(x, y)``: every position, the loss there and the gradient
it stepped with. The fixed surfaces are formulas in the safe expression language, so the text the page shows
is exactly what runs; the quadratic bowl is parametric (condition number and rotation) and written in torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.optim import Optimizer

from components.compute.expressions import parse_expression

Fn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Region = tuple[tuple[float, float], tuple[float, float]]
Point = tuple[float, float]

MAX_STEPS = 500
LR_RANGE = (1e-4, 10.0)
CONDITION_RANGE = (1.0, 100.0)
DIVERGE_FACTOR = 5.0  # a point this many region-sizes from the region's centre has diverged
GRAD_TOL = 1e-3  # Path.converged_at: first position whose gradient norm is below this
MAX_GRID = 400


@dataclass(frozen=True)
class Surface:
    """A loss surface of the page: ``text`` is its formula (``None`` for the parametric bowl), ``x_range`` and
    ``y_range`` the plotted region, ``minima`` the known minima (global ones first, then local ones; ``()`` if
    none) and ``start`` a good default start point."""

    text: str | None
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    minima: tuple[Point, ...]
    start: Point


# Minima refined by Newton's method (gradient < 1e-13 there, positive definite Hessian).
SURFACES: dict[str, Surface] = {
    "bowl": Surface(None, (-3.0, 3.0), (-3.0, 3.0), ((0.0, 0.0),), (-2.5, 1.5)),
    "rosenbrock": Surface("(1-x)**2 + 100*(y-x**2)**2", (-2.0, 2.0), (-1.0, 3.0), ((1.0, 1.0),), (-1.2, 1.0)),
    "himmelblau": Surface(
        "(x**2 + y - 11)**2 + (x + y**2 - 7)**2", (-5.0, 5.0), (-5.0, 5.0),
        ((3.0, 2.0), (-2.805118086953, 3.131312518251), (-3.779310253378, -3.283185991286),
         (3.584428340330, -1.848126526964)), (0.0, 0.0)),
    "saddle": Surface("x**2 - y**2", (-2.0, 2.0), (-2.0, 2.0), (), (-1.5, 0.05)),
    "beale": Surface(
        "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2", (-4.5, 4.5), (-4.5, 4.5),
        ((3.0, 0.5),), (1.0, 1.5)),
    "camel": Surface(  # six-hump camel: 2 global minima, then 4 local ones
        "(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2", (-2.0, 2.0), (-1.0, 1.0),
        ((0.089842013100, -0.712656403021), (-0.089842013100, 0.712656403021),
         (-1.703606714970, 0.796083568673), (1.703606714970, -0.796083568673),
         (-1.607104752920, -0.568651454884), (1.607104752920, 0.568651454884)), (-1.0, 1.0)),
}  # fmt: skip


def bowl_function(condition: float = 10.0, angle_deg: float = 0.0) -> Fn:
    """The quadratic bowl ``f = 0.5 * (x'**2 + condition * y'**2)``.

    ``x' = cos(a) x + sin(a) y`` and ``y' = -sin(a) x + cos(a) y`` with ``a = angle_deg``: the ellipses' long
    (flat) axis points at ``angle_deg`` counter-clockwise from the x-axis; the Hessian is ``R diag(1, condition)
    R^T`` with ``R`` the rotation by ``a``.

    Args:
        condition: ratio of the largest to the smallest curvature, in ``[1, 100]``.
        angle_deg: rotation in degrees, finite.

    Returns:
        ``f(x, y)`` of broadcastable tensors, differentiable.
    """
    if not CONDITION_RANGE[0] <= condition <= CONDITION_RANGE[1]:
        raise ValueError(f"condition must be in [{CONDITION_RANGE[0]:g}, {CONDITION_RANGE[1]:g}]. Got {condition}")
    if not math.isfinite(angle_deg):
        raise ValueError(f"angle_deg must be finite. Got {angle_deg}")
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))

    def bowl(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        u, v = c * x + s * y, c * y - s * x
        return 0.5 * (u * u + condition * (v * v))

    return bowl


def surface_function(name: str, condition: float = 10.0, angle_deg: float = 0.0) -> Fn:
    """The torch function of a :data:`SURFACES` entry (a parsed ``Expression`` for the fixed formulas, so the
    shown text is what runs); ``condition`` and ``angle_deg`` only shape the bowl."""
    if name not in SURFACES:
        raise ValueError(f"surface must be one of {', '.join(SURFACES)}. Got {name!r}")
    text = SURFACES[name].text
    return bowl_function(condition, angle_deg) if text is None else parse_expression(text, ("x", "y"))


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer of the page: the ``torch.optim`` class ``cls``, the keyword arguments always passed
    (``fixed``), what the page's "momentum / β" control sets (``tunable``: ``"momentum"``, ``"alpha"``,
    ``"beta1"`` meaning ``betas=(beta1, 0.999)``, or ``None``) and that knob's ``default``."""

    cls: type[Optimizer]
    fixed: dict
    tunable: str | None
    default: float | None


OPTIMIZERS: dict[str, OptimizerSpec] = {
    "sgd": OptimizerSpec(torch.optim.SGD, {"momentum": 0.0}, None, None),
    "momentum": OptimizerSpec(torch.optim.SGD, {}, "momentum", 0.9),
    "nesterov": OptimizerSpec(torch.optim.SGD, {"nesterov": True}, "momentum", 0.9),
    "adagrad": OptimizerSpec(torch.optim.Adagrad, {"eps": 1e-10, "initial_accumulator_value": 0.0}, None, None),
    "rmsprop": OptimizerSpec(torch.optim.RMSprop, {"eps": 1e-8}, "alpha", 0.99),
    "adam": OptimizerSpec(torch.optim.Adam, {"eps": 1e-8}, "beta1", 0.9),
    "adamw": OptimizerSpec(torch.optim.AdamW, {"eps": 1e-8, "weight_decay": 0.01}, "beta1", 0.9),
}
# The fastest implementation per class for one 2-element parameter (same maths; measured on this CPU): the fused
# kernel where torch has one that wins, else the plain per-tensor loop (foreach only pays off on GPUs).
_FAST_MODE = {torch.optim.Adam: "fused", torch.optim.AdamW: "fused", torch.optim.Adagrad: "fused"}


def make_optimizer(name: str, params: list[torch.Tensor], lr: float, knob: float | None = None) -> Optimizer:
    """Build an :data:`OPTIMIZERS` entry.

    Args:
        name: key of :data:`OPTIMIZERS`.
        params: leaf tensors with ``requires_grad=True``.
        lr: learning rate, positive and finite.
        knob: the spec's ``tunable``, in ``[0, 1)`` (``(0, 1)`` for Nesterov); ``None`` means its default.
            Ignored by optimizers without a knob, so the page may keep it across a switch.
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}. Got {name!r}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be positive and finite. Got {lr}")
    spec = OPTIMIZERS[name]
    kwargs = dict(spec.fixed)
    if spec.tunable is not None:
        value, nesterov = spec.default if knob is None else float(knob), spec.fixed.get("nesterov", False)
        if not (0 < value < 1 if nesterov else 0 <= value < 1):  # torch refuses Nesterov without momentum
            raise ValueError(f"{spec.tunable} of {name} must be in {'(0, 1)' if nesterov else '[0, 1)'}. Got {value}")
        kwargs.update({"betas": (value, 0.999)} if spec.tunable == "beta1" else {spec.tunable: value})
    kwargs[_FAST_MODE.get(spec.cls, "foreach")] = spec.cls in _FAST_MODE
    return spec.cls(params, lr=lr, **kwargs)


@dataclass(frozen=True)
class RunSpec:
    """The page's optimizer settings: an :data:`OPTIMIZERS` key, ``lr`` in ``[1e-4, 10]``, the momentum / alpha /
    beta1 ``knob`` (``None``: the optimizer's default) and the number of ``steps`` in ``[1, 500]``."""

    optimizer: str = "sgd"
    lr: float = 0.05
    knob: float | None = None
    steps: int = 100


@dataclass(frozen=True)
class Path:
    """One run; position ``k`` is the point after ``k`` optimizer steps. Every value is finite.

    Attributes:
        xs, ys: ``(n+1,)`` float64 positions, the start first; ``n = steps`` unless cut at divergence.
        losses: ``(n+1,)`` float64 ``f`` at each position.
        grads: ``(n+1, 2)`` float64 gradient at each position; the step from ``k`` used ``grads[k]``.
        diverged_at: first ``k`` whose position, loss or gradient is not finite, or whose position is more than
            ``DIVERGE_FACTOR`` region-sizes from the region's centre (per axis). The path stops before it, so it
            holds ``k`` positions (none if the start itself is bad). ``None`` if it never happened.
        converged_at: first ``k`` with ``|grads[k]| < GRAD_TOL``, else ``None``.
    """

    xs: torch.Tensor
    ys: torch.Tensor
    losses: torch.Tensor
    grads: torch.Tensor
    diverged_at: int | None
    converged_at: int | None


def prefix(path: Path, steps: int) -> Path:
    """The same run cut after ``steps`` optimizer steps: a run's first steps do not depend on how many follow,
    so a longer path already computed answers every shorter request (the page's step count slider)."""
    n = steps + 1

    def cut(k: int | None) -> int | None:  # an event after the cut did not happen
        return k if k is not None and k <= steps else None

    xs, ys, losses, grads = path.xs[:n], path.ys[:n], path.losses[:n], path.grads[:n]
    return Path(xs, ys, losses, grads, cut(path.diverged_at), cut(path.converged_at))


def _check_run(start: Point, run: RunSpec, region: Region) -> None:
    if run.optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}. Got {run.optimizer!r}")
    if not LR_RANGE[0] <= run.lr <= LR_RANGE[1]:
        raise ValueError(f"lr must be in [{LR_RANGE[0]:g}, {LR_RANGE[1]:g}]. Got {run.lr}")
    if isinstance(run.steps, bool) or not isinstance(run.steps, int) or not 1 <= run.steps <= MAX_STEPS:
        raise ValueError(f"steps must be an integer in [1, {MAX_STEPS}]. Got {run.steps!r}")
    if len(start) != 2 or not all(math.isfinite(v) for v in start):
        raise ValueError(f"start must be two finite numbers. Got {start!r}")
    if not all(math.isfinite(lo) and math.isfinite(hi) and lo < hi for lo, hi in region):
        raise ValueError(f"region must be ((x0, x1), (y0, y1)) with finite x0 < x1, y0 < y1. Got {region!r}")


def descend(f: Fn, start: Point, run: RunSpec, region: Region) -> Path:
    """Run ``torch.optim`` on one point: ``zero_grad``, ``f(x, y)``, ``backward``, record, ``step``.

    Args:
        f: takes two 0-dim float64 tensors and returns a 0-dim tensor (a parsed ``Expression`` works).
        start: the first position ``(x, y)``, finite.
        run: the settings; ``ValueError`` if ``lr`` is outside ``[1e-4, 10]`` or ``steps`` outside ``[1, 500]``.
        region: the plotted ``((x0, x1), (y0, y1))``, used to detect divergence.

    Returns:
        The :class:`Path`, cut before divergence; NaN and inf never raise.
    """
    _check_run(start, run, region)
    (x0, x1), (y0, y1) = region
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, DIVERGE_FACTOR * (x1 - x0), DIVERGE_FACTOR * (y1 - y0)
    p = torch.tensor([float(start[0]), float(start[1])], dtype=torch.float64, requires_grad=True)
    opt = make_optimizer(run.optimizer, [p], run.lr, run.knob)
    rows, diverged_at = [], None  # Python floats: the divergence test needs them anyway, and lists are cheap
    for k in range(run.steps + 1):  # the last pass only records the final position and its gradient
        opt.zero_grad()
        x, y = p.unbind()  # one autograd node for both coordinates
        loss = f(x, y)
        if loss.requires_grad:  # a constant f has no graph: its gradient is zero
            loss.backward()
        if p.grad is None:
            p.grad = torch.zeros_like(p)
        row = (*p.detach().tolist(), loss.item(), *p.grad.tolist())
        if not all(map(math.isfinite, row)) or abs(row[0] - cx) > rx or abs(row[1] - cy) > ry:
            diverged_at = k
            break
        rows.append(row)
        if k < run.steps:
            opt.step()
    table = torch.tensor(rows, dtype=torch.float64).reshape(-1, 5)
    grads = table[:, 3:].contiguous()
    small = torch.nonzero(torch.linalg.vector_norm(grads, dim=1) < GRAD_TOL)
    converged_at = int(small[0, 0]) if len(small) else None
    return Path(table[:, 0].clone(), table[:, 1].clone(), table[:, 2].clone(), grads, diverged_at, converged_at)


def nearest_minimum(x: float, y: float, minima: tuple[Point, ...]) -> tuple[Point | None, float]:
    """The known minimum closest to ``(x, y)`` (the first on a tie) and its distance; ``(None, inf)`` if none."""
    if not minima:
        return None, math.inf
    mx, my = min(minima, key=lambda m: math.hypot(x - m[0], y - m[1]))  # min keeps the first on a tie
    return (float(mx), float(my)), math.hypot(x - mx, y - my)


@dataclass(frozen=True)
class RunSummary:
    """What the page reports about one run: the loss at the last position (NaN for an empty path), that
    position's ``distance`` to the nearest known minimum (inf if none), ``steps_to_tol`` the first ``k`` within
    ``tol`` of a known minimum (else ``None``), ``diverged_at`` as in :class:`Path`, and ``converged``: the run did
    not diverge and ended within ``tol`` of a known minimum."""

    final_loss: float
    distance: float
    steps_to_tol: int | None
    diverged_at: int | None
    converged: bool


def summarize(path: Path, minima: tuple[Point, ...], tol: float = 1e-3) -> RunSummary:
    """Summarize ``path`` against the surface's known ``minima`` (Euclidean distances, ``tol > 0``)."""
    if not tol > 0:
        raise ValueError(f"tol must be positive. Got {tol}")
    final = float(path.losses[-1]) if len(path.xs) else math.nan
    if not len(path.xs) or not minima:
        return RunSummary(final, math.inf, None, path.diverged_at, False)
    pts = torch.stack([path.xs, path.ys], dim=1)
    # Broadcasting, not torch.cdist: ~40x faster for a few hundred points and a handful of minima.
    dists = torch.linalg.vector_norm(pts[:, None, :] - torch.tensor(minima, dtype=torch.float64), dim=2).amin(1)
    near = torch.nonzero(dists < tol)
    steps_to_tol, distance = (int(near[0, 0]) if len(near) else None), float(dists[-1])
    return RunSummary(final, distance, steps_to_tol, path.diverged_at, path.diverged_at is None and distance < tol)


def surface_grid(f: Fn, region: Region, n: int = 80) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sample ``f`` on an ``n x n`` grid for contour and surface plots.

    Args:
        f: function of broadcastable float64 tensors.
        region: ``((x0, x1), (y0, y1))``.
        n: samples per axis, in ``[2, 400]``.

    Returns:
        ``xs (n,)``, ``ys (n,)`` and ``z (n, n)`` float64 with ``z[i, j] = f(xs[j], ys[i])`` (rows are y); no
        autograd graph, non-finite values kept.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_GRID:
        raise ValueError(f"n must be an integer in [2, {MAX_GRID}]. Got {n!r}")
    (x0, x1), (y0, y1) = region
    xs, ys = torch.linspace(x0, x1, n, dtype=torch.float64), torch.linspace(y0, y1, n, dtype=torch.float64)
    with torch.no_grad():
        yy, xx = torch.meshgrid(ys, xs, indexing="ij")
        z = torch.as_tensor(f(xx, yy), dtype=torch.float64).expand(n, n).contiguous()
    return xs, ys, z
