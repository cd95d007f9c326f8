"""The Overfitting page's data sets: 1-D regression curves and 2-D classification shapes, split at random.

One ``torch.Generator`` seeded with the spec's seed draws the inputs, then the noise, then the split, so the same
settings (and link) always give the same points. Float64 inputs; float64 targets or int64 labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

TASKS: dict[str, str] = {
    "sine": "regression", "cubic": "regression", "step": "regression", "abs": "regression",
    "moons": "classification", "circles": "classification", "xor": "classification", "spirals": "classification",
    "blobs": "classification",
}  # fmt: skip
N_RANGE = (10, 1000)
NOISE_RANGE = (0.0, 1.0)
TRAIN_FRAC_RANGE = (0.1, 0.9)
MAX_SEED = 2**63 - 1
# The std of the noise is ``noise * NOISE_SCALE[dataset]``: regression adds it to y, classification to both
# coordinates. Cubic: the default 0.3 gives d2l's 0.1. Classification: 0.3 stays learnable, 1.0 is very noisy.
NOISE_SCALE = {"sine": 1.0, "cubic": 1 / 3, "step": 1.0, "abs": 1.0,
               "moons": 0.5, "circles": 0.5, "xor": 0.5, "spirals": 0.25, "blobs": 1.0}  # fmt: skip
BLOB_STD = 0.25  # spread of each blob before the noise is added
F64 = {"dtype": torch.float64}


def check_int(name: str, value: object, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}]. Got {value!r}")


def check_float(name: str, value: object, lo: float, hi: float, hi_open: bool = False) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and lo <= value <= hi
    if not ok or (hi_open and value == hi):
        raise ValueError(f"{name} must be a number in [{lo:g}, {hi:g}{')' if hi_open else ']'}. Got {value!r}")


def check_choice(name: str, value: object, choices: dict) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}. Got {value!r}")


@dataclass(frozen=True)
class DataSpec:
    """A data set of the page: a :data:`TASKS` key, ``n`` points in ``[10, 1000]``, ``noise`` in ``[0, 1]`` (std
    ``noise * NOISE_SCALE[dataset]``), the fraction ``train_frac`` in ``[0.1, 0.9]`` used for training, a seed."""

    dataset: str = "sine"
    n: int = 30
    noise: float = 0.3
    train_frac: float = 0.5
    seed: int = 0


@dataclass(frozen=True)
class Data:
    """A split data set. ``x_*``: ``(m, d)`` float64, ``d = 1`` (regression) or 2. ``y_*``: ``(m,)`` float64
    targets (regression) or int64 labels in ``[0, n_classes)``. ``n_classes`` is 0 for regression."""

    task: str
    n_classes: int
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def regression_points(name: str, n: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.randn(n, generator=g, **F64) if name == "cubic" else torch.rand(n, generator=g, **F64) * 2 - 1
    if name == "sine":
        y = torch.sin(math.pi * x)
    elif name == "cubic":  # d2l: 5 + 1.2 x - 3.4 x^2/2! + 5.6 x^3/3!
        y = 5 + 1.2 * x - 3.4 * x**2 / 2 + 5.6 * x**3 / 6
    elif name == "step":
        y = (x > 0).to(torch.float64)
    else:
        y = x.abs()
    return x[:, None], y


def classification_points(name: str, n: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    n_classes = 3 if name == "blobs" else 2
    labels = torch.arange(n) % n_classes  # balanced classes
    if name == "xor":  # uniform in the quadrants of [-2, 2]^2 where sign(x1 * x2) is +1 (class 1) or -1 (class 0)
        mag = torch.rand(n, 2, generator=g, **F64) * 2
        s1 = torch.randint(0, 2, (n,), generator=g).to(torch.float64) * 2 - 1
        return mag * torch.stack([s1, s1 * (2 * labels - 1)], 1), labels
    if name == "blobs":  # centres on a circle of radius 1.2
        angles = math.pi / 2 + 2 * math.pi / 3 * labels.to(torch.float64)
        centres = 1.2 * torch.stack([angles.cos(), angles.sin()], 1)
        return centres + BLOB_STD * torch.randn(n, 2, generator=g, **F64), labels
    t = torch.rand(n, generator=g, **F64)
    side = labels.to(torch.float64)
    if name == "moons":  # sklearn's half circles, centred: class 1 is the lower, shifted one
        a = math.pi * t
        x = torch.stack([a.cos() + side - 0.5, (1 - 2 * side) * a.sin() + 0.5 * side - 0.25], 1)
        return x * 1.2, labels
    if name == "circles":  # outer ring radius 1.5 (class 0), inner 0.75 (class 1)
        a, r = 2 * math.pi * t, 1.5 - 0.75 * side
        return torch.stack([r * a.cos(), r * a.sin()], 1), labels
    r, a = 2 * t, 1.75 * 2 * math.pi * t + math.pi * side  # spirals: 1.75 turns each, the second turned by pi
    return torch.stack([r * a.sin(), r * a.cos()], 1), labels


def make_data(spec: DataSpec) -> Data:
    """Draw ``spec.n`` points and split them at random into a training and a test set.

    One ``torch.Generator`` seeded with ``spec.seed`` draws the inputs, then the noise, then the split.
    Regression (``x`` of shape ``(n, 1)``): sine ``sin(pi x)``, step ``[x > 0]`` and abs ``|x|`` with
    ``x ~ U(-1, 1)``; cubic ``5 + 1.2x - 3.4x^2/2! + 5.6x^3/3!`` with ``x ~ N(0, 1)``; ``y`` plus
    ``N(0, (noise * NOISE_SCALE)^2)``. Classification (``x`` of shape ``(n, 2)``, roughly in ``[-2, 2]``): moons,
    circles, xor, spirals (2 classes) and blobs (3 classes), balanced, labels from the clean points, then
    ``N(0, (noise * NOISE_SCALE)^2)`` added to each coordinate.

    Args:
        spec: the settings; every field is validated.

    Returns:
        :class:`Data` with ``round(n * train_frac)`` training points, clamped to ``[1, n - 1]``.
    """
    check_choice("dataset", spec.dataset, TASKS)
    check_int("n", spec.n, *N_RANGE)
    check_float("noise", spec.noise, *NOISE_RANGE)
    check_float("train_frac", spec.train_frac, *TRAIN_FRAC_RANGE)
    check_int("seed", spec.seed, 0, MAX_SEED)
    g = torch.Generator().manual_seed(spec.seed)
    task, std = TASKS[spec.dataset], spec.noise * NOISE_SCALE[spec.dataset]
    if task == "regression":
        x, y = regression_points(spec.dataset, spec.n, g)
        y = y + std * torch.randn(spec.n, generator=g, **F64)
    else:
        x, y = classification_points(spec.dataset, spec.n, g)
        x = x + std * torch.randn(spec.n, 2, generator=g, **F64)
    perm = torch.randperm(spec.n, generator=g)
    n_train = min(max(round(spec.n * spec.train_frac), 1), spec.n - 1)
    tr, te = perm[:n_train], perm[n_train:]
    n_classes = 0 if task == "regression" else 3 if spec.dataset == "blobs" else 2
    return Data(task, n_classes, x[tr], y[tr], x[te], y[te])
