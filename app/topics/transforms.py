"""Transforms · 图像变换流水线: ``transforms.Compose`` chains image transforms; see every stage."""

import streamlit as st
from PIL import Image

from components.compute.transforms import run_pipeline
from components.snippets.transforms import transforms_code
from components.ui.code_panel import code_panel
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.image_input import image_input
from components.ui.lesson import Lesson, page_header
from components.ui.present import controls, is_present, page_explanation
from components.ui.state import link_notice, reset_button, url_tabs
from components.ui.transforms import STEPS
from components.ui.transforms.pipeline import TfSettings, pipeline_editor, seed_controls
from components.ui.transforms.views import batch_view, film_strip

page_header("tf", Lesson("tf", TfSettings, STEPS))
notice = st.container()
image = image_input("tf")
side = None if is_present() else st.sidebar.container()  # the pipeline: drawn by the section below, in place
reset_button("tf", TfSettings)


def tf_body() -> None:
    """Everything the pipeline and the seed change: a change reruns only this (``ui.fragments``)."""
    sb = controls(side)
    seed = seed_controls(sb)
    stages = pipeline_editor(sb)
    picture = Image.fromarray(image.decoded.pixels)
    (run,) = run_pipeline(picture, stages, seed)
    st.session_state["tf_run"] = run  # what the page shows (tests compare the code panel with it)
    tabs = url_tabs({"strip": t("tf.tab_strip"), "batch": t("tf.tab_batch")}, "tf_view")
    if tabs["strip"].open:
        with tabs["strip"]:
            st.caption(t("tf.strip_help"))
            film_strip(picture, image.digest, stages, run)
    if tabs["batch"].open:
        with tabs["batch"]:
            batch_view(picture, stages, seed)
    st.markdown(t("tf.compose_note"))
    link_notice("tf", notice)
    code_panel(transforms_code(image, stages, seed), "transforms.py")


section(tf_body)
page_explanation("transforms")
