"""The Activations page's views: the curve of one activation, the two models' regions, the collapse of an
all-linear network and the plane after each layer."""

from __future__ import annotations

import math

import streamlit as st
import torch

from components.compute.activations import (
    CURVE_RANGE,
    VANISHING,
    collapse,
    curve,
    grid_lines,
    is_linear_stack,
    layer_outputs,
    plane_view,
    vanishing_spans,
)
from components.compute.datasets import Data, DataSpec
from components.compute.fit_models import ModelSpec, TrainSpec
from components.compute.overfitting import Trainer, fit
from components.figures.activations import curve_figure, layers_figure, regions_figure
from components.figures.numbers import fmt_percent, fmt_short
from components.figures.overfitting import regions_image
from components.ui.activations.controls import ORDER, D, act_label
from components.ui.i18n import t
from components.ui.live_training import GRID, data_for, fit_picture, plane_grid
from components.ui.projector import show_figure
from components.ui.state import bound, url_choice
from components.ui.tables import static_table

CURVE_POINTS = 401


def curve_controls() -> tuple[str, float]:
    left, right = st.columns([2, 3])
    name = url_choice(left.selectbox, t("act.curve"), ORDER, "act_curve", D.curve, format_func=act_label)
    x0 = right.slider(t("act.x"), *CURVE_RANGE, D.x, step=0.1, help=t("act.x_help"), **bound("act_x"))
    return name, round(float(x0), 1)


def curve_view(name: str, x0: float) -> None:
    """The curve and its derivative, the numbers at ``x0`` and where the gradient vanishes."""
    half = CURVE_POINTS // 2  # an exact grid: x = 0 is a point, not -2.8e-16
    xs = torch.arange(-half, half + 1, dtype=torch.float64) * (CURVE_RANGE[1] / half)
    f, df = curve(name, xs)
    f0, d0 = (float(v) for v in curve(name, torch.tensor([x0], dtype=torch.float64)))
    spans = vanishing_spans(xs, df)
    st.session_state["act_curve_result"] = {"name": name, "x": x0, "f": f0, "df": d0, "max_df": float(df.max())}
    labels = {"f": t("act.f", name=act_label(name)), "df": t("act.df"), "x": "x", "tangent": t("act.tangent"),
              "vanished": t("act.vanished", below=VANISHING)}  # fmt: skip
    show_figure(curve_figure(xs, f, df, spans, x0, (f0, d0), labels), key="act_curves", fit="act_curves_box")
    m = st.columns(3)
    m[0].metric(t("act.m_f", x=f"{x0:g}"), fmt_short(f0, 4))
    m[1].metric(t("act.m_df", x=f"{x0:g}"), fmt_short(d0, 4), help=t("act.m_df_help"))
    m[2].metric(t("act.m_max"), fmt_short(float(df.max()), 4), help=t("act.m_max_help"))
    note = t(f"act.notes.{name}")
    if spans:
        where = ", ".join(f"[{round(a, 2) + 0:g}, {round(b, 2) + 0:g}]" for a, b in spans)
        note += " " + t("act.vanished_where", below=VANISHING, where=where)
    st.markdown(note)


@st.cache_resource(max_entries=64, show_spinner=False)
def linear_fit(data_spec: DataSpec, model: ModelSpec, train: TrainSpec) -> tuple[Trainer, dict]:
    """The linear model beside the network, trained to the end with the same settings and seed, and its
    decision regions (drawn once: the network's are redrawn live beside them)."""
    data = data_for(data_spec)
    trainer = fit(data, model, train, seed=data_spec.seed)
    return trainer, fit_picture(data, trainer)


def _labels() -> dict[str, str]:
    return {"train": t("fit.label_train"), "test": t("fit.label_test"), "x": "x₁", "y": "x₂"}


def network_figure(data: Data, net: Trainer) -> None:
    """The network's regions: redrawn live while it trains."""
    fig = regions_figure((data.x_train, data.y_train), (data.x_test, data.y_test), data.n_classes,
                         [fit_picture(data, net)], [t("act.net_title", acc=_acc(net))], _labels())  # fmt: skip
    show_figure(fig, key="act_regions", fit="act_regions_box")


def linear_figure(data: Data, linear: tuple[Trainer, dict], features: bool, hidden: bool) -> None:
    """The linear model's regions, beside the network's (trained at once: drawn once per run of the page)."""
    trainer, picture = linear
    title = t("act.linear_features_title" if features else "act.linear_title", acc=_acc(trainer, hidden))
    fig = regions_figure((data.x_train, data.y_train), (data.x_test, data.y_test), data.n_classes, [picture],
                         [title], _labels())  # fmt: skip
    show_figure(fig, key="act_linear", fit="act_regions_box")


def _acc(trainer: Trainer, hidden: bool = False) -> str:
    acc = trainer.final_accuracy()
    return "?" if acc is None or hidden else fmt_percent(acc[1])


def accuracy_rows(net: Trainer, linear: Trainer, hidden: bool) -> list[dict[str, str]]:
    rows = []
    for label, tr in ((t("act.the_network"), net), (t("act.the_linear"), linear)):
        acc = tr.final_accuracy() or (math.nan, math.nan)
        test = "?" if hidden and tr is linear else fmt_percent(acc[1])
        rows.append({t("act.col_model"): label, t("fit.m_train_acc"): fmt_percent(acc[0]),
                     t("fit.m_test_acc"): test, t("act.col_loss"): fmt_short(tr.final()[0])})  # fmt: skip
    return rows


MAX_SHOWN = 16  # a layer's weights are listed up to this many numbers (the code panel prints them all)


def _matrix(m: torch.Tensor) -> str:
    if m.numel() > MAX_SHOWN:
        return t("act.many_numbers", n=m.numel())
    rows = m.reshape(m.shape[0], -1).tolist()
    return "[" + "; ".join(", ".join(f"{v:.3f}" for v in r) for r in rows) + "]"


def collapse_view(data: Data, net: Trainer) -> None:
    """All-Identity network: its layers multiplied into one ``W``, ``b``, whose boundary is the network's."""
    model = net.model
    if not is_linear_stack(model):
        st.info(t("act.not_linear"), icon=":material/info:")
        return
    w, b = collapse(model)
    points, x_range, y_range = plane_grid(data)
    with torch.no_grad():
        deep = model(points)
        one = points @ w.T + b
    diff = float((deep - one).abs().max())
    st.session_state["act_collapse"] = {"w": w, "b": b, "max_diff": diff}
    layers = [m for m in model if isinstance(m, torch.nn.Linear)]
    rows = [{t("act.col_layer"): f"W{k + 1}", t("act.col_shape"): " × ".join(map(str, m.weight.shape)),
             t("act.col_values"): _matrix(m.weight.detach())} for k, m in enumerate(layers)]  # fmt: skip
    rows.append({t("act.col_layer"): "W = " + "".join(f"W{k}" for k in range(len(layers), 0, -1)),
                 t("act.col_shape"): " × ".join(map(str, w.shape)), t("act.col_values"): _matrix(w)})  # fmt: skip
    rows.append({t("act.col_layer"): "b", t("act.col_shape"): str(b.shape[0]),
                 t("act.col_values"): _matrix(b[:, None])})  # fmt: skip
    static_table(rows)
    st.markdown(t("act.collapse_result", diff=f"{diff:.1e}", layers=len(layers)))
    probs = torch.softmax(one, 1).reshape(GRID, GRID, -1)
    fig = regions_figure((data.x_train, data.y_train), (data.x_test, data.y_test), data.n_classes,
                         [fit_picture(data, net), regions_image(probs, x_range, y_range)],
                         [t("act.deep_title", layers=len(layers)), t("act.one_title")], _labels())  # fmt: skip
    show_figure(fig, key="act_collapsed")


def layers_view(data: Data, net: Trainer) -> None:
    """The data and a grid of lines after each Linear and each activation of the trained network."""
    x = torch.cat([data.x_train, data.x_test])
    y = torch.cat([data.y_train, data.y_test])
    _, x_range, y_range = plane_grid(data, 2)
    lines = grid_lines(x_range, y_range)
    n_lines, n_pts = lines.shape[:2]
    stages = [(t("act.stage_input"), x, lines)]
    point_stages = layer_outputs(net.model, x)
    line_stages = layer_outputs(net.model, lines.reshape(-1, 2))
    projected = False
    n_linear = max(k for _, k, _ in point_stages)  # the last Linear gives the logits
    for (kind, k, h), (_, _, hl) in zip(point_stages, line_stages, strict=True):
        xy, mean, v = plane_view(h)
        xl, _, _ = plane_view(hl, (mean, v))
        projected |= h.shape[1] > 2
        last = kind == "linear" and k == n_linear
        title = t("act.stage_logits" if last else "act.stage_linear" if kind == "linear" else "act.stage_act",
                  k=k, w=h.shape[1])  # fmt: skip
        stages.append((title, xy, xl.reshape(n_lines, n_pts, 2)))
    show_figure(layers_figure(stages, y, data.n_classes, boundary=data.n_classes == 2), key="act_layers_fig")
    if projected:
        st.caption(t("act.projected"))
