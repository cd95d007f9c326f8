"""The Layers page: settings (URL keys ``lay_<field>``), the layer list, the build view and the modes view."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch

from components.compute import layers as Y
from components.figures.numbers import fmt_short
from components.figures.panels import panels_figure
from components.figures.theme import DIVERGING_SCALE
from components.ui.i18n import t
from components.ui.lesson import masked
from components.ui.present import controls
from components.ui.projector import show_figure
from components.ui.state import bound, url_choice
from components.ui.tables import static_table

LAST_GOOD = "lay_last_good"  # the last list and shape that parsed: a refused edit keeps showing them
SHOWN = 16  # units (columns) of the dropout pictures


@dataclass(frozen=True)
class LaySettings:
    view: str = "build"
    preset: str = "mlp"
    layers: str = Y.PRESETS["mlp"]
    shape: str = Y.PRESET_SHAPES["mlp"]
    batch: int = 4
    seed: int = 0


D = LaySettings()


def _load_preset() -> None:
    name = st.session_state["lay_preset"]
    st.session_state["lay_layers"], st.session_state["lay_shape"] = Y.PRESETS[name], Y.PRESET_SHAPES[name]


def model_controls() -> tuple[list[Y.LayerSpec], tuple[int, ...], int, int]:
    """The list, the example shape, the batch size and the seed, in the sidebar (in the presentation view: the
    strip and the folded panel); a refused edit shows why there and keeps the last good list (``LAST_GOOD``)."""
    sb = controls()
    sb.subheader(t("lay.model"))
    url_choice(sb.selectbox, t("lay.preset"), list(Y.PRESETS), "lay_preset", D.preset,
               format_func=lambda k: t(f"lay.presets.{k}"), on_change=_load_preset)  # fmt: skip
    text = sb.text_area(t("lay.layers"), D.layers, height=190, help=t("lay.layers_help"), **bound("lay_layers"))
    shape_text = sb.text_input(t("lay.shape"), D.shape, help=t("lay.shape_help"), **bound("lay_shape"))
    problem = sb.container()
    batch = sb.slider(t("lay.batch"), 1, 64, D.batch, help=t("lay.batch_help"), **bound("lay_batch"))
    seed = sb.number_input(t("fit.seed"), 0, 9999, D.seed, **bound("lay_seed"))
    try:
        specs, shape = Y.parse_layers(text), Y.parse_shape(shape_text)
        st.session_state[LAST_GOOD] = (specs, shape)
    except Y.LayerError as err:
        where = t("lay.on_line", line=err.line) if err.line else ""
        problem.error(where + t(f"lay.error.{err.reason}", **err.details), icon=":material/error:")
        specs, shape = st.session_state.get(LAST_GOOD, (Y.parse_layers(D.layers), Y.parse_shape(D.shape)))
        st.warning(t("lay.kept"), icon=":material/undo:")
    return specs, shape, int(batch), int(seed)


def list_code(specs: list[Y.LayerSpec]) -> str:
    rows = "\n".join(f"    {s.code()}," for s in specs)
    return f"layers = [\n{rows}\n]\nmodel = nn.Sequential(*layers)  # * unpacks the list: one argument per layer"


def build_view(specs: list[Y.LayerSpec], shape: tuple[int, ...], batch: int, seed: int) -> None:
    try:
        model = Y.build(specs, seed)
    except Y.LayerError as err:
        st.error(t(f"lay.error.{err.reason}", **err.details), icon=":material/error:")
        return
    try:
        x = Y.batch_input(shape, batch, seed)
        tr = Y.trace(model, specs, x)
    except Y.LayerError as err:
        st.error(t(f"lay.error.{err.reason}", **err.details), icon=":material/error:")
        return
    st.session_state["lay_trace"] = tr
    st.subheader(t("lay.trace_title"))
    rows = [{"#": "", t("lay.col_layer"): t("lay.input"), t("lay.col_shape"): _shape(x.shape),
             t("lay.col_formula"): "", t("lay.col_params"): "", t("lay.col_buffers"): ""}]  # fmt: skip
    for i, s in enumerate(tr.stages):
        rows.append({"#": str(i), t("lay.col_layer"): s.code, t("lay.col_shape"): _shape(s.shape),
                     t("lay.col_formula"): s.formula, t("lay.col_params"): f"{s.params:,} = {s.counted:,}",
                     t("lay.col_buffers"): f"{s.buffers:,}" if s.buffers else ""})  # fmt: skip
    static_table(rows)
    if tr.failed_at is not None:
        failed(specs, tr)
    m = st.columns(3)
    m[0].metric(t("lay.m_total"), f"{tr.total:,}", help=t("lay.m_total_help"))
    m[1].metric(t("lay.m_counted"), f"{tr.counted:,}")
    plain, listed = Y.registered(specs)
    m[2].metric(t("lay.m_plain"), f"{plain:,}", help=t("lay.m_plain_help", n=f"{listed:,}"))
    st.subheader(t("lay.code_title"))
    st.code(list_code(specs), language="python")
    st.markdown(t("lay.star", error=Y.star_error(specs)))
    st.markdown(t("lay.modulelist", plain=f"{plain:,}", listed=f"{listed:,}"))
    left, right = st.columns(2)
    left.markdown(t("lay.print_model"))
    left.code(str(model), language=None)
    right.markdown(t("lay.state_dict"))
    right.code("\n".join(f"{k}: {tuple(v.shape)}" for k, v in model.state_dict().items()) or "{}", language=None)


def failed(specs: list[Y.LayerSpec], tr: Y.Trace) -> None:
    """PyTorch's message for the layer that cannot take its input; for a Linear layer, the number that fits."""
    spec = specs[tr.failed_at]
    text = t("lay.failed", k=tr.failed_at, layer=spec.code(), error=tr.error)
    wanted = dict(spec.args).get("in_features")
    if spec.name == "Linear" and tr.incoming and tr.incoming[-1] != wanted:
        text += " " + t("lay.failed_hint", got=tr.incoming[-1], want=wanted)
    st.error(text, icon=":material/error:")


def _shape(shape) -> str:
    return "(" + ", ".join(str(v) for v in shape) + ")"


def modes_view(specs: list[Y.LayerSpec], shape: tuple[int, ...], batch: int, seed: int) -> None:
    try:
        x = Y.batch_input(shape, batch, seed)
        tr = Y.trace(Y.build(specs, seed), specs, x)
    except Y.LayerError as err:
        st.error(t(f"lay.error.{err.reason}", **err.details), icon=":material/error:")
        return
    if tr.failed_at is not None:
        failed(specs, tr)
        return
    try:
        md = Y.modes(specs, x, seed)
    except Y.LayerError as err:
        st.warning(t(f"lay.error.{err.reason}", **err.details), icon=":material/warning:")
        return
    st.session_state["lay_modes"] = md  # what the page shows (tests compare the code panel with it)
    m = st.columns(3)
    m[0].metric(t("lay.m_train_diff"), masked(_diff(md.train_diff)), help=t("lay.m_train_diff_help"))
    m[1].metric(t("lay.m_eval_diff"), masked(_diff(md.eval_diff)))
    m[2].metric(t("lay.m_mode_diff"), masked(_diff(md.mode_diff)))
    if not md.has_dropout and not md.has_batchnorm:
        st.success(t("lay.same_modes"), icon=":material/check_circle:")
    if md.dropout is not None:
        dropout_view(md.dropout)
    if md.batchnorm is not None:
        batchnorm_view(md.batchnorm)
    st.subheader(t("lay.grad_title"))
    st.markdown(t("lay.grad_idea", requires=md.eval_requires, grad=fmt_short(md.eval_grad, 4),
                  no_grad=md.no_grad_requires))  # fmt: skip


def _diff(v: float) -> str:
    return "0" if v == 0 else f"{v:.3g}"


def dropout_view(dropout: tuple[float, torch.Tensor, torch.Tensor, torch.Tensor]) -> None:
    p, before, train, evaluated = dropout
    st.subheader(t("lay.dropout_title", p=f"{p:g}"))
    rows = min(8, before.shape[0])
    a, b, c = (v.reshape(v.shape[0], -1)[:rows, :SHOWN] for v in (before, train, evaluated))
    top = float(max(a.abs().max(), b.abs().max(), 1e-9))
    panels = [{"traces": [{"type": "heatmap", "z": v.tolist(), "colorscale": DIVERGING_SCALE, "zmin": -top,
                           "zmax": top, "showscale": False, "xgap": 1, "ygap": 1}],
               "x": t("lay.units"), "y": t("lay.samples"), "title": title}
              for v, title in zip((a, b, c), (t("lay.dropout_in"), t("lay.dropout_train"), t("lay.dropout_eval")),
                                  strict=True)]  # fmt: skip
    show_figure(panels_figure(panels, height=300), key="lay_dropout")
    live = before != 0  # values ReLU already zeroed say nothing about the mask
    kept = live & (train != 0)
    zeroed = 1 - kept.sum().item() / max(live.sum().item(), 1)
    ratio = (train[kept] / before[kept]).mean().item() if kept.any() else float("nan")
    st.markdown(t("lay.dropout_numbers", zeroed=f"{100 * zeroed:.0f}", p=f"{100 * p:.0f}", ratio=f"{ratio:.4g}"))


def batchnorm_view(bn: dict) -> None:
    st.subheader(t("lay.bn_title"))
    m = bn["momentum"]
    st.markdown(t("lay.bn_idea", m=f"{m:g}"))
    (rm0, rv0), (rm1, rv1) = bn["before"], bn["after"]
    rows = []
    for c in range(min(6, len(bn["mean"]))):
        rows.append({t("lay.col_channel"): str(c), t("lay.col_batch_mean"): f"{bn['mean'][c].item():.4f}",
                     t("lay.col_batch_var"): f"{bn['var'][c].item():.4f}",
                     t("lay.col_running_mean"): f"{rm0[c].item():.4f} → {rm1[c].item():.4f}",
                     t("lay.col_running_var"): f"{rv0[c].item():.4f} → {rv1[c].item():.4f}",
                     t("lay.col_train_out"): f"{bn['train_mean'][c].item() + 0.0:.3f}".replace("-0.000", "0.000"),
                     t("lay.col_eval_out"): f"{bn['eval_mean'][c].item():.3f}"})  # fmt: skip
    static_table(rows)
