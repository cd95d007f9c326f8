"""The Overfitting page's building blocks: the models (polynomial features or an MLP) and the training settings.

A polynomial is a linear model on the monomials of the scaled inputs ``x / s`` (``s`` the largest ``|x|`` of the
training points, so every feature of a training point lies in ``[-1, 1]``); a network is ``nn.Sequential`` of
``Linear``, activation and ``Dropout``. Everything is float64. :mod:`components.compute.overfitting` trains them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

import torch
from torch import nn

from components.compute.datasets import F64, N_RANGE, check_choice, check_float, check_int

MAX_DEGREE = 20
MAX_LAYERS = 4
MAX_WIDTH = 128
MAX_EPOCHS = 5000
LR_RANGE = (1e-4, 10.0)
# nn's defaults (LeakyReLU slope 0.01, ELU alpha 1, exact GELU, Softplus beta 1): what mlp_steps' kernels compute.
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU, "gelu": nn.GELU, "silu": nn.SiLU,
    "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "softplus": nn.Softplus, "identity": nn.Identity,
}  # fmt: skip
OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}


# --- models --------------------------------------------------------------------------------------------------


def _exponents(degree: int, d: int) -> list[tuple[int, ...]]:
    """Exponent tuples of the monomials of total degree 1..degree, by degree, then the first exponent falling."""
    rows = [e for e in product(range(degree, -1, -1), repeat=d) if 1 <= sum(e) <= degree]
    return sorted(rows, key=sum)  # sorted() is stable: within a degree the product order remains


def n_poly_features(degree: int, d: int) -> int:
    """Number of monomials of ``d`` variables with total degree in ``[1, degree]``: ``C(degree + d, d) - 1``."""
    return math.comb(degree + d, d) - 1


class PolyFeatures(nn.Module):
    """All monomials ``(x1/s1)^a1 ... (xd/sd)^ad`` with ``1 <= a1 + ... + ad <= degree``.

    ``s`` is the input scale, the largest ``|x|`` of the training points per coordinate (:class:`Trainer` sets
    it), so every feature of a training point lies in ``[-1, 1]`` and degree 20 stays trainable. (d2l's
    ``x^i / i!`` scaling does that too, but for ``|x| <= 1`` it shrinks ``x^15`` below ``1e-12``; measured on the
    page's 15-point sine, degree 15 then ends with degree 3's train loss and cannot overfit.) The constant is left
    out: the following ``nn.Linear`` has a bias. Order: by total degree, then by the first exponent, falling
    (``x, y, x^2, xy, y^2, ...``); the int64 buffer ``exponents`` ``(m, d)`` holds them.
    """

    def __init__(self, degree: int, d: int = 1, scale: torch.Tensor | None = None):
        """Args: ``degree`` in ``[1, 20]``, ``d`` input coordinates (1 or 2), ``scale`` ``(d,)`` positive finite
        (``None``: ones)."""
        super().__init__()
        check_int("degree", degree, 1, MAX_DEGREE)
        check_int("d", d, 1, 2)
        scale = torch.ones(d, **F64) if scale is None else torch.as_tensor(scale, **F64).reshape(-1)
        if scale.shape != (d,) or not bool(torch.isfinite(scale).all() and (scale > 0).all()):
            raise ValueError(f"scale must hold {d} positive finite numbers. Got {scale.tolist()}")
        self.degree, self.d = degree, d
        exps = torch.tensor(_exponents(degree, d))  # (m, d)
        self.register_buffer("exponents", exps)
        self.register_buffer("powers", torch.arange(degree + 1, dtype=torch.float64))
        self.register_buffer("first", exps[:, 0].clone())
        self.register_buffer("second", exps[:, -1].clone())
        self.register_buffer("scale", scale.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(n, d)`` -> ``(n, m)`` with ``m = n_poly_features(degree, d)``."""
        powers = (x / self.scale)[:, :, None].pow(self.powers)  # (n, d, degree + 1): each power computed once
        if self.d == 1:
            return powers[:, 0, 1:]
        return powers[:, 0, self.first] * powers[:, 1, self.second]  # 10x faster than pow on (n, m, 2)

    def extra_repr(self) -> str:
        return f"degree={self.degree}, d={self.d}, scale={[round(v, 4) for v in self.scale.tolist()]}"


def input_scale(x: torch.Tensor) -> torch.Tensor:
    """The :class:`PolyFeatures` scale for training inputs ``x`` ``(n, d)``: ``max |x|`` per coordinate as a
    ``(d,)`` float64 tensor (1 where that is 0 or not finite)."""
    scale = x.detach().to(torch.float64).abs().amax(0)
    return torch.where(torch.isfinite(scale) & (scale > 0), scale, torch.ones_like(scale))


@dataclass(frozen=True)
class ModelSpec:
    """A model of the page: ``"poly"`` (``degree`` in ``[1, 20]``) or ``"mlp"`` (``layers`` hidden layers in
    ``[0, 4]`` of ``width`` in ``[1, 128]`` units, an :data:`ACTIVATIONS` key and ``dropout`` in ``[0, 0.9)``).
    ``activations`` and ``widths``, when not empty, hold one :data:`ACTIVATIONS` key and one width per hidden layer
    instead of ``activation`` and ``width``."""

    kind: str = "poly"
    degree: int = 3
    layers: int = 1
    width: int = 16
    activation: str = "relu"
    dropout: float = 0.0
    activations: tuple[str, ...] = ()
    widths: tuple[int, ...] = ()

    def layer_activations(self) -> tuple[str, ...]:
        """The activation after each hidden layer."""
        return self.activations or (self.activation,) * self.layers

    def layer_widths(self) -> tuple[int, ...]:
        """The width of each hidden layer."""
        return self.widths or (self.width,) * self.layers


def check_model(spec: ModelSpec) -> None:
    check_choice("kind", spec.kind, {"poly": 0, "mlp": 0})
    check_int("degree", spec.degree, 1, MAX_DEGREE)
    check_int("layers", spec.layers, 0, MAX_LAYERS)
    check_int("width", spec.width, 1, MAX_WIDTH)
    check_choice("activation", spec.activation, ACTIVATIONS)
    check_float("dropout", spec.dropout, 0.0, 0.9, hi_open=True)
    if spec.activations:
        if not isinstance(spec.activations, tuple) or len(spec.activations) != spec.layers:
            raise ValueError(f"activations must be a tuple of {spec.layers} names. Got {spec.activations!r}")
        for name in spec.activations:
            check_choice("activation", name, ACTIVATIONS)
    if spec.widths:
        if not isinstance(spec.widths, tuple) or len(spec.widths) != spec.layers:
            raise ValueError(f"widths must be a tuple of {spec.layers} integers. Got {spec.widths!r}")
        for w in spec.widths:
            check_int("width", w, 1, MAX_WIDTH)


def build_model(spec: ModelSpec, in_dim: int, out_dim: int, x_scale: torch.Tensor | None = None) -> nn.Module:
    """Build the float64 model; its initial weights come from the global torch RNG (the caller seeds it).

    Args:
        spec: the settings; every field is validated, also the ones the kind ignores.
        in_dim: input coordinates, 1 or 2.
        out_dim: 1 for regression, the number of classes (logits) for classification, in ``[1, 16]``.
        x_scale: poly only, the :class:`PolyFeatures` scale ``(in_dim,)`` (``None``: ones); see :func:`input_scale`.

    Returns:
        poly: ``Sequential(PolyFeatures, Linear)``; mlp: ``Sequential(*[Linear, activation, Dropout] * layers,
        Linear)``. Input ``(n, in_dim)``, output ``(n, out_dim)``.
    """
    check_model(spec)
    check_int("in_dim", in_dim, 1, 2)
    check_int("out_dim", out_dim, 1, 16)
    if spec.kind == "poly":
        feats = PolyFeatures(spec.degree, in_dim, x_scale)
        return nn.Sequential(feats, nn.Linear(n_poly_features(spec.degree, in_dim), out_dim, **F64))
    mods: list[nn.Module] = []
    sizes = (in_dim, *spec.layer_widths())
    for i, act in enumerate(spec.layer_activations()):
        mods += [nn.Linear(sizes[i], sizes[i + 1], **F64), ACTIVATIONS[act]()]
        mods.append(nn.Dropout(spec.dropout))
    mods.append(nn.Linear(sizes[-1], out_dim, **F64))
    return nn.Sequential(*mods)


# --- training settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainSpec:
    """Training settings: an :data:`OPTIMIZERS` key, ``lr`` in ``[1e-4, 10]``, ``epochs`` in ``[1, 5000]``,
    ``batch_size`` in ``[0, 1000]`` (0 or at least the training set: full batch; else mini-batches reshuffled every
    epoch by the trainer's generator, the last one smaller), the optimizer's ``weight_decay`` λ in ``[0, 1]`` (it
    adds ``λ·θ`` to the gradient of every parameter θ, biases included: the gradient of ``L + (λ/2)·‖θ‖²``), and
    ``early_stopping`` after ``patience`` epochs in ``[1, 5000]`` without a new best test loss."""

    optimizer: str = "adam"
    lr: float = 0.01
    epochs: int = 500
    batch_size: int = 0
    weight_decay: float = 0.0
    early_stopping: bool = False
    patience: int = 100


def check_train(spec: TrainSpec) -> None:
    check_choice("optimizer", spec.optimizer, OPTIMIZERS)
    check_float("lr", spec.lr, *LR_RANGE)
    check_int("epochs", spec.epochs, 1, MAX_EPOCHS)
    check_int("batch_size", spec.batch_size, 0, N_RANGE[1])
    check_float("weight_decay", spec.weight_decay, 0.0, 1.0)
    if not isinstance(spec.early_stopping, bool):
        raise ValueError(f"early_stopping must be True or False. Got {spec.early_stopping!r}")
    check_int("patience", spec.patience, 1, MAX_EPOCHS)


def loss_name(task: str) -> str:
    """``"mse"`` for ``"regression"``, ``"cross_entropy"`` for ``"classification"``."""
    check_choice("task", task, {"regression": 0, "classification": 0})
    return "mse" if task == "regression" else "cross_entropy"


def loss_fn(task: str) -> nn.Module:
    """``nn.MSELoss()`` (on the ``(n,)`` squeezed output) or ``nn.CrossEntropyLoss()`` (on ``(n, C)`` logits and
    int64 labels), both the mean over the points."""
    return nn.MSELoss() if loss_name(task) == "mse" else nn.CrossEntropyLoss()
