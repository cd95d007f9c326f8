"""Overfitting · 过拟合: a model learns a training set; the test set shows when it memorises instead."""

import math

import streamlit as st

from components.compute.fit_models import loss_name
from components.figures.numbers import fmt_percent, fmt_short
from components.figures.overfitting import sweep_figure, training_figure
from components.snippets.overfitting import training_code
from components.ui.code_panel import code_panel
from components.ui.i18n import t
from components.ui.lesson import Lesson, is_hidden, masked, page_header
from components.ui.live_training import current_training, data_for, fit_picture, restart, stop, train_live
from components.ui.overfitting import (
    STEPS,
    SWEEP,
    TRAINING,
    FitSettings,
    Sweep,
    capacity_of,
    curves_csv,
    data_controls,
    model_controls,
    run_sweep,
    start_sweep,
    stop_sweep,
    sweep_key,
    train_controls,
)
from components.ui.present import page_explanation
from components.ui.projector import show_figure
from components.ui.state import reset_button

page_header("fit", Lesson("fit", FitSettings, STEPS))

data_spec = data_controls()
model = model_controls()
train = train_controls()
reset_button("fit", FitSettings)

data = data_for(data_spec)
run = current_training(TRAINING, data_spec, model, train)
st.caption(t(f"fit.loss_{loss_name(data.task)}", n_train=len(data.y_train), n_test=len(data.y_test)))

# A row sized by its buttons' labels (fixed columns cut "Train again" to "Tra…" at 1024 px), the bar takes the rest.
buttons = st.container(horizontal=True, vertical_alignment="center")
buttons.button(t("fit.train"), on_click=restart, args=(TRAINING,), icon=":material/play_arrow:", key="fit_train_button")
buttons.button(t("fit.stop"), on_click=stop, args=(TRAINING,), icon=":material/stop:", key="fit_stop_button")
progress = buttons.empty()
chart = st.container(key="fit_chart").empty()
numbers = st.empty()
LABELS = ("train", "test", "model", "train_loss", "test_loss", "best", "epoch", "loss")
labels = {k: t(f"fit.label_{k}") for k in LABELS}
labels |= {"x": "x" if data.task == "regression" else "x₁", "y": "y" if data.task == "regression" else "x₂"}


drawn: set[tuple[int, bool]] = set()  # (epoch, hidden) of the figures this run drew: within a run the figure is
# a function of those two (the settings are fixed, training is seeded), so the same pair is the same figure


def draw(tr) -> None:
    """Curves, fit, progress and numbers as they are now (called after every chunk of training)."""
    st.session_state["fit_result"] = tr  # what the page shows (tests compare the code panel with it)
    hidden = is_hidden()  # "Predict first": the test curve would give the test loss away
    best = tr.best_epoch if tr.epoch > 0 and not hidden else None
    test_curve = [math.nan] * len(tr.test_losses) if hidden else tr.test_losses
    seen = (tr.epoch, hidden)
    if seen not in drawn:  # the same figure again in a run: nothing new to build or send
        drawn.add(seen)
        fig = training_figure(
            (data.x_train, data.y_train), (data.x_test, data.y_test), data.n_classes, fit_picture(data, tr),
            (tr.train_losses, test_curve), best, labels, train.epochs,
        )  # fmt: skip
        with chart:
            show_figure(fig, key="fit_curves", fit="fit_chart")
    progress.progress(tr.epoch / train.epochs, text=_status(tr))
    if tr.epoch == 0:
        numbers.empty()
        return
    (a, b), accuracy = tr.final(), tr.final_accuracy()
    with numbers.container():
        m = st.columns(4)
        m[0].metric(t("fit.m_train"), fmt_short(a))
        m[1].metric(t("fit.m_test"), masked(fmt_short(b)))  # the lesson's key number: predicted first
        m[2].metric(t("fit.m_gap"), masked(fmt_short(b - a)), help=t("fit.m_gap_help"))
        m[3].metric(t("fit.m_best"), str(tr.best_epoch), help=t("fit.m_best_help"))
        if accuracy is not None:  # classification: the share of points in the right class, beside the loss
            m = st.columns(4)
            m[0].metric(t("fit.m_train_acc"), fmt_percent(accuracy[0]))
            m[1].metric(t("fit.m_test_acc"), masked(fmt_percent(accuracy[1])), help=t("fit.m_acc_help"))
        if tr.diverged_at is not None:
            st.error(t("fit.diverged", k=tr.diverged_at), icon=":material/trending_up:")
        elif tr.stopped_at is not None:
            st.caption(t("fit.restored", best=tr.best_epoch, k=tr.stopped_at))


def _status(tr) -> str:
    if tr.diverged_at is not None:
        return t("fit.status_diverged", k=tr.diverged_at)
    if tr.stopped_at is not None:
        return t("fit.status_early", k=tr.stopped_at, best=tr.best_epoch)
    if run.stopped and not tr.done:
        return t("fit.status_stopped", k=tr.epoch, total=train.epochs)
    if tr.done:
        return t("fit.status_done", total=tr.epoch)
    return t("fit.status_running", k=tr.epoch, total=train.epochs)


run.show(draw)

st.subheader(t("fit.sweep_title"))
st.markdown(t("fit.sweep_idea"))
key = sweep_key(data_spec, model, train)
sweep = st.session_state.get(SWEEP)
cols = st.container(horizontal=True, vertical_alignment="center")
cols.button(t("fit.sweep_run"), on_click=start_sweep, args=(key, model), key="fit_sweep_button",
            icon=":material/stacked_line_chart:")  # fmt: skip
cols.button(t("fit.stop"), on_click=stop_sweep, icon=":material/stop:", key="fit_sweep_stop")
sweep_progress = cols.empty()
sweep_chart = st.container(key="fit_sweep").empty()
sweep_labels = {
    "train_loss": labels["train_loss"],
    "test_loss": labels["test_loss"],
    "loss": labels["loss"],
    "current": t("fit.sweep_current"),
    "capacity": t(f"fit.sweep_axis_{model.kind}"),
    "capacity_axis": "linear" if model.kind == "poly" else "log",
}


def draw_sweep(s: Sweep) -> None:
    done = len(s.train)
    stopped = not s.running and done < len(s.capacities)
    status = t("fit.sweep_stopped" if stopped else "fit.sweep_status", k=done, n=len(s.capacities))
    sweep_progress.progress(done / len(s.capacities), text=status)
    if done:
        fig = sweep_figure(s.capacities[:done], s.train, s.test, capacity_of(model), sweep_labels)
        with sweep_chart:
            show_figure(fig, key="fit_sweep_chart")


if sweep is not None and sweep.key == key:
    draw_sweep(sweep)
elif sweep is not None:
    st.caption(t("fit.sweep_outdated"))

csv_slot = st.empty()
code_panel(training_code(data_spec, model, train), "overfitting.py")
page_explanation("overfitting")

# Last, so the whole page is there while the model trains: the curves grow in place, any click interrupts
# (a rerun with the same settings continues where it stopped).
train_live(run, draw)
csv_slot.download_button(
    t("fit.csv"), run.read(curves_csv), file_name="loss_curves.csv", mime="text/csv", icon=":material/download:"
)
if sweep is not None and sweep.key == key and sweep.running:
    run_sweep(sweep, draw_sweep)
