"""Upsampling · 上采样: bring a low-resolution feature map back to the original picture's size."""

import streamlit as st

from components.compute.upsampling import UpSettings
from components.snippets.upsampling import upsampling_code
from components.ui.code_panel import code_panel
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.image_input import image_input
from components.ui.lesson import Lesson, page_header
from components.ui.present import controls, is_present, page_explanation
from components.ui.state import link_notice, reset_button, url_tabs
from components.ui.upsampling import STEPS
from components.ui.upsampling.controls import original, results, up_controls
from components.ui.upsampling.views import crop_controls, gallery, score_table, tiny_view, transposed_view

page_header("up", Lesson("up", UpSettings, STEPS))
notice = st.container()
image = image_input("up")
side = None if is_present() else st.sidebar.container()  # the settings: drawn by the section below, in place
reset_button("up", UpSettings)


def up_body() -> None:
    """Everything the settings change: a settings change reruns only this (``ui.fragments``)."""
    settings = up_controls(controls(side), "up_image")
    orig = original(image)
    res = results(image, settings)
    st.session_state["up_results"] = res  # what the page shows (tests compare the code panel with it)
    tabs = url_tabs({"compare": t("up.tab_compare"), "tiny": t("up.tab_tiny"),
                     "transposed": t("up.tab_transposed")}, "up_view")  # fmt: skip
    if tabs["compare"].open:
        with tabs["compare"]:
            pictures = st.container()  # the pictures first, the crop's place under them
            cx, cy = crop_controls()
            with pictures:
                gallery(orig, res, cx, cy)
            score_table(res)
    if tabs["tiny"].open:
        with tabs["tiny"]:
            tiny_view(settings)
    if tabs["transposed"].open:
        with tabs["transposed"]:
            transposed_view(settings, tuple(res["low"].shape[1:]), tuple(orig.shape[1:]))
    link_notice("up", notice)
    code_panel(upsampling_code(image, settings, tuple(orig.shape[1:])), "upsampling.py")


section(up_body)
page_explanation("upsampling")
