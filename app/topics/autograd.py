"""Autograd · 计算图与反向传播: the real grad_fn graph, stepped backward node by node."""

import streamlit as st

from components.compute.autograd_graph import accumulate, fixes, scalar_error, trace
from components.compute.expressions import ExpressionError
from components.compute.tiny_net import tiny_forward_backward
from components.figures.autograd import BACKWARD_STAGES, graph_dot, tiny_dot
from components.snippets.autograd import errors_code, graph_code, tiny_code
from components.ui.autograd import (
    AgSettings,
    formula,
    formula_tag,
    forward_only,
    leaf_controls,
    sgd_rows,
    step_text,
    tiny_controls,
    vector_value,
)
from components.ui.code_panel import code_panel
from components.ui.i18n import explanation, t
from components.ui.projector import is_projector
from components.ui.state import bound, reset_button

D = AgSettings()
st.title(t("ag.title"))
st.markdown(t("ag.idea"))
reset_button("ag", AgSettings)
words = {"value": t("ag.value"), "grad": t("ag.grad")}
font = 18 if is_projector() else 13
tabs = st.tabs([t("ag.tab_graph"), t("ag.tab_errors"), t("ag.tab_tiny")], key="ag_view", on_change="rerun")

if tabs[0].open:
    with tabs[0]:
        text, names, defaults, grad_defaults = formula()
        values, grads = leaf_controls(text, names, defaults, grad_defaults)
        try:
            graph = trace(text, values, grads)
        except (ExpressionError, ValueError) as err:
            st.error(t("ag.cannot", error=str(err)), icon=":material/error:")
            st.stop()
        st.session_state["ag_graph"] = graph  # what the page shows (tests compare the code panel with it)
        n = len(graph.steps)
        if n:
            step = st.slider(t("ag.step"), 0, n, 0, help=t("ag.step_help"), key=f"ag_step_{formula_tag(text)}")
        else:
            step = 0
            st.info(t("ag.no_backward" if not grads else "ag.not_scalar"), icon=":material/info:")
        with st.container(key="ag_graph_view"):
            dot = (
                graph_dot(forward_only(graph), None, words, font)
                if step == 0
                else graph_dot(graph, step - 1, words, font)
            )
            st.graphviz_chart(dot, width="stretch")
        if step == 0:
            st.markdown(t("ag.forward_text", n=n))
        else:
            st.markdown(t("ag.step_title", k=step, n=n))
            st.markdown(step_text(graph, step - 1))
        if n:
            st.markdown(t("ag.result"))
            shown = [name for name in names if name in grads]
            cols = st.columns(max(1, min(4, len(shown))))
            for i, name in enumerate(shown):
                g = graph.node(next(nd.id for nd in graph.nodes if nd.kind == "leaf" and nd.label == name)).grad
                value = f"{g.item():.5g}" if g is not None and g.numel() == 1 else str(g)
                cols[i % len(cols)].metric(f"∂loss/∂{name}", value)
        code_panel(graph_code(text, values, grads), "autograd_graph.py")

if tabs[1].open:
    with tabs[1]:
        st.markdown(t("ag.errors_idea"))
        text, names, defaults, grad_defaults = formula()
        values, grads = leaf_controls(text, names, defaults, grad_defaults)
        leaf, vector = vector_value(names)
        vector_values = {**values, leaf: vector}
        if not grads:
            st.info(t("ag.no_backward"), icon=":material/info:")
            st.stop()
        st.code(f"{leaf} = torch.tensor({vector})\nout = {text}   # shape ({len(vector)},)\nout.backward()", "python")
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
            fix_names = (("sum", "out.sum().backward()"), ("mean", "out.mean().backward()"),
                         ("ones", "out.backward(gradient=torch.ones_like(out))"))  # fmt: skip
            rows = [{t("ag.col_fix"): label} | {f"{k}.grad": str(v.tolist()) for k, v in results[fix].items()}
                    for fix, label in fix_names]  # fmt: skip
            st.dataframe(rows, hide_index=True, width="stretch")
        st.markdown(t("ag.accumulate_title"))
        times = st.slider(t("ag.times"), 1, 5, D.times, **bound("ag_times"))
        try:
            plain, zeroed = accumulate(text, values, grads, times), accumulate(text, values, grads, times, zero=True)
        except ValueError as err:
            st.info(t("ag.cannot", error=str(err)), icon=":material/info:")
        else:
            st.session_state["ag_accumulated"] = plain
            rows = [
                {t("ag.col_call"): k + 1}
                | {f"{name}.grad": f"{g.item():.5g}" for name, g in a.items()}
                | {f"{name}.grad ({t('ag.zeroed')})": f"{g.item():.5g}" for name, g in z.items()}
                for k, (a, z) in enumerate(zip(plain, zeroed, strict=True))
            ]
            st.dataframe(rows, hide_index=True, width="stretch")
            st.caption(t("ag.accumulate_help"))
        code_panel(errors_code(text, vector_values, values, grads, times), "autograd_errors.py")

if tabs[2].open:
    with tabs[2]:
        st.markdown(t("ag.tiny_idea"))
        net, x, target, lr = tiny_controls()
        result = tiny_forward_backward(net, x, target, lr)
        st.session_state["ag_tiny"] = result
        stage = st.slider(t("ag.stage"), 0, BACKWARD_STAGES, D.stage, help=t("ag.stage_help"), **bound("ag_stage"))
        tiny_words = {"grad": t("ag.grad"), "loss": t("ag.loss"), "target": t("ag.target")}
        with st.container(key="ag_tiny_view"):
            st.graphviz_chart(tiny_dot(net, x, target, result, stage, tiny_words, font), width="stretch")
        st.markdown(t(f"ag.stage_{stage}"))
        m = st.columns(4)
        m[0].metric(t("ag.loss_before"), f"{result.loss:.6g}")
        m[1].metric(t("ag.loss_after"), f"{result.new_loss:.6g}", f"{result.new_loss - result.loss:.3g}",
                    delta_color="inverse")  # fmt: skip
        m[2].metric(t("ag.predicted"), f"{result.predicted_change:.3g}", help=t("ag.predicted_help"))
        m[3].metric(t("ag.actual"), f"{result.new_loss - result.loss:.3g}")
        rows = sgd_rows(net, result, lr)
        st.dataframe(rows, hide_index=True, width="stretch")
        code_panel(tiny_code(net, x, target, lr), "tiny_network.py")

st.markdown(explanation("autograd"))
