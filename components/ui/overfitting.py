"""Overfitting page helpers: settings, live (chunked, resumable) training, the capacity sweep."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace

import streamlit as st

from components.compute.datasets import TASKS, DataSpec
from components.compute.overfitting import MAX_EPOCHS, ModelSpec, Trainer, TrainSpec, capacities, fit
from components.ui.i18n import t
from components.ui.lesson import Step
from components.ui.live_training import data_for
from components.ui.present import controls
from components.ui.state import bound, url_choice

LRS = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
BATCHES = [0, 1, 2, 4, 8, 16, 32, 64, 128]  # 0: the whole training set at once
DECAYS = [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0]
TRAINING, SWEEP = "_fit_training", "_fit_sweep"  # session keys (no "fit_" prefix: the reset must not drop them)


@dataclass(frozen=True)
class FitSettings:
    """The page's shareable settings (URL keys ``fit_<field>``)."""

    dataset: str = "sine"
    n: int = 30
    noise: float = 0.3
    train_frac: int = 50
    # Seed 83: every test point lies inside the training points' range (a polynomial is judged on interpolation,
    # not on extrapolation) and the capacity sweep's test loss is a U; tests/app/test_overfitting_page.py checks both.
    seed: int = 83
    model: str = "poly"
    degree: int = 3
    layers: int = 2
    width: int = 32
    activation: str = "relu"
    dropout: float = 0.0
    optimizer: str = "adam"
    lr: float = 0.03
    epochs: int = 1000
    batch: int = 0
    weight_decay: float = 0.0
    early_stop: bool = False


def data_controls() -> DataSpec:
    d, sb = FitSettings(), controls()
    sb.subheader(t("fit.data"))
    dataset = url_choice(
        sb.selectbox, t("fit.dataset"), list(TASKS), "fit_dataset", d.dataset, format_func=lambda k: t(f"fit.sets.{k}")
    )
    n = sb.slider(t("fit.n"), 10, 500, d.n, step=5, **bound("fit_n"))
    noise = sb.slider(t("fit.noise"), 0.0, 1.0, d.noise, step=0.05, help=t("fit.noise_help"), **bound("fit_noise"))
    frac = sb.slider(
        t("fit.train_frac"), 10, 90, d.train_frac, step=5, format="%d%%", help=t("fit.train_frac_help"),
        **bound("fit_train_frac"),
    )  # fmt: skip
    seed = sb.number_input(t("fit.seed"), 0, 9999, d.seed, help=t("fit.seed_help"), **bound("fit_seed"))
    return DataSpec(dataset, n, round(noise, 2), frac / 100, int(seed))  # round: a dragged 0.35000000000000003


def model_controls() -> ModelSpec:
    d, sb = FitSettings(), controls()
    sb.subheader(t("fit.model"))
    kind = url_choice(
        sb.radio, t("fit.capacity"), ["poly", "mlp"], "fit_model", d.model, format_func=lambda k: t(f"fit.kinds.{k}"),
        help=t("fit.capacity_help"),
    )  # fmt: skip
    if kind == "poly":
        degree = sb.slider(t("fit.degree"), 1, 20, d.degree, help=t("fit.degree_help"), **bound("fit_degree"))
        return ModelSpec("poly", degree=degree)
    layers = sb.slider(t("fit.layers"), 0, 4, d.layers, help=t("fit.layers_help"), **bound("fit_layers"))
    width = sb.slider(t("fit.width"), 1, 128, d.width, disabled=layers == 0, **bound("fit_width"))
    activation = url_choice(
        sb.selectbox, t("fit.activation"), ["relu", "tanh", "sigmoid"], "fit_activation", d.activation,
        disabled=layers == 0,
    )  # fmt: skip
    dropout = sb.slider(
        t("fit.dropout"), 0.0, 0.8, d.dropout, step=0.05, disabled=layers == 0, help=t("fit.dropout_help"),
        **bound("fit_dropout"),
    )  # fmt: skip
    return ModelSpec("mlp", layers=layers, width=width, activation=activation, dropout=round(dropout, 2))


def train_controls() -> TrainSpec:
    d, sb = FitSettings(), controls()
    sb.subheader(t("fit.training"))
    optimizer = url_choice(
        sb.selectbox, t("fit.optimizer"), ["adam", "sgd"], "fit_optimizer", d.optimizer,
        format_func=lambda k: t(f"fit.optimizers.{k}"),
    )  # fmt: skip
    lr = sb.select_slider(t("fit.lr"), LRS, d.lr, format_func=lambda v: f"{v:g}", **bound("fit_lr"))
    epochs = sb.slider(t("fit.epochs"), 10, MAX_EPOCHS, d.epochs, step=10, **bound("fit_epochs"))
    batch = sb.select_slider(
        t("fit.batch"), BATCHES, d.batch, format_func=lambda b: t("fit.full_batch") if b == 0 else str(b),
        help=t("fit.batch_help"), **bound("fit_batch"),
    )  # fmt: skip
    decay = sb.select_slider(
        t("fit.weight_decay"), DECAYS, d.weight_decay, format_func=lambda v: f"{v:g}", help=t("fit.weight_decay_help"),
        **bound("fit_weight_decay"),
    )  # fmt: skip
    early = sb.toggle(t("fit.early_stop"), d.early_stop, **bound("fit_early_stop"))
    sb.caption(t("fit.early_stop_help"))  # not help=: tapping a switch's "?" on a whiteboard flips the switch
    return TrainSpec(optimizer, lr, epochs, batch, decay, early, patience=max(20, epochs // 10))


def curves_csv(trainer: Trainer) -> str:
    out = io.StringIO()
    out.write("epoch,train_loss,test_loss\n")
    for e, (a, b) in enumerate(zip(trainer.train_losses, trainer.test_losses, strict=True)):
        out.write(f"{e},{a:.10g},{b:.10g}\n")
    return out.getvalue()


def capacity_of(model: ModelSpec) -> int:
    return model.degree if model.kind == "poly" else model.width


def with_capacity(model: ModelSpec, c: int) -> ModelSpec:
    return replace(model, degree=c) if model.kind == "poly" else replace(model, width=c)


@dataclass
class Sweep:
    """The capacity sweep for one set of settings (all but the capacity); results grow, a rerun continues it."""

    key: tuple
    capacities: list[int]
    train: list[float]
    test: list[float]
    running: bool = True


def sweep_key(data_spec: DataSpec, model: ModelSpec, train: TrainSpec) -> tuple:
    return data_spec, with_capacity(model, 0), train


def start_sweep(key: tuple, model: ModelSpec) -> None:
    st.session_state[SWEEP] = Sweep(key, capacities(model), [], [])


def stop_sweep() -> None:
    if SWEEP in st.session_state:
        st.session_state[SWEEP].running = False


def run_sweep(sweep: Sweep, draw: Callable[[Sweep], None]) -> None:
    """Train one model per capacity still missing, drawing after each."""
    data_spec, model, train = sweep.key
    data = data_for(data_spec)
    while sweep.running and len(sweep.train) < len(sweep.capacities):
        c = sweep.capacities[len(sweep.train)]
        a, b = fit(data, with_capacity(model, c), train, seed=data_spec.seed).final()
        sweep.train.append(a)
        sweep.test.append(b)
        draw(sweep)
    sweep.running = False


# The page's lesson steps (words in the catalogs under ``lessons.<prefix>.<id>``).
STEPS = (
    Step("underfit", {"fit_degree": 1}, ("fit_degree",)),
    Step("right", {"fit_degree": 3}, ("fit_degree",)),
    Step("overfit", {"fit_degree": 15}, ("fit_degree",)),
    Step("more_data", {"fit_degree": 15, "fit_n": 200}, ("fit_n",)),
    Step("weight_decay", {"fit_degree": 15, "fit_weight_decay": 1e-3}, ("fit_weight_decay",)),
)
