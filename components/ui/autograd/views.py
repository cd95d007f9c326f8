"""Autograd page helpers: the formula and its leaves, the step-through, the errors lab, the tiny network."""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st
import torch

from components.compute.autograd_graph import MAX_VECTOR, PRESETS, Graph, leaf_names
from components.compute.expressions import ExpressionError
from components.compute.tiny_net import TINY_DEFAULT, TINY_LR, TINY_TARGET, TINY_X, TinyNet, TinyResult
from components.figures.autograd import number
from components.figures.numbers import fmt
from components.ui.autograd.link import GRAD, VALUE, formula_tag, seed_leaves, sync_leaves, widget_tag
from components.ui.expression_input import explain
from components.ui.i18n import t
from components.ui.lesson import masked
from components.ui.state import bound, note_ignored, url_choice

CUSTOM = "custom"
__all__ = [
    "formula_tag",
    "widget_tag",
]  # the leaf widgets' keys (``link``), used by the page and tests


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
    for key in [k for k in st.session_state if str(k).startswith((VALUE, GRAD, "ag_step_"))]:
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
    """A value and a "requires grad" switch per leaf, four leaves per row; in the link as ``ag_v_<leaf>`` and
    ``ag_g_<leaf>`` when they differ from the formula's defaults (``components.ui.autograd.link``)."""
    values, grads, tag = {}, set(), widget_tag(text)
    seed_leaves(names, defaults, grad_defaults, tag)  # each widget's value comes from its session state
    for start in range(0, len(names), 4):
        cols = st.columns(4)
        for col, name in zip(cols, names[start : start + 4], strict=False):
            with col:
                # value= the seeded state too: a run interrupted before the browser heard the seeded value left
                # the browser with the widget's own default (0, unticked), which it then sent back (seen under
                # load: every leaf 0 and no gradient in the link).
                value_key, grad_key = f"{VALUE}{name}_{tag}", f"{GRAD}{name}_{tag}"
                values[name] = st.number_input(
                    name, value=float(st.session_state[value_key]), step=0.1, format="%.4g", key=value_key
                )
                if st.checkbox(t("ag.requires_grad"), value=bool(st.session_state[grad_key]), key=grad_key):
                    grads.add(name)
    sync_leaves(names, values, grads, defaults, grad_defaults)
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
            rows.append({t("ag.col_weight"): name, t("ag.col_value"): fmt(b, 5), t("ag.col_grad"): fmt(g),
                         "−lr·grad": fmt(-lr * g), t("ag.col_new"): fmt(a, 5)})  # fmt: skip
    return rows


def gradient_metrics(graph: Graph, names: tuple[str, ...], grads: set[str]) -> None:
    """``∂loss/∂leaf`` of every leaf that requires grad, at most three a row (a value never wraps at 1024 px)."""
    shown = [name for name in names if name in grads]
    cols = st.columns(max(1, min(3, len(shown))))
    for i, name in enumerate(shown):
        g = graph.node(next(nd.id for nd in graph.nodes if nd.kind == "leaf" and nd.label == name)).grad
        value = "—" if g is None else _tensor_text(g)
        cols[i % len(cols)].metric(f"∂loss/∂{name}", masked(value))  # predicted first, with "Predict first"


# Column headers: code that may break after "." and "(" (a zero-width space), or a narrow table would overflow.
FIXES = {"sum": "out.sum().backward()", "mean": "out.mean().backward()",
         "ones": "out.backward(gradient=torch.ones_like(out))"}  # fmt: skip


def _breakable(code: str) -> str:
    return code.replace(".", ".\u200b").replace("(", "(\u200b")


def _tensor_text(v: torch.Tensor) -> str:
    return fmt(v.item(), 5) if v.dim() == 0 else number(v)  # long vectors as [a, b, c, …, z] (n)


def fix_rows(results: dict[str, dict[str, torch.Tensor]]) -> list[dict[str, str]]:
    """One row per leaf (a formula may have 8), one column per fix of the vector output's ``backward()``."""
    leaves = list(results["sum"])
    return [
        {t("ag.col_leaf"): f"{leaf}.grad"}
        | {_breakable(code): _tensor_text(results[fix][leaf]) for fix, code in FIXES.items()}
        for leaf in leaves
    ]


def accumulate_rows(plain: list[dict], zeroed: list[dict]) -> list[dict[str, str]]:
    """One row per leaf: its ``.grad`` after each ``backward()`` call as it accumulates, then with the
    gradient zeroed before every call (the same each time, so one column)."""
    return [
        {t("ag.col_leaf"): f"{leaf}.grad"}
        | {t("ag.col_after", k=k + 1): fmt(a[leaf].item(), 5) for k, a in enumerate(plain)}
        | {t("ag.zeroed"): fmt(zeroed[-1][leaf].item(), 5)}
        for leaf in (plain[0] if plain else {})
    ]


def tiny_metrics(result: TinyResult) -> None:
    """The loss before and after the SGD step, and its predicted and actual change, two a row."""
    change = result.new_loss - result.loss
    top, bottom = st.columns(2), st.columns(2)
    top[0].metric(t("ag.loss_before"), fmt(result.loss, 5))
    top[1].metric(t("ag.loss_after"), masked(fmt(result.new_loss, 5)), masked(fmt(change, 3)), delta_color="inverse")
    bottom[0].metric(t("ag.predicted"), fmt(result.predicted_change, 3), help=t("ag.predicted_help"))
    bottom[1].metric(t("ag.actual"), masked(fmt(change, 3)))
