"""The Activations page's settings (URL keys ``act_<field>``) and the data set and models they ask for."""

from __future__ import annotations

from dataclasses import dataclass

from components.compute.activations import CURVE_RANGE
from components.compute.datasets import DataSpec
from components.compute.fit_models import ACTIVATIONS, MAX_LAYERS, ModelSpec, TrainSpec
from components.ui.i18n import t
from components.ui.present import controls
from components.ui.state import bound, setting, url_choice

DATASETS = ("xor", "circles", "moons", "spirals", "blobs")
ORDER = ("relu", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softplus", "identity")
assert set(ORDER) == set(ACTIVATIONS)
WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)
LRS = (1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
BATCHES = (0, 1, 5, 10, 25, 50)  # 0: the whole training set at once
TRAIN_FRAC = 0.5


@dataclass(frozen=True)
class ActSettings:
    """The page's shareable settings."""

    view: str = "curves"
    curve: str = "tanh"
    x: float = 1.0
    dataset: str = "xor"
    n: int = 200
    noise: float = 0.2
    seed: int = 0
    layers: int = 2
    width1: int = 8
    width2: int = 8
    width3: int = 8
    width4: int = 8
    act1: str = "tanh"
    act2: str = "tanh"
    act3: str = "tanh"
    act4: str = "tanh"
    features: bool = False
    optimizer: str = "adam"
    lr: float = 0.03
    epochs: int = 300
    batch: int = 10


D = ActSettings()


def curve_setting() -> tuple[str, float]:
    """The curve's activation and x as the curves tab has them, also while it is closed (then from the link)."""
    x = setting("act_x", D.x, lambda v: CURVE_RANGE[0] <= v <= CURVE_RANGE[1])  # as the slider treats a link's
    return setting("act_curve", D.curve, lambda v: v in ORDER), round(x, 1)


def act_label(name: str) -> str:
    return t(f"act.functions.{name}")


def data_controls() -> DataSpec:
    sb = controls()
    sb.subheader(t("fit.data"))
    dataset = url_choice(sb.selectbox, t("fit.dataset"), DATASETS, "act_dataset", D.dataset,
                         format_func=lambda k: t(f"fit.sets.{k}"))  # fmt: skip
    n = sb.slider(t("fit.n"), 20, 500, D.n, step=10, **bound("act_n"))
    noise = sb.slider(t("fit.noise"), 0.0, 1.0, D.noise, step=0.05, help=t("fit.noise_help"), **bound("act_noise"))
    seed = sb.number_input(t("fit.seed"), 0, 9999, D.seed, help=t("fit.seed_help"), **bound("act_seed"))
    return DataSpec(dataset, n, round(noise, 2), TRAIN_FRAC, int(seed))


def network_controls() -> ModelSpec:
    sb = controls()
    sb.subheader(t("act.network"))
    layers = sb.slider(t("fit.layers"), 0, MAX_LAYERS, D.layers, help=t("fit.layers_help"), **bound("act_layers"))
    acts, widths = [], []
    for i in range(1, layers + 1):
        left, right = sb.columns([3, 2])
        acts.append(url_choice(left.selectbox, t("act.layer_act", k=i), ORDER, f"act_act{i}", getattr(D, f"act{i}"),
                               format_func=act_label))  # fmt: skip
        widths.append(url_choice(right.selectbox, t("act.layer_width", k=i), WIDTHS, f"act_width{i}",
                                 getattr(D, f"width{i}")))  # fmt: skip
    return ModelSpec("mlp", layers=layers, width=max(widths, default=1), activations=tuple(acts),
                     widths=tuple(widths))  # fmt: skip


def features_control() -> bool:
    return controls().toggle(t("act.features"), D.features, **bound("act_features"))


def train_controls() -> TrainSpec:
    sb = controls()
    sb.subheader(t("fit.training"))
    optimizer = url_choice(sb.selectbox, t("fit.optimizer"), ["adam", "sgd"], "act_optimizer", D.optimizer,
                           format_func=lambda k: t(f"fit.optimizers.{k}"))  # fmt: skip
    lr = url_choice(sb.select_slider, t("fit.lr"), LRS, "act_lr", D.lr, format_func=lambda v: f"{v:g}")
    epochs = sb.slider(t("fit.epochs"), 10, 2000, D.epochs, step=10, **bound("act_epochs"))
    batch = url_choice(
        sb.select_slider, t("fit.batch"), BATCHES, "act_batch", D.batch, help=t("fit.batch_help"),
        format_func=lambda b: t("fit.full_batch") if b == 0 else str(b),
    )  # fmt: skip
    return TrainSpec(optimizer, lr, epochs, batch)


def linear_model(features: bool) -> ModelSpec:
    """The linear model beside the network: one ``nn.Linear`` on ``(x₁, x₂)``, or with ``features`` on
    ``(x₁, x₂, x₁², x₁x₂, x₂²)`` — a degree-2 polynomial model: still linear in its weights."""
    return ModelSpec("poly", degree=2) if features else ModelSpec("mlp", layers=0)
