"""Convolution · 卷积: a kernel slides over an image; each output pixel is a weighted sum."""

import streamlit as st

from components.compute.convolution import ConvSettings, GeometryError
from components.compute.kernels import SOBEL_PAIR, make_kernel
from components.figures.convolution import kernel_html
from components.snippets.convolution import convolution_code
from components.ui.code_panel import code_panel
from components.ui.convolution import STEPS
from components.ui.convolution.controls import conv_controls, geometry, output_size_panel, run_convolution
from components.ui.convolution.kernel import custom_editor
from components.ui.convolution.pick import default_pixel, inspected_pixel
from components.ui.convolution.pictures import download_name, metrics, pictures, png_download
from components.ui.convolution.views import inspector, sliding_window
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.image_input import image_input, input_picture
from components.ui.lesson import Lesson, page_header
from components.ui.present import is_present, page_explanation, picture_slot
from components.ui.projector import is_projector
from components.ui.state import link_notice, reset_button, url_tabs

DISPLAY_PX = 760 if is_projector() else 640  # pixels sent for the input's long side (CSS fits the column)

page_header("conv", Lesson("conv", ConvSettings, STEPS))
notice = st.container()

image = image_input("conv")
_, h, w = image.tensor.shape
side = None if is_present() else st.sidebar.container()  # the settings: drawn by the section below, in place
reset_button("conv", ConvSettings, extra=default_pixel(h, w))  # the inspected pixel is bound to the link too


def conv_body() -> None:
    """Everything the settings change: a settings change reruns only this (``ui.fragments``)."""
    settings, preset = conv_controls(side)

    first = picture_slot()  # the presentation view: the pictures right under the lesson strip
    kernel_col, size_col = st.columns([1, 1] if preset is None else [1, 2], gap="large")  # room for the grid editor
    with kernel_col:
        kernel = preset if preset is not None else custom_editor()
        g = geometry(settings, kernel)
        st.markdown(t("conv.kernel_weights", k=g.kernel_size, span=g.span))  # above the chart: text wraps there
        st.container(key="conv_kf").html(kernel_html(kernel, g.dilation))
        st.caption(t("conv.kernel_legend"))

    with size_col:
        output_size_panel(h, w, g)

    scale = DISPLAY_PX / max(h, w)
    try:
        result = run_convolution(image, kernel, settings)
    except GeometryError as err:
        st.warning(t(f"conv.geometry_error.{err.reason}", span=g.span, h=h, w=w, p=g.padding), icon=":material/error:")
        st.image(input_picture(image, scale)[0], caption=t("conv.input_caption", w=w, h=h))
        link_notice("conv", notice)
        return

    st.session_state["conv_output"] = result.output  # the tensor on screen (tests compare the code panel with it)
    with first:
        shown = pictures(image, result, settings, kernel, scale)
    metrics(image, result, g, kernels=2 if settings.magnitude else 1)
    st.download_button(
        t("conv.download"),
        lambda: png_download(result, shown.signed),
        file_name=download_name(image, settings),
        mime="image/png",
        on_click="ignore",
        icon=":material/download:",
    )

    # Lazy tabs: only the open one runs (the animation is the heaviest view).
    tabs = url_tabs({"inspector": t("conv.tab_inspector"), "window": t("conv.tab_window")}, "conv_view")
    tab_ma, tab_window = tabs["inspector"], tabs["window"]
    if tab_ma.open:
        with tab_ma:
            inspector(result, kernel, g, settings.magnitude, shown)
    if tab_window.open:
        with tab_window:
            sliding_window(result, kernel, g, settings.magnitude)
    link_notice("conv", notice)  # after every widget, the inspected pixel's included

    code_panel(
        convolution_code(
            image.path,
            (w, h) if image.decoded.resized else None,
            kernel,
            g,
            settings.color == "gray",
            make_kernel(SOBEL_PAIR[1]) if settings.magnitude else None,
            uploaded=image.path == image.name,
            probe=inspected_pixel(result),
            conversion=image.decoded.conversion,
            heif=image.decoded.format == "HEIF",
        ),
        "convolution.py",
    )


section(conv_body)
page_explanation("convolution")
