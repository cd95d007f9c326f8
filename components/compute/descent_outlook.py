"""Will a run on the quadratic bowl ever converge? Linear theory answers before the steps run out.

On ``f = ½ (u² + κ v²)`` (the bowl of ``descent.bowl_function``) every gradient method without adaptive
scaling acts on each principal direction on its own: with curvature ``λ`` (``1`` along ``u``, ``κ`` along
``v``) plain SGD multiplies that coordinate by ``1 − η·λ`` every step. So the run converges when
``|1 − η·λ| < 1`` for every direction the start has a component along, bounces between two points forever
when the largest factor is exactly ``1`` (``η = 2/λ``), and diverges when it is larger. Heavy-ball momentum
and Nesterov keep two numbers per direction; their factor is the spectral radius of that 2 x 2 recursion.
Adaptive optimizers (Adagrad, RMSprop, Adam) rescale every step, so no such factor exists: ``None``.
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass

ONE_TOL = 1e-9  # a factor within this of 1 is exactly 1 (η = 2/λ up to float rounding)
LINEAR = ("sgd", "momentum", "nesterov")


def step_factor(optimizer: str, lr: float, curvature: float, momentum: float = 0.0) -> float:
    """How much one step scales the distance to the minimum along a direction of curvature ``λ``, for good.

    Args:
        optimizer: ``"sgd"``, ``"momentum"`` or ``"nesterov"`` (``torch.optim.SGD`` without, with heavy-ball
            and with Nesterov momentum).
        lr: the learning rate ``η``, positive.
        curvature: ``λ``, positive.
        momentum: ``β`` in ``[0, 1)``; ignored by ``"sgd"``.

    Returns:
        ``|1 − η·λ|`` for SGD. With momentum, ``p_{k+1} = (1 + β − h) p_k − β p_{k−1}`` (heavy ball) or
        ``(1 + β)(1 − h) p_k − β (1 − h) p_{k−1}`` (torch's Nesterov), ``h = η·λ``: the largest root modulus
        of its characteristic polynomial. Below 1 converges, exactly 1 never settles, above 1 diverges.
    """
    if optimizer not in LINEAR:
        raise ValueError(f"optimizer must be one of {', '.join(LINEAR)}. Got {optimizer!r}")
    if not (lr > 0 and curvature > 0 and math.isfinite(lr * curvature)):
        raise ValueError(f"lr and curvature must be positive and finite. Got {lr}, {curvature}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1). Got {momentum}")
    h = lr * curvature
    if optimizer == "sgd":
        return abs(1 - h)
    if optimizer == "momentum":
        b, c = 1 + momentum - h, momentum
    else:
        b, c = (1 + momentum) * (1 - h), momentum * (1 - h)
    root = cmath.sqrt(b * b - 4 * c)
    return max(abs((b + root) / 2), abs((b - root) / 2))


@dataclass(frozen=True)
class Outlook:
    """What linear theory says about one run on the bowl.

    Attributes:
        kind: ``"converges"``, ``"bounces"`` (never converges, never diverges) or ``"diverges"``.
        factor: the worst :func:`step_factor` over the directions the start has a component along.
        curvature: ``λ`` of that direction (``1`` flat, ``κ`` steep).
        steep: whether that direction is the steepest one (``λ = κ``).
    """

    kind: str
    factor: float
    curvature: float
    steep: bool


def bowl_outlook(
    optimizer: str,
    lr: float,
    momentum: float | None,
    condition: float,
    angle_deg: float,
    start: tuple[float, float],
) -> Outlook | None:
    """The outlook of a run from ``start`` on ``bowl_function(condition, angle_deg)``; ``None`` for adaptive
    optimizers, or when the start is the minimum itself.

    Args:
        momentum: ``β`` of ``"momentum"`` / ``"nesterov"`` (``None``: torch's page default 0.9).
    """
    if optimizer not in LINEAR:
        return None
    beta = 0.0 if optimizer == "sgd" else (0.9 if momentum is None else float(momentum))
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    x, y = start
    scale = max(1.0, abs(x), abs(y))
    components = ((1.0, c * x + s * y, False), (float(condition), c * y - s * x, True))  # (λ, coordinate, steep)
    candidates = [
        (step_factor(optimizer, lr, lam, beta), lam, steep)
        for lam, coord, steep in components
        if abs(coord) > 1e-12 * scale
    ]
    if not candidates:
        return None
    factor, lam, steep = max(candidates, key=lambda f: (f[0], f[2]))
    kind = "bounces" if abs(factor - 1) <= ONE_TOL else "diverges" if factor > 1 else "converges"
    return Outlook(kind, factor, lam, steep)
