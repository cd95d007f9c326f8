"""Autograd · 计算图与反向传播: the real grad_fn graph, stepped backward node by node."""

import streamlit as st

from components.compute.autograd_graph import accumulate, fixes, scalar_error, trace
from components.compute.expressions import ExpressionError
from components.compute.tiny_net import tiny_forward_backward
from components.figures.autograd import BACKWARD_STAGES, graph_dot, tiny_dot
from components.snippets.autograd import errors_code, graph_code, tiny_code
from components.ui.autograd import STEPS
from components.ui.autograd.link import seed_step, sync_step
from components.ui.autograd.views import (
    AgSettings,
    accumulate_rows,
    fix_rows,
    formula,
    forward_only,
    gradient_metrics,
    leaf_controls,
    sgd_rows,
    step_text,
    tiny_controls,
    tiny_metrics,
    vector_value,
    widget_tag,
)
from components.ui.code_panel import code_panel
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.lesson import Lesson, page_header
from components.ui.present import fitted_height, page_explanation
from components.ui.projector import is_projector
from components.ui.state import bound, link_notice, reset_button, url_tabs
from components.ui.tables import static_table

D = AgSettings()
page_header("ag", Lesson("ag", AgSettings, STEPS))
notice = st.container()
reset_button("ag", AgSettings)
words = {"value": t("ag.value"), "grad": t("ag.grad")}
# Projector: top to bottom (narrow) at its own size, text at least the body's 28 px (21 pt came out at 22 px: the
# drawing is scaled to the column); else fitted to the column.
font, rankdir, graph_width = (27, "TB", "content") if is_projector() else (13, "LR", "stretch")
tab_0, tab_1, tab_2 = url_tabs(
    {"graph": t("ag.tab_graph"), "errors": t("ag.tab_errors"), "tiny": t("ag.tab_tiny")}, "ag_view"
).values()


def graph_tab() -> None:
    text, names, defaults, grad_defaults = formula()
    values, grads = leaf_controls(text, names, defaults, grad_defaults)
    try:
        graph = trace(text, values, grads)
    except (ExpressionError, ValueError) as err:
        st.error(t("ag.cannot", error=str(err)), icon=":material/error:")
        st.stop()
    st.session_state["ag_graph"] = graph  # what the page shows (tests compare the code panel with it)
    n = len(graph.steps)
    step = 0
    if n:
        seed_step(key := f"ag_step_{widget_tag(text)}", n)  # in the link as ag_step
        step = st.slider(t("ag.step"), 0, n, help=t("ag.step_help"), key=key)
    else:
        st.info(t("ag.no_backward" if not grads else "ag.not_scalar"), icon=":material/info:")
    sync_step(step)
    with st.container(key="ag_graph_view"):
        tallest = fitted_height("ag_graph_view", None)  # the presentation view: the graph fits the screen
        if tallest is not None:
            st.html(f"<style>.st-key-ag_graph_view svg {{ max-height: {tallest}px; width: 100%; }}</style>")
        dot = (
            graph_dot(forward_only(graph), None, words, font, rankdir)
            if step == 0
            else graph_dot(graph, step - 1, words, font, rankdir)
        )
        st.graphviz_chart(dot, width=graph_width)
    if step == 0:
        st.markdown(t("ag.forward_text", n=n))
    else:
        st.markdown(t("ag.step_title", k=step, n=n))
        st.markdown(step_text(graph, step - 1))
    if n:
        st.markdown(t("ag.result"))
        gradient_metrics(graph, names, grads)
    code_panel(graph_code(text, values, grads), "autograd_graph.py")


def errors_tab() -> None:
    st.markdown(t("ag.errors_idea"))
    text, names, defaults, grad_defaults = formula()
    values, grads = leaf_controls(text, names, defaults, grad_defaults)
    leaf, vector = vector_value(names)
    vector_values = {**values, leaf: vector}
    if not grads:
        st.info(t("ag.no_backward"), icon=":material/info:")
        st.stop()
    st.code(
        f"{leaf} = torch.tensor({vector})\nout = {text}   # shape ({len(vector)},)\nout.backward()",
        "python",
        wrap_lines=True,
    )
    pressed = st.button("out.backward()", key="ag_backward", icon=":material/play_arrow:", help=t("ag.press_help"))
    st.session_state["ag_pressed"] = pressed or st.session_state.get("ag_pressed", False)  # stays shown
    results = fixes(text, vector_values, grads)
    st.session_state["ag_fixes"] = results
    if st.session_state["ag_pressed"]:
        error = scalar_error(text, vector_values, grads)
        if error is None:
            st.success(t("ag.no_error"), icon=":material/check:")
        else:
            st.error(f"RuntimeError: {error}", icon=":material/error:")
            st.markdown(t("ag.why_scalar"))
        st.markdown(t("ag.fixes_title"))
        static_table(fix_rows(results))  # tables of text: the projector CSS sizes them
    st.markdown(t("ag.accumulate_title"))
    times = st.slider(t("ag.times"), 1, 5, D.times, **bound("ag_times"))
    try:
        plain, zeroed = accumulate(text, values, grads, times), accumulate(text, values, grads, times, zero=True)
    except ValueError as err:
        st.info(t("ag.cannot", error=str(err)), icon=":material/info:")
    else:
        st.session_state["ag_accumulated"] = plain
        static_table(accumulate_rows(plain, zeroed))
        st.caption(t("ag.accumulate_help"))
    code_panel(errors_code(text, vector_values, values, grads, times), "autograd_errors.py")


def tiny_tab() -> None:
    st.markdown(t("ag.tiny_idea"))
    net, x, target, lr = tiny_controls()
    result = tiny_forward_backward(net, x, target, lr)
    st.session_state["ag_tiny"] = result
    stage = st.slider(t("ag.stage"), 0, BACKWARD_STAGES, D.stage, help=t("ag.stage_help"), **bound("ag_stage"))
    tiny_words = {"grad": t("ag.grad"), "loss": t("ag.loss"), "target": t("ag.target")}
    with st.container(key="ag_tiny_view"):
        st.graphviz_chart(tiny_dot(net, x, target, result, stage, tiny_words, font, rankdir), width=graph_width)
    st.markdown(t(f"ag.stage_{stage}"))
    tiny_metrics(result)
    static_table(sgd_rows(net, result, lr))
    code_panel(tiny_code(net, x, target, lr), "tiny_network.py")


for tab, body in ((tab_0, graph_tab), (tab_1, errors_tab), (tab_2, tiny_tab)):  # the open tab only, as a section
    if tab.open:
        with tab:
            section(body)


link_notice("ag", notice)
page_explanation("autograd")
