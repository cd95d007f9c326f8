"""Linear maps · 线性变换: a 2×2 matrix is the weight of a real ``nn.Linear(2, 2)``; it turns and stretches
vectors, moves the grid and a picture; its determinant, eigenvectors and singular values; two maps composed in
both orders; a ReLU between two Linears folds the plane."""

import streamlit as st

from components.snippets.linear_maps import linear_maps_code
from components.ui.code_panel import code_panel
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.image_input import image_input
from components.ui.lesson import Lesson, page_header
from components.ui.linear_maps import STEPS
from components.ui.linear_maps.controls import LinSettings, lin_controls, second_controls
from components.ui.linear_maps.views import compose_view, fold_view, map_view
from components.ui.present import is_present, page_explanation
from components.ui.state import link_notice, reset_button, url_tabs

page_header("lin", Lesson("lin", LinSettings, STEPS))
notice = st.container()
reset_button("lin", LinSettings)
side = None if is_present() else st.sidebar.container()  # the map's settings: drawn by the open tab's section
image = image_input("lin")
tabs = url_tabs({"map": t("lin.tab_map"), "compose": t("lin.tab_compose"), "fold": t("lin.tab_fold")}, "lin_view")


def plane() -> None:
    m = lin_controls(side)
    st.session_state["lin_out"] = map_view(m, image)
    code_panel(linear_maps_code(m.w, m.b, m.x), "linear_maps.py")


def composition() -> None:
    m = lin_controls(side)
    b = second_controls()
    st.session_state["lin_out_compose"] = compose_view(m.w, b)
    code_panel(linear_maps_code(m.w, m.b, m.x, second=b), "linear_maps.py")


def folding() -> None:
    m = lin_controls(side)
    b = second_controls()
    st.session_state["lin_out_fold"] = fold_view(m, b)
    code_panel(linear_maps_code(m.w, m.b, m.x, second=b, fold=True), "linear_maps.py")


for name, body in (("map", plane), ("compose", composition), ("fold", folding)):
    if tabs[name].open:
        with tabs[name]:
            section(body)
link_notice("lin", notice)  # after every widget
page_explanation("linear_maps")
