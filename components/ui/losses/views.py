"""The Loss functions page: settings (URL keys ``loss_<field>``) and the three tabs' views."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch

from components.compute import losses as L
from components.figures.losses import bars_panel, curves_panel, fit_panel
from components.figures.numbers import fmt_short
from components.figures.panels import dots, line, panels_figure
from components.figures.theme import PALETTE
from components.ui.i18n import t
from components.ui.lesson import is_hidden, masked
from components.ui.projector import show_figure
from components.ui.state import bound, setting, url_choice
from components.ui.tables import static_table

TEMPS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
REDUCTIONS = ("mean", "sum", "none")
W_RANGE, B_RANGE = (-1.0, 3.0), (-3.0, 5.0)
CURVE_WS = torch.linspace(*W_RANGE, 201, dtype=torch.float64)


@dataclass(frozen=True)
class LossSettings:
    view: str = "regression"
    w: float = 0.5
    b: float = 1.0
    outlier: float = 0.0
    delta: float = 1.0
    best: bool = True
    classes: int = 3
    true: int = 0
    temp: float = 1.0
    z1: float = 2.0
    z2: float = 1.0
    z3: float = 0.1
    z4: float = -1.0
    z5: float = 0.5
    seed: int = 0
    reduction: str = "mean"


D = LossSettings()


def _num(v: float) -> str:
    return fmt_short(v, 4)


# --- regression ------------------------------------------------------------------------------------------------


def regression_controls() -> tuple[float, float, float, float, bool]:
    a, b = st.columns(2)
    w = a.slider(t("loss.w"), *W_RANGE, D.w, step=0.05, **bound("loss_w"))
    bias = b.slider(t("loss.b"), *B_RANGE, D.b, step=0.1, **bound("loss_b"))
    a, b = st.columns(2)
    outlier = a.slider(t("loss.outlier"), 0.0, 20.0, D.outlier, step=0.5, help=t("loss.outlier_help"),
                       **bound("loss_outlier"))  # fmt: skip
    delta = b.slider(t("loss.delta"), 0.1, 5.0, D.delta, step=0.1, help=t("loss.delta_help"), **bound("loss_delta"))
    best = st.toggle(t("loss.best"), D.best, **bound("loss_best"))
    return round(w, 2), round(bias, 2), round(outlier, 2), round(delta, 2), best


def regression_view(w: float, b: float, outlier: float, delta: float, best: bool) -> None:
    x, y = L.points(outlier)
    score = L.score_line(x, y, w, b, delta)
    st.session_state["loss_regression"] = score
    labels = {n: t(f"loss.names.{n}") for n in L.LOSSES} | {
        f"best_{n}": t("loss.best_of", name=t(f"loss.names.{n}")) for n in L.LOSSES} | {
        "residual": t("loss.residual"), "line": t("loss.line", w=f"{w:g}", b=f"{b:g}"), "points": t("loss.points"),
        "outlier": t("loss.outlier_point"), "fit_title": t("loss.fit_title"), "tangent": t("loss.tangent"),
        "loss": t("loss.loss"), "curves_title": t("loss.curves_title", b=f"{b:g}")}  # fmt: skip
    lines = {n: L.best_line(x, y, n, delta) for n in L.LOSSES} if best and not is_hidden() else {}  # predict first
    curves = L.loss_curves(x, y, CURVE_WS, b, delta)
    slopes = {n: score.grads[n][0] for n in L.LOSSES}
    fig = panels_figure([fit_panel(x, y, w, b, lines, labels),
                         curves_panel(CURVE_WS, curves, w, score.values, slopes, labels)], height=430)  # fmt: skip
    show_figure(fig, key="loss_fit", fit="loss_fit_box")
    m = st.columns(3)
    for col, n in zip(m, L.LOSSES, strict=True):
        col.metric(t(f"loss.names.{n}"), _num(score.values[n]), help=t(f"loss.help.{n}", delta=f"{delta:g}"))
    if outlier:
        clean = L.score_line(*L.points(0.0), w, b, delta).values
        st.markdown(t("loss.outlier_effect", mse=f"{score.values['mse'] / clean['mse']:.1f}",
                      mae=f"{score.values['mae'] / clean['mae']:.1f}", k=f"{outlier:g}"))  # fmt: skip
    formula_table(x, y, w, b, delta, score)


def formula_table(x: torch.Tensor, y: torch.Tensor, w: float, b: float, delta: float, score: L.LineScore) -> None:
    """Each term: the formula, its line of PyTorch, its value; the loss recomputed by hand beside it."""
    e = w * x + b - y
    huber = torch.where(e.abs() <= delta, 0.5 * e**2, delta * (e.abs() - 0.5 * delta)).mean().item()
    by_hand = {"mse": (e**2).mean().item(), "mae": e.abs().mean().item(), "huber": huber}
    rows = [{t("loss.col_term"): t("loss.term_residual"), t("loss.col_formula"): "eᵢ = w·xᵢ + b − yᵢ",
             t("loss.col_code"): "e = w * x + b - y",
             t("loss.col_value"): ", ".join(_num(v) for v in e[:3].tolist()) + ", …"}]  # fmt: skip
    formulas = {"mse": ("mean(eᵢ²)", "F.mse_loss(w * x + b, y)"), "mae": ("mean(|eᵢ|)", "F.l1_loss(w * x + b, y)"),
                "huber": ("mean(½eᵢ² if |eᵢ| ≤ δ else δ(|eᵢ| − ½δ))",
                          f"F.huber_loss(w * x + b, y, delta={delta:g})")}  # fmt: skip
    for n in L.LOSSES:
        same = abs(by_hand[n] - score.values[n]) <= 1e-12 * max(1.0, abs(by_hand[n]))
        value = f"{_num(score.values[n])} ({'=' if same else '≠'} {_num(by_hand[n])})"
        rows.append({t("loss.col_term"): t(f"loss.names.{n}"), t("loss.col_formula"): formulas[n][0],
                     t("loss.col_code"): formulas[n][1], t("loss.col_value"): value})  # fmt: skip
    value = f"{_num(score.grads['mse'][0])} (= {_num((2 * e * x).mean().item())})"
    rows.append({t("loss.col_term"): "∂MSE/∂w", t("loss.col_formula"): "mean(2·eᵢ·xᵢ)",
                 t("loss.col_code"): "loss.backward(); w.grad", t("loss.col_value"): value})  # fmt: skip
    st.markdown(t("loss.formula_idea"))
    static_table(rows)


# --- classification --------------------------------------------------------------------------------------------


def logit_setting() -> tuple[list[float], int, float]:
    """The logits, the true class and the temperature as the classification tab has them (also while closed)."""
    classes = setting("loss_classes", D.classes, lambda v: 2 <= v <= L.MAX_CLASSES)
    z = [setting(f"loss_z{i}", getattr(D, f"z{i}"), lambda v: L.LOGIT_RANGE[0] <= v <= L.LOGIT_RANGE[1])
         for i in range(1, classes + 1)]  # fmt: skip
    true = setting("loss_true", D.true, lambda v: 0 <= v < classes)
    return [float(v) for v in z], true, setting("loss_temp", D.temp, lambda v: v in TEMPS)


def classification_controls() -> tuple[list[float], int, float]:
    a, b, c = st.columns(3)
    classes = a.slider(t("loss.classes"), 2, L.MAX_CLASSES, D.classes, **bound("loss_classes"))
    true = url_choice(b.selectbox, t("loss.true"), list(range(classes)), "loss_true", D.true,
                      format_func=lambda k: t("loss.class_name", k=k))  # fmt: skip
    temp = url_choice(c.select_slider, t("loss.temp"), TEMPS, "loss_temp", D.temp, format_func=lambda v: f"{v:g}",
                      help=t("loss.temp_help"))  # fmt: skip
    cols = st.columns(classes)
    z = [cols[i - 1].slider(f"z{_sub(i - 1)}", *L.LOGIT_RANGE, getattr(D, f"z{i}"), step=0.1, **bound(f"loss_z{i}"))
         for i in range(1, classes + 1)]  # fmt: skip
    return [round(v, 2) for v in z], true, temp


def _sub(k: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(c)] for c in str(k))


def classification_view(z: list[float], true: int, temp: float) -> None:
    out = L.softmax_ce(z, true, temp)
    st.session_state["loss_softmax"] = out
    names = [f"z{_sub(i)}" for i in range(len(z))]
    classes = [t("loss.class_name", k=i) for i in range(len(z))]
    panels = [
        bars_panel(names, out.scaled, PALETTE[0], true, t("loss.bars_logits", temp=f"{temp:g}"), "z / T"),
        bars_panel(classes, out.probs, PALETTE[2], true, t("loss.bars_probs"), "p", [0, 1.15]),
        bars_panel(names, out.grad, PALETTE[4], true, t("loss.bars_grad"), "∂L/∂z"),
    ]
    show_figure(panels_figure(panels, height=380), key="loss_softmax", fit="loss_softmax_box")
    m = st.columns(3)
    m[0].metric(t("loss.m_p", k=true), fmt_short(out.probs[true].item(), 4))
    m[1].metric(t("loss.m_nll", k=true), masked(_num(out.nll)), help=t("loss.m_nll_help"))
    m[2].metric("`F.cross_entropy`", masked(_num(out.loss)))
    st.markdown(t("loss.grad_note"))
    ps = torch.linspace(0.001, 0.999, 200, dtype=torch.float64)
    one, zero = L.bce_curve(ps)
    p = out.probs[true].item()
    panel = {"traces": [line(ps, one, t("loss.bce_1"), PALETTE[0]), line(ps, zero, t("loss.bce_0"), PALETTE[3]),
                        dots([p], [out.nll], t("loss.bce_here", k=true), "#000000")],
             "x": "p", "y": t("loss.loss"), "y_range": [0, 7], "x_range": [0, 1],
             "title": t("loss.bce_title")}  # fmt: skip
    show_figure(panels_figure([panel], height=340), key="loss_bce")
    st.markdown(t("loss.bce_note"))


def batch_controls() -> tuple[int, str]:
    a, b = st.columns(2)
    seed = a.number_input(t("loss.seed"), 0, 999, D.seed, **bound("loss_seed"))
    reduction = url_choice(b.radio, t("loss.reduction"), REDUCTIONS, "loss_reduction", D.reduction, horizontal=True)
    return int(seed), reduction


def batch_view(seed: int, reduction: str) -> None:
    bt = L.batch(seed)
    st.session_state["loss_batch"] = bt
    rows = []
    for i in range(len(bt.labels)):
        rows.append({"i": str(i), "z": "[" + ", ".join(f"{v:g}" for v in bt.logits[i].tolist()) + "]",
                     "y": str(bt.labels[i].item()), "z_y": f"{bt.true_logit[i].item():g}",
                     "logsumexp(z)": _num(bt.lse[i].item()),
                     t("loss.col_sample"): _num(bt.losses[i].item())})  # fmt: skip
    static_table(rows)
    value = {"mean": _num(bt.mean), "sum": _num(bt.total),
             "none": "[" + ", ".join(_num(v) for v in bt.losses.tolist()) + "]"}[reduction]  # fmt: skip
    st.markdown(t("loss.batch_result", reduction=reduction, value=value, by_hand=_num(bt.by_hand),
                  same="=" if abs(bt.by_hand - bt.mean) <= 1e-12 else "≠"))  # fmt: skip


# --- mistakes --------------------------------------------------------------------------------------------------


def mistakes_view(z: list[float], true: int, w: float, b: float, outlier: float) -> None:
    st.subheader(t("loss.m1_title"))
    st.markdown(t("loss.m1_idea"))
    both = L.double_softmax(z, true)
    st.session_state["loss_double"] = both
    values = torch.linspace(-10, 10, 201, dtype=torch.float64)
    curves = L.double_softmax_curves(z, true, values)
    panel = {"traces": [line(values, curves["right"], t("loss.right"), PALETTE[2]),
                        line(values, curves["wrong"], t("loss.wrong"), PALETTE[3]),
                        dots([z[true]], [both["right"][0]], t("loss.here"), PALETTE[2], showlegend=False),
                        dots([z[true]], [both["wrong"][0]], t("loss.here"), PALETTE[3], showlegend=False)],
             "x": t("loss.true_logit", k=true), "y": t("loss.loss"), "title": t("loss.m1_panel")}  # fmt: skip
    show_figure(panels_figure([panel], height=360), key="loss_mistakes")
    norm = {k: v[1].norm().item() for k, v in both.items()}
    m = st.columns(4)
    m[0].metric(t("loss.m_right"), _num(both["right"][0]))
    m[1].metric(t("loss.m_wrong"), _num(both["wrong"][0]))
    m[2].metric(t("loss.m_grad_right"), _num(norm["right"]))
    m[3].metric(t("loss.m_grad_wrong"), _num(norm["wrong"]))
    st.subheader(t("loss.m2_title"))
    zs = torch.linspace(-10, 10, 201, dtype=torch.float64)
    sat = L.saturation_curves(zs)
    st.markdown(t("loss.m2_idea", mse=_num(sat["mse"][0].item()), ce=_num(sat["ce"][0].item())))
    panel = {"traces": [line(zs, sat["mse"], t("loss.sat_mse"), PALETTE[3]),
                        line(zs, sat["ce"], t("loss.sat_ce"), PALETTE[2])],
             "x": "z", "y": "∂L/∂z", "title": t("loss.m2_panel")}  # fmt: skip
    show_figure(panels_figure([panel], height=340), key="loss_saturation")
    st.subheader(t("loss.m3_title"))
    x, y = L.points(outlier)
    pred = (w * x + b)[:, None]
    message, wrong, right = L.broadcast_mistake(pred, y)
    st.session_state["loss_broadcast"] = (message, wrong, right)
    st.markdown(t("loss.m3_idea", n=len(y)))
    st.code(f"UserWarning: {message}", language=None, wrap_lines=True)
    m = st.columns(2)
    m[0].metric(t("loss.m3_wrong"), _num(wrong))
    m[1].metric(t("loss.m3_right"), _num(right))
