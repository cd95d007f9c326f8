"""Live training for the model pages (Overfitting, Activations): one shared run per experiment, watched live.

A page asks :func:`current_training` for the run of its settings under its own session key; the server's
``TrainingPool`` trains it (the same settings in another session attach to the same run) while
:func:`train_live` redraws the page's pictures whenever it has moved on. Also the data sets (cached per
server) and the picture of a trained model over its data (a curve or the decision regions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st
import torch
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components.compute.datasets import Data, DataSpec, make_data
from components.compute.overfitting import ModelSpec, Trainer, TrainSpec
from components.figures.overfitting import regions_image
from components.ui.i18n import t
from components.ui.shared import SharedRun, TrainingPool

FIRST_PAINT_SECONDS = 0.15  # a new run waits this long: its first picture reaches the browser on a quiet CPU
UPDATE_SECONDS = 0.08  # between two redraws of the curves, at least (plus ~20-60 ms drawing: > 5 per second)
GRID = 80  # decision-region picture: GRID x GRID model evaluations
T = TypeVar("T")


@st.cache_resource(max_entries=32, show_spinner=False)
def data_for(spec: DataSpec) -> Data:
    return make_data(spec)


# One per server: every session's runs. Turns of 25 ms: a redraw waits for the turn in progress (the run's lock).
POOL = TrainingPool(workers=1, first_paint=FIRST_PAINT_SECONDS, turn_seconds=0.025)
DRAW_SECONDS = 0.025  # what one redraw of the curves costs the server, about
DRAW_SHARE = 0.4  # of one core, at most, for redrawing every watching session's curves


@dataclass
class Training:
    """This session's view of a shared run (``TrainingPool``): the same settings, the same run, for everyone.

    Attributes:
        stopped: this session stopped watching ("Stop"); the run goes on only if others watch it.
        shown: ``(epoch, done)`` this session drew last.
    """

    key: tuple
    run: SharedRun
    stopped: bool = False
    shown: tuple[int, bool] | None = None

    def read(self, look: Callable[[Trainer], T]) -> T:
        """``look(trainer)`` while no worker trains it (save the curves)."""
        with self.run.lock:
            return look(self.run.trainer)

    def show(self, draw: Callable[[Trainer], None]) -> None:
        """``draw(trainer)`` while no worker trains it, remembering what was drawn."""
        with self.run.lock:
            draw(self.run.trainer)
            self.shown = (self.run.trainer.epoch, self.run.done)


def _viewer() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "bare"


def _make(key: tuple) -> Callable[[], Trainer]:
    data_spec, model, train = key
    return lambda: Trainer(data_for(data_spec), model, train, seed=data_spec.seed)


def current_training(slot: str, data_spec: DataSpec, model: ModelSpec, train: TrainSpec) -> Training:
    """This session's run for these settings, kept in session key ``slot`` (one per page): the server's run for
    them (shared with every session that has the same settings), started if there is none; new settings leave
    the old run."""
    key = (data_spec, model, train)
    return current_run(slot, key, _make(key))


def current_run(slot: str, key: tuple, make: Callable[[], object]) -> Training:
    """:func:`current_training` for any trainer: ``make()`` builds it (an object with ``run(epochs)``, ``epoch``
    and ``done``, e.g. the Embeddings page's) when the server has no run for ``key`` yet."""
    held = st.session_state.get(slot)
    if held is None or held.key != key:
        if held is not None:
            POOL.leave(held.run, _viewer())
        held = Training(key, POOL.attach(key, make))
        st.session_state[slot] = held
    return held


def stop(slot: str) -> None:
    """ "Stop" (a button's ``on_click`` with ``args=(slot,)``): this session stops watching its run."""
    held = st.session_state.get(slot)
    if held is not None:
        held.stopped = True
        POOL.leave(held.run, _viewer())


def restart(slot: str) -> None:
    """ "Train again": a fresh run of the same settings."""
    held = st.session_state.get(slot)
    if held is not None:
        POOL.leave(held.run, _viewer())
        st.session_state[slot] = Training(held.key, POOL.fresh(held.key, _make(held.key)))


def draw_interval() -> float:
    """Seconds between two redraws: ~``UPDATE_SECONDS``, longer when many sessions watch (each redraw costs
    the server ~``DRAW_SECONDS``; together they may take ``DRAW_SHARE`` of a core)."""
    return max(UPDATE_SECONDS, POOL.viewers() * DRAW_SECONDS / DRAW_SHARE)


def train_live(held: Training, draw: Callable[[Trainer], None]) -> None:
    """Watch the shared run until it is done, redrawing whenever it has moved on; a rerun (any click)
    interrupts the watching, not the run (the next run finds it further on), unless it was stopped."""
    if held.stopped:
        return
    viewer, drawn = _viewer(), held.shown
    while True:
        POOL.watch(held.run, viewer)
        state = held.read(lambda tr: (tr.epoch, held.run.done))
        if state != drawn:
            held.show(draw)
            drawn = state
        if state[1]:
            POOL.leave(held.run, viewer)
            if held.run.error is not None:
                st.error(t("fit.training_failed", error=type(held.run.error).__name__), icon=":material/error:")
            return
        held.run.wait(draw_interval())


def plane_grid(data: Data, size: int = GRID) -> tuple[torch.Tensor, tuple[float, float], tuple[float, float]]:
    """``size * size`` points ``(size², 2)`` (rows from the lowest ``x₂`` up) over the 2-D data's range plus a
    margin, and that range ``(x_lo, x_hi), (y_lo, y_hi)``."""
    x = torch.cat([data.x_train, data.x_test])
    lo, hi = x.min(0).values, x.max(0).values
    pad = 0.1 * (hi - lo) + 0.1
    lo, hi = lo - pad, hi + pad
    gx = torch.linspace(float(lo[0]), float(hi[0]), size, dtype=torch.float64)
    gy = torch.linspace(float(lo[1]), float(hi[1]), size, dtype=torch.float64)
    yy, xx = torch.meshgrid(gy, gx, indexing="ij")
    return torch.stack([xx.ravel(), yy.ravel()], 1), (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def fit_picture(data: Data, trainer: Trainer) -> tuple[torch.Tensor, torch.Tensor] | dict:
    """The model over the data's range: a curve (regression) or the decision regions (classification)."""
    if data.task == "regression":
        x = torch.cat([data.x_train, data.x_test])[:, 0]
        lo, hi = float(x.min()), float(x.max())
        pad = 0.1 * (hi - lo) + 0.1
        xs = torch.linspace(lo - pad, hi + pad, 200, dtype=torch.float64)
        return xs, trainer.predict(xs[:, None])
    points, x_range, y_range = plane_grid(data)
    return regions_image(trainer.predict(points).reshape(GRID, GRID, -1), x_range, y_range)
