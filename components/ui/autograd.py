"""Autograd page helpers: the formula and its leaves, the step-through, the errors lab, the tiny network."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import streamlit as st
import torch

from components.compute.autograd_graph import MAX_VECTOR, PRESETS, Graph, leaf_names
from components.compute.expressions import ExpressionError
from components.compute.tiny_net import TINY_DEFAULT, TINY_LR, TINY_TARGET, TINY_X, TinyNet, TinyResult
from components.figures.autograd import number
from components.ui.derivatives import explain
from components.ui.i18n import t
from components.ui.state import bound, note_ignored, url_choice

CUSTOM = "custom"
# + leaf name + formula tag: per-leaf keys, new widgets for every formula (a browser keeps showing a widget's old
# value when only its state is dropped). Not in the link: leaves come and go with the formula, and Streamlit
# cannot drop the URL parameter of a bound widget when they do.
LEAF_VALUE, LEAF_GRAD = "ag_v_", "ag_g_"


def formula_tag(text: str) -> str:
    """A short stable tag of a formula, for the keys of the widgets that belong to it."""
    return hashlib.sha1(text.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class AgSettings:
    """The page's shareable settings (URL keys ``ag_<field>``)."""

    preset: str = "linear"
    text: str = PRESETS["linear"].text
    vector: str = "1, 2, 3"
    times: int = 2
    w11: float = TINY_DEFAULT.w1[0][0]
    w12: float = TINY_DEFAULT.w1[0][1]
    w21: float = TINY_DEFAULT.w1[1][0]
    w22: float = TINY_DEFAULT.w1[1][1]
    b1: float = TINY_DEFAULT.b1[0]
    b2: float = TINY_DEFAULT.b1[1]
    v1: float = TINY_DEFAULT.w2[0]
    v2: float = TINY_DEFAULT.w2[1]
    c: float = TINY_DEFAULT.b2
    x1: float = TINY_X[0]
    x2: float = TINY_X[1]
    target: float = TINY_TARGET
    lr: float = TINY_LR
    stage: int = 0


def _forget_leaves() -> None:
    """A new formula starts from its own leaf values and step 0: drop the previous formula's widget states."""
    for key in [k for k in st.session_state if str(k).startswith((LEAF_VALUE, LEAF_GRAD, "ag_step_"))]:
        del st.session_state[key]


def formula() -> tuple[str, tuple[str, ...], dict[str, float], tuple[str, ...]]:
    """Preset or typed formula. Returns the text, its leaves, default values and default gradient leaves; a
    refused text says why and the last good formula stays."""
    d = AgSettings()
    choice = url_choice(
        st.selectbox,
        t("ag.formula"),
        [*PRESETS, CUSTOM],
        "ag_preset",
        d.preset,
        format_func=lambda k: t("ag.custom") if k == CUSTOM else f"{t(f'ag.presets.{k}')}:  loss = {PRESETS[k].text}",
        on_change=_forget_leaves,
    )
    if choice != CUSTOM:
        p = PRESETS[choice]
        return p.text, tuple(p.leaves), p.leaves, p.requires_grad
    text = st.text_input(t("ag.type"), d.text, max_chars=200, help=t("ag.type_help"), **bound("ag_text"))
    try:
        names = leaf_names(text)
        st.session_state["ag_last_good"] = text
    except ExpressionError as err:
        st.error(explain(err, ()), icon=":material/error:")
        text = st.session_state.get("ag_last_good", d.text)
        names = leaf_names(text)
        st.caption(t("deriv.kept", text=text))
    return text, names, {}, names


def leaf_controls(
    text: str, names: tuple[str, ...], defaults: dict[str, float], grad_defaults: tuple[str, ...]
) -> tuple[dict[str, float], set[str]]:
    """A value and a "requires grad" switch per leaf, four leaves per row."""
    values, grads, tag = {}, set(), formula_tag(text)
    for start in range(0, len(names), 4):
        cols = st.columns(4)
        for col, name in zip(cols, names[start : start + 4], strict=False):
            with col:
                values[name] = st.number_input(
                    name, value=float(defaults.get(name, 1.0)), step=0.1, format="%.4g", key=f"{LEAF_VALUE}{name}_{tag}"
                )
                if st.checkbox(t("ag.requires_grad"), name in grad_defaults, key=f"{LEAF_GRAD}{name}_{tag}"):
                    grads.add(name)
    return values, grads


def forward_only(graph: Graph) -> Graph:
    """The graph as it is before ``backward()``: values, no gradients."""
    return replace(graph, nodes=tuple(replace(n, grad=None) for n in graph.nodes))


def step_text(graph: Graph, index: int) -> str:
    """What the node of backward step ``index`` does, with its numbers (Markdown)."""
    step = graph.steps[index]
    node = graph.node(step.node)
    up = number(step.upstream)
    if not step.passed:
        return t("ag.step_leaf", name=node.label, grad=up)
    rows = [t("ag.step_op", op=node.label, fn=node.grad_fn, up=up), "", t("ag.step_table_head"), "|---|---|---|---|"]
    for src, local, passed in step.passed:
        rows.append(f"| {graph.node(src).label} | {up} | {number(local)} | **{number(passed)}** |")
    return "\n".join(rows)


def vector_value(names: tuple[str, ...]) -> tuple[str, list[float]]:
    """Which leaf becomes a vector in the errors lab, and its values (typed as ``1, 2, 3``)."""
    d = AgSettings()
    default = "x" if "x" in names else names[0]
    c1, c2 = st.columns([1, 2])
    with c1:
        leaf = url_choice(st.selectbox, t("ag.vector_leaf"), list(names), "ag_vector_leaf", default)
    text = c2.text_input(t("ag.vector_values"), d.vector, max_chars=200, **bound("ag_vector"))
    try:
        values = [float(v) for v in text.replace(";", ",").split(",") if v.strip()]
        if not 2 <= len(values) <= MAX_VECTOR or not all(abs(v) < 1e12 for v in values):
            raise ValueError
    except ValueError:
        st.error(t("ag.vector_bad", n=MAX_VECTOR), icon=":material/error:")
        note_ignored("ag_vector")
        values = [float(v) for v in d.vector.split(",")]
    return leaf, values


def tiny_controls() -> tuple[TinyNet, tuple[float, float], float, float]:
    """The tiny network's weights, example and learning rate, three number inputs per row."""
    d = AgSettings()

    def num(col, label: str, field: str) -> float:
        return col.number_input(label, value=getattr(d, field), step=0.05, format="%.4g", **bound(f"ag_{field}"))

    st.markdown(t("ag.tiny_weights"))
    c = st.columns(5)
    w11, w12, w21, w22 = (num(c[i], f"w{n}", f"w{n}") for i, n in enumerate(("11", "12", "21", "22")))
    c = st.columns(5)
    b1, b2, v1, v2, cb = (num(c[i], name, name) for i, name in enumerate(("b1", "b2", "v1", "v2", "c")))
    st.markdown(t("ag.tiny_example"))
    c = st.columns(5)
    x1, x2, target = num(c[0], "x1", "x1"), num(c[1], "x2", "x2"), num(c[2], t("ag.target"), "target")
    # No bounds: a browser shows a typed value outside them but the page would silently keep the old one.
    lr = c[3].number_input(t("ag.lr"), value=d.lr, step=0.05, format="%.4g", **bound("ag_lr"))
    return TinyNet(((w11, w12), (w21, w22)), (b1, b2), (v1, v2), cb), (x1, x2), target, lr


def sgd_rows(net: TinyNet, result: TinyResult, lr: float) -> list[dict[str, str]]:
    """One row per weight: its value, gradient, the step -lr * grad and the value after torch's SGD step."""

    def flat(v) -> list[float]:
        return [float(x) for x in torch.as_tensor(v, dtype=torch.float64).flatten().tolist()]

    names = {"w1": ["w11", "w12", "w21", "w22"], "b1": ["b1", "b2"], "w2": ["v1", "v2"], "b2": ["c"]}
    rows = []
    for key, shown in names.items():
        before, after = flat(getattr(net, key)), flat(getattr(result.new_net, key))
        for name, b, g, a in zip(shown, before, flat(result.grads[key]), after, strict=True):
            rows.append({t("ag.col_weight"): name, t("ag.col_value"): f"{b:.6g}", t("ag.col_grad"): f"{g:.6g}",
                         "−lr·grad": f"{-lr * g:.6g}", t("ag.col_new"): f"{a:.6g}"})  # fmt: skip
    return rows
