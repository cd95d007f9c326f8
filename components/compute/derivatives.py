"""Derivatives, differentials, partial derivatives and gradients, by autograd.

Functions are any callables of float64 tensors (a parsed ``Expression`` or a
lambda). Every slope here comes from ``torch.autograd``; finite differences
are only used to *detect* a kink, where autograd reports one of many
subgradients (``|x|`` at 0 gives 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

Fn = Callable[..., torch.Tensor]
KINK_STEP = 1e-6
KINK_TOLERANCE = 1e-3
UNBOUNDED_RATIO = 100  # a vertical tangent: the quotient over KINK_STEP is much larger than over 100x that step
UNBOUNDED_SLOPE = 100.0  # ... and large in itself (a smooth slope changes by ~f'' * 1e-4 between the two)

# Presets: plain text in the safe expression language, so they are parsed and
# shown exactly like what a student types.
PRESETS_1D = {
    "square": "x**2",
    "cubic": "x**3 - 3*x",
    "sine": "sin(x)",
    "exp": "exp(x)",
    "abs": "abs(x)",
    "relu": "relu(x)",
    "sigmoid": "sigmoid(x)",
}
PRESETS_2D = {
    "bowl": "x**2 + y**2",
    "saddle": "x**2 - y**2",
    "waves": "sin(x) * cos(y)",
    "product": "x * y",
    "ridge": "x**2 + 3*sin(y)",
    "himmelblau": "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
}


def _scalar(v: float) -> torch.Tensor:
    return torch.tensor(float(v), dtype=torch.float64, requires_grad=True)


@dataclass(frozen=True)
class Tangent1D:
    """Everything the 1-D view shows at ``x0`` for a step ``dx``.

    Attributes:
        value: ``f(x0)``.
        slope: ``f'(x0)`` from autograd (the rate of change).
        delta_y: true change ``Δy = f(x0 + dx) - f(x0)`` (the amount of change).
        differential: ``dy = f'(x0) * dx``, the tangent's prediction of ``Δy``.
        secant_slope: ``Δy / dx``; tends to ``slope`` as ``dx -> 0``.
        left, right: one-sided slopes at ``x0`` (see ``one_sided_slope``): nan where f is
            undefined on that side, ±inf where the slope grows without bound.
    """

    value: float
    slope: float
    delta_y: float
    differential: float
    secant_slope: float
    left: float
    right: float

    @property
    def kind(self) -> str:
        """What the point is, most serious first.

        ``"undefined"``: f(x0) is not a finite number (``1/x`` at 0), so there is no derivative at all.
        ``"no_derivative"``: a one-sided slope is not finite — f is undefined on one side or the tangent
        is vertical (``sqrt(x)`` at 0).
        ``"kink"``: finite one-sided slopes that differ (``|x|`` at 0: -1 and +1).
        ``"autograd_nan"``: the sides agree but autograd's number is not finite (``sqrt(x**2)*x`` at 0:
        0/0 inside the formula).
        ``"smooth"``: differentiable, and ``slope`` is the derivative.
        """
        if not math.isfinite(self.value):
            return "undefined"
        if not (math.isfinite(self.left) and math.isfinite(self.right)):
            return "no_derivative"
        if abs(self.left - self.right) > KINK_TOLERANCE * max(1.0, abs(self.left), abs(self.right)):
            return "kink"
        if not math.isfinite(self.slope):
            return "autograd_nan"
        return "smooth"

    @property
    def differentiable(self) -> bool:
        return self.kind == "smooth"

    @property
    def reasons(self) -> list[str]:
        """Why there is no derivative (``kind == "no_derivative"``): ``undefined_left``, ``undefined_right``,
        ``vertical`` (an unbounded one-sided slope or an infinite autograd slope)."""
        out = [f"undefined_{side}" for side, v in (("left", self.left), ("right", self.right)) if math.isnan(v)]
        if any(math.isinf(v) for v in (self.left, self.right, self.slope)):
            out.append("vertical")
        return out


def one_sided_slope(at: Callable[[float], float], x0: float, value: float, side: int) -> float:
    """The slope of f from one side of ``x0`` (``side`` = -1 left, +1 right), by difference quotients.

    Returns the quotient over ``KINK_STEP``; nan if f is not finite there (undefined on that side);
    ±inf if the quotient keeps growing as the step shrinks (a vertical tangent: ``sqrt(x)`` at 0 gives
    100 over 1e-4 and 1000 over 1e-6), where a finite slope would settle.
    """
    near, far = (at(x0 + side * h) for h in (KINK_STEP, UNBOUNDED_RATIO * KINK_STEP))
    if not (math.isfinite(near) and math.isfinite(far)):
        return math.nan
    q_near = (near - value) / (side * KINK_STEP)
    q_far = (far - value) / (side * UNBOUNDED_RATIO * KINK_STEP)
    if abs(q_near) > UNBOUNDED_SLOPE and abs(q_near) > 3 * abs(q_far):
        return math.copysign(math.inf, q_near)
    return q_near


def slope_1d(f: Fn, x0: float) -> tuple[float, float]:
    """``(f(x0), f'(x0))`` with autograd."""
    x = _scalar(x0)
    y = f(x)
    (grad,) = torch.autograd.grad(y, x, allow_unused=True)
    return float(y.detach()), float(grad) if grad is not None else 0.0


def tangent_1d(f: Fn, x0: float, dx: float) -> Tangent1D:
    """Derivative (rate of change) and differential (amount of change) at ``x0``.

    Args:
        f: scalar function of one tensor.
        x0: the point.
        dx: the step, non-zero.
    """
    if dx == 0:
        raise ValueError(f"dx must be non-zero. Got {dx}")
    value, slope = slope_1d(f, x0)
    with torch.no_grad():
        at = lambda v: float(f(torch.tensor(v, dtype=torch.float64)))  # noqa: E731
        delta_y = at(x0 + dx) - value
        left, right = (one_sided_slope(at, x0, value, side) for side in (-1, 1))
    return Tangent1D(value, slope, delta_y, slope * dx, delta_y / dx, left, right)


def gradient_2d(f: Fn, x0: float, y0: float) -> tuple[float, float, float]:
    """``(f, df/dx, df/dy)`` at ``(x0, y0)`` with autograd: the partial derivatives."""
    x, y = _scalar(x0), _scalar(y0)
    z = f(x, y)
    gx, gy = torch.autograd.grad(z, (x, y), allow_unused=True)
    return float(z.detach()), float(gx) if gx is not None else 0.0, float(gy) if gy is not None else 0.0


def point_status_2d(value: float, gx: float, gy: float) -> str:
    """``"undefined"`` (f not finite at the point), ``"no_gradient"`` (a partial derivative is not finite:
    ``sqrt(x**2 + y**2)`` at its tip) or ``"ok"``."""
    if not math.isfinite(value):
        return "undefined"
    return "ok" if math.isfinite(gx) and math.isfinite(gy) else "no_gradient"


def directional_derivative(gx: float, gy: float, theta: float) -> float:
    """Rate of change along the unit vector at angle ``theta`` (radians): ``grad . u``."""
    return gx * math.cos(theta) + gy * math.sin(theta)


def evaluate_grid(f: Fn, xs: torch.Tensor, ys: torch.Tensor | None = None) -> torch.Tensor:
    """``f`` on a line ``(N,)`` or, with ``ys``, on the grid ``(len(ys), len(xs))`` (rows = y).

    Non-finite values (poles, logs of negatives) stay as they are: plots gap them.
    """
    with torch.no_grad():
        if ys is None:
            return torch.broadcast_to(f(xs.double()), xs.shape).double()
        gy, gx = torch.meshgrid(ys.double(), xs.double(), indexing="ij")
        return torch.broadcast_to(f(gx, gy), gx.shape).double()


def partial_slices(f: Fn, ts: torch.Tensor, x0: float, y0: float) -> tuple[torch.Tensor, torch.Tensor]:
    """``f(t, y0)`` and ``f(x0, t)``: the two one-variable functions whose slopes are the partials."""
    fixed_x, fixed_y = torch.tensor(x0, dtype=torch.float64), torch.tensor(y0, dtype=torch.float64)
    return evaluate_grid(lambda v: f(v, fixed_y), ts), evaluate_grid(lambda v: f(fixed_x, v), ts)


def gradient_field(f: Fn, xs: torch.Tensor, ys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(df/dx, df/dy)`` on the grid ``(len(ys), len(xs))``, one autograd pass for all points."""
    gy, gx = torch.meshgrid(ys.double(), xs.double(), indexing="ij")
    gx, gy = gx.clone().requires_grad_(True), gy.clone().requires_grad_(True)
    z = torch.broadcast_to(f(gx, gy), gx.shape)
    dx, dy = torch.autograd.grad(z.sum(), (gx, gy), allow_unused=True)
    zeros = torch.zeros_like(gx)
    return (dx if dx is not None else zeros).detach(), (dy if dy is not None else zeros).detach()


@dataclass(frozen=True)
class DerivSettings:
    """The page's shareable settings (URL keys ``deriv_<field>``)."""

    f1: str = "cubic"
    f1_text: str = "x**3 - 3*x"
    x0: float = 1.5
    dx: float = 0.5
    zoom: bool = False
    f2: str = "ridge"
    f2_text: str = "x**2 + 3*sin(y)"
    px: float = 1.0
    py: float = 0.5
    theta: int = 45
    field: bool = False
