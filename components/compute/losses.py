"""Loss functions: what training lowers, in numbers and in PyTorch code.

Regression: a line ``ŷ = w x + b`` through a few points, scored by the mean squared error, the mean absolute error
and the Huber loss (``F.mse_loss``, ``F.l1_loss``, ``F.huber_loss``), each loss as a function of the slope with its
gradient (autograd), and the line that each loss likes best (an outlier pulls the MSE line, hardly the MAE one).
Classification: logits → softmax probabilities → cross-entropy ``-log p_y`` (``F.cross_entropy``), with a
temperature, the binary case, reductions on a small batch, and the classic mistakes: softmax before
``nn.CrossEntropyLoss``, MSE on probabilities, and an ``(N, 1)`` prediction against ``(N,)`` targets.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import torch
import torch.nn.functional as F

F64 = {"dtype": torch.float64}
N_POINTS = 12
TRUE_LINE = (0.8, 1.0)  # the points scatter around y = 0.8 x + 1
LOSSES = ("mse", "mae", "huber")
MAX_CLASSES = 5
LOGIT_RANGE = (-50.0, 50.0)
T_RANGE = (0.05, 20.0)


def points(outlier: float = 0.0, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``N_POINTS`` points ``x`` in ``[0, 5]`` (evenly spaced), ``y = 0.8 x + 1 + N(0, 0.3²)``; the last point's
    ``y`` moved by ``outlier``."""
    g = torch.Generator().manual_seed(seed)
    x = torch.linspace(0, 5, N_POINTS, **F64)
    y = TRUE_LINE[0] * x + TRUE_LINE[1] + 0.3 * torch.randn(N_POINTS, generator=g, **F64)
    y[-1] += outlier
    return x, y


def per_point(name: str, pred: torch.Tensor, y: torch.Tensor, delta: float) -> torch.Tensor:
    """The loss of each point (``reduction="none"``): ``(ŷ - y)²``, ``|ŷ - y|`` or Huber with ``delta``."""
    if name == "mse":
        return F.mse_loss(pred, y, reduction="none")
    if name == "mae":
        return F.l1_loss(pred, y, reduction="none")
    if name == "huber":
        return F.huber_loss(pred, y, reduction="none", delta=delta)
    raise ValueError(f"loss must be one of {', '.join(LOSSES)}. Got {name!r}")


@dataclass(frozen=True)
class LineScore:
    """Each loss of the line ``w x + b`` (mean over the points) and its gradient ``(d/dw, d/db)`` by autograd."""

    values: dict[str, float]
    grads: dict[str, tuple[float, float]]
    residuals: torch.Tensor


def score_line(x: torch.Tensor, y: torch.Tensor, w: float, b: float, delta: float) -> LineScore:
    _check_delta(delta)
    values, grads = {}, {}
    for name in LOSSES:
        wt, bt = (torch.tensor(v, **F64, requires_grad=True) for v in (w, b))
        with torch.enable_grad():
            loss = per_point(name, wt * x + bt, y, delta).mean()
            gw, gb = torch.autograd.grad(loss, (wt, bt))
        values[name], grads[name] = loss.item(), (gw.item(), gb.item())
    return LineScore(values, grads, (w * x + b - y).detach())


def _check_delta(delta: float) -> None:
    if not (isinstance(delta, int | float) and math.isfinite(delta) and delta > 0):
        raise ValueError(f"delta must be a positive number. Got {delta!r}")


def loss_curves(x: torch.Tensor, y: torch.Tensor, ws: torch.Tensor, b: float, delta: float) -> dict[str, torch.Tensor]:
    """Each loss for every slope in ``ws`` ``(G,)`` with the intercept ``b`` fixed: ``{name: (G,)}``."""
    _check_delta(delta)
    pred = ws[:, None] * x[None, :] + b
    target = y.expand_as(pred)
    return {name: per_point(name, pred, target, delta).mean(1) for name in LOSSES}


def best_line(x: torch.Tensor, y: torch.Tensor, name: str, delta: float, iterations: int = 100) -> tuple[float, float]:
    """The ``(w, b)`` that minimises the loss ``name`` over the points. MSE: least squares
    (``torch.linalg.lstsq``). MAE and Huber: iteratively reweighted least squares — each round a weighted least
    squares with weights ``1 / max(|r|, ε)`` (MAE) or ``min(1, δ / |r|)`` (Huber) of the last residuals ``r``."""
    _check_delta(delta)
    a = torch.stack([x, torch.ones_like(x)], 1)
    coef = torch.linalg.lstsq(a, y[:, None]).solution[:, 0]
    if name == "mse":
        return coef[0].item(), coef[1].item()
    if name not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}. Got {name!r}")
    for _ in range(iterations):
        r = (a @ coef - y).abs()
        weight = 1 / r.clamp_min(1e-9) if name == "mae" else (delta / r.clamp_min(1e-12)).clamp(max=1.0)
        root = weight.sqrt()[:, None]
        new = torch.linalg.lstsq(a * root, y[:, None] * root).solution[:, 0]
        if torch.allclose(new, coef, rtol=0, atol=1e-12):
            coef = new
            break
        coef = new
    return coef[0].item(), coef[1].item()


# --- classification --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Softmax:
    """``probs = softmax(z / T)``; ``nll = -log p_y``; ``loss = F.cross_entropy(z / T, y)`` (the same number);
    ``grad`` = d loss / d z by autograd (``(softmax - onehot) / T``)."""

    scaled: torch.Tensor
    probs: torch.Tensor
    log_probs: torch.Tensor
    nll: float
    loss: float
    grad: torch.Tensor


def softmax_ce(logits: list[float], label: int, temperature: float = 1.0) -> Softmax:
    """Cross-entropy of one example. ``logits``: 2–5 finite numbers; ``label`` in ``[0, len)``; ``temperature``
    in ``[0.05, 20]``. Stable for any logits (``log_softmax``): ±50 gives no NaN."""
    if not 2 <= len(logits) <= MAX_CLASSES or not all(math.isfinite(v) for v in logits):
        raise ValueError(f"logits must be 2 to {MAX_CLASSES} finite numbers. Got {logits!r}")
    if not (isinstance(label, int) and 0 <= label < len(logits)):
        raise ValueError(f"label must be a class in [0, {len(logits)}). Got {label!r}")
    if not T_RANGE[0] <= temperature <= T_RANGE[1]:
        raise ValueError(f"temperature must be in [{T_RANGE[0]}, {T_RANGE[1]}]. Got {temperature!r}")
    z = torch.tensor(logits, **F64, requires_grad=True)
    target = torch.tensor([label])
    with torch.enable_grad():
        scaled = z / temperature
        loss = F.cross_entropy(scaled[None], target)
        (grad,) = torch.autograd.grad(loss, z)
    log_probs = F.log_softmax(scaled.detach(), 0)
    return Softmax(scaled.detach(), log_probs.exp(), log_probs, -log_probs[label].item(), loss.item(), grad)


def bce_curve(ps: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``F.binary_cross_entropy(p, y)`` for ``y = 1`` and ``y = 0`` at every ``p`` in ``ps`` (PyTorch clamps the log
    at -100: ``p = 0`` gives 100, not inf)."""
    return (F.binary_cross_entropy(ps, torch.ones_like(ps), reduction="none"),
            F.binary_cross_entropy(ps, torch.zeros_like(ps), reduction="none"))  # fmt: skip


# --- a batch: formula, code, number ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """``N`` examples of ``C`` logits and their labels, and the cross-entropy's pieces per example: the true
    class's logit ``z_y``, ``logsumexp(z)``, the loss ``logsumexp(z) - z_y``; then the reductions."""

    logits: torch.Tensor
    labels: torch.Tensor
    true_logit: torch.Tensor
    lse: torch.Tensor
    losses: torch.Tensor
    mean: float
    total: float
    by_hand: float  # -F.log_softmax(z, 1)[range(N), y].mean()


def batch(seed: int = 0, n: int = 4, classes: int = 3) -> Batch:
    g = torch.Generator().manual_seed(seed)
    z = (torch.randn(n, classes, generator=g, **F64) * 2).round(decimals=1)
    y = torch.randint(0, classes, (n,), generator=g)
    losses = F.cross_entropy(z, y, reduction="none")
    by_hand = -F.log_softmax(z, 1)[range(n), y].mean()
    return Batch(z, y, z[range(n), y], torch.logsumexp(z, 1), losses, F.cross_entropy(z, y).item(),
                 F.cross_entropy(z, y, reduction="sum").item(), by_hand.item())  # fmt: skip


# --- the classic mistakes --------------------------------------------------------------------------------------


def double_softmax(logits: list[float], label: int) -> dict[str, tuple[float, torch.Tensor]]:
    """``nn.CrossEntropyLoss`` on logits (right) and on ``softmax(logits)`` (wrong: it applies log-softmax
    itself): ``{"right"|"wrong": (loss, d loss / d logits)}``."""
    out = {}
    for kind in ("right", "wrong"):
        z = torch.tensor(logits, **F64, requires_grad=True)
        with torch.enable_grad():
            inputs = z if kind == "right" else torch.softmax(z, 0)
            loss = torch.nn.CrossEntropyLoss()(inputs[None], torch.tensor([label]))
            (grad,) = torch.autograd.grad(loss, z)
        out[kind] = (loss.item(), grad)
    return out


def double_softmax_curves(logits: list[float], label: int, values: torch.Tensor) -> dict[str, torch.Tensor]:
    """The right and the wrong loss as the true class's logit runs over ``values`` (the others kept)."""
    z = torch.tensor(logits, **F64).repeat(len(values), 1)
    z[:, label] = values
    target = torch.full((len(values),), label)
    return {"right": F.cross_entropy(z, target, reduction="none"),
            "wrong": F.cross_entropy(torch.softmax(z, 1), target, reduction="none")}  # fmt: skip


def saturation_curves(zs: torch.Tensor) -> dict[str, torch.Tensor]:
    """A binary example of class 1 with logit ``z`` (``p = sigmoid(z)``): the gradient ``d loss / d z`` of MSE on
    the probability, ``(p - 1)²``, and of cross-entropy, ``-log p``, by autograd at every ``z``."""
    out = {}
    for name in ("mse", "ce"):
        z = zs.detach().clone().requires_grad_(True)
        with torch.enable_grad():
            p = torch.sigmoid(z)
            if name == "mse":
                loss = (p - 1).square()
            else:
                loss = F.binary_cross_entropy_with_logits(z, torch.ones_like(z), reduction="none")
            (grad,) = torch.autograd.grad(loss.sum(), z)
        out[name] = grad
    return out


def broadcast_mistake(pred: torch.Tensor, target: torch.Tensor) -> tuple[str, float, float]:
    """``F.mse_loss`` of an ``(N, 1)`` prediction against ``(N,)`` targets: the warning PyTorch gives, the value
    it returns (the mean over the ``N × N`` broadcast pairs) and the intended one (``pred.squeeze(1)``)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wrong = F.mse_loss(pred, target).item()
    message = next((str(w.message) for w in caught if issubclass(w.category, UserWarning)), "")
    return message, wrong, F.mse_loss(pred.squeeze(1), target).item()
