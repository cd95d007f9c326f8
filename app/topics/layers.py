"""Layers · 网络层与训练/评估模式: a model from a list of layers, its shapes and parameters, train() vs eval()."""

import streamlit as st

from components.snippets.layers import layers_code
from components.ui.code_panel import code_panel
from components.ui.i18n import t
from components.ui.layers import STEPS
from components.ui.layers.views import LaySettings, build_view, model_controls, modes_view
from components.ui.lesson import Lesson, page_header
from components.ui.present import page_explanation
from components.ui.state import reset_button, url_tabs

page_header("lay", Lesson("lay", LaySettings, STEPS))
reset_button("lay", LaySettings)


def body() -> None:
    specs, shape, batch, seed = model_controls()
    tabs = url_tabs({"build": t("lay.tab_build"), "modes": t("lay.tab_modes")}, "lay_view")
    if tabs["build"].open:
        with tabs["build"]:
            build_view(specs, shape, batch, seed)
    if tabs["modes"].open:
        with tabs["modes"]:
            st.markdown(t("lay.modes_idea"))
            modes_view(specs, shape, batch, seed)
    code_panel(layers_code(specs, shape, batch, seed), "layers.py")


body()  # the controls are in the sidebar: the whole page reruns (a section may not draw outside itself)
page_explanation("layers")
