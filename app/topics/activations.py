"""Activations · 激活函数与非线性: the functions and their derivatives; what nonlinearity lets a network solve."""

import streamlit as st

from components.figures.numbers import fmt_percent
from components.snippets.activations import activations_code
from components.ui.activations import STEPS
from components.ui.activations.controls import (
    ActSettings,
    curve_setting,
    data_controls,
    features_control,
    linear_model,
    network_controls,
    train_controls,
)
from components.ui.activations.views import (
    accuracy_rows,
    collapse_view,
    curve_controls,
    curve_view,
    layers_view,
    linear_figure,
    linear_fit,
    network_figure,
)
from components.ui.code_panel import code_panel
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.lesson import Lesson, is_hidden, page_header
from components.ui.live_training import current_training, data_for, restart, stop, train_live
from components.ui.present import page_explanation
from components.ui.state import reset_button, url_tabs
from components.ui.tables import static_table

TRAINING = "_act_training"  # session key (no "act_" prefix: the reset must not drop it)

page_header("act", Lesson("act", ActSettings, STEPS))
data_spec = data_controls()
model = network_controls()
features = features_control()
train = train_controls()
reset_button("act", ActSettings)


def code() -> None:
    source = activations_code(curve_setting(), data_spec, model, train, linear_model(features))
    code_panel(source, "activations.py")


tabs = url_tabs({"curves": t("act.tab_curves"), "network": t("act.tab_network")}, "act_view")

if tabs["curves"].open:
    with tabs["curves"]:

        def curves() -> None:
            name, x0 = curve_controls()
            with st.container(key="act_curves_box"):
                curve_view(name, x0)
            code()  # in the section: its own rerun redraws the code with the new x

        section(curves)

run = None
if tabs["network"].open:
    with tabs["network"]:
        data = data_for(data_spec)
        linear = linear_fit(data_spec, linear_model(features), train)
        run = current_training(TRAINING, data_spec, model, train)
        buttons = st.container(horizontal=True, vertical_alignment="center")
        buttons.button(t("fit.train"), on_click=restart, args=(TRAINING,), icon=":material/play_arrow:",
                       key="act_train_button")  # fmt: skip
        buttons.button(t("fit.stop"), on_click=stop, args=(TRAINING,), icon=":material/stop:", key="act_stop_button")
        progress = buttons.empty()
        with st.container(key="act_regions_box"):
            left, right = st.columns(2)
            chart = left.empty()
            with right:
                linear_figure(data, linear, features, is_hidden())
        numbers = st.empty()
        if features:
            st.info(t("act.features_note"), icon=":material/lightbulb:")
        st.subheader(t("act.collapse_title"))
        st.markdown(t("act.collapse_idea"))
        collapse_slot = st.empty()
        st.subheader(t("act.layers_title"))
        st.markdown(t("act.layers_idea"))
        layers_slot = st.empty()

        drawn_settled: list[bool] = []

        def draw(tr) -> None:
            st.session_state["act_result"] = tr  # what the page shows (tests compare the code panel with it)
            hidden = is_hidden()
            with chart:
                network_figure(data, tr)
            total = train.epochs
            if tr.diverged_at is not None:
                progress.progress(tr.epoch / total, text=t("fit.status_diverged", k=tr.diverged_at))
            else:
                acc = tr.final_accuracy()
                text = t("act.status", k=tr.epoch, total=total, acc=fmt_percent(acc[0]) if acc else "–")
                progress.progress(tr.epoch / total, text=text)
            with numbers.container():
                static_table(accuracy_rows(tr, linear[0], hidden))
            settled = tr.done or run.stopped
            if drawn_settled and drawn_settled[-1] == settled:
                return  # the views below the chart change only when training ends
            drawn_settled.append(settled)
            with collapse_slot.container():
                if settled:
                    collapse_view(data, tr)
                else:
                    st.caption(t("act.after_training"))
            with layers_slot.container():
                if settled:
                    layers_view(data, tr)
                else:
                    st.caption(t("act.after_training"))

        run.show(draw)
        code()
page_explanation("activations")
if run is not None:
    train_live(run, draw)
