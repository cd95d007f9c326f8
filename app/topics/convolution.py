"""Convolution · 卷积: a kernel slides over an image; each output pixel is a weighted sum."""

import streamlit as st

from components.compute.convolution import ConvSettings, GeometryError
from components.compute.kernels import SOBEL_PAIR, make_kernel
from components.figures.convolution import kernel_figure
from components.snippets.convolution import convolution_code
from components.ui.code_panel import code_panel
from components.ui.conv_kernel import custom_editor
from components.ui.conv_views import inspector, sliding_window
from components.ui.convolution import (
    conv_controls,
    geometry,
    output_picture,
    output_size_panel,
    picker_image,
    png_download,
    run_convolution,
    signed_display,
)
from components.ui.i18n import explanation, t
from components.ui.image_input import image_input, input_picture
from components.ui.projector import show_figure
from components.ui.state import reset_button

DISPLAY_PX = 480  # on-screen size of the input's long side; the output uses the same scale

st.title(t("conv.title"))
st.markdown(t("conv.idea"))

image = image_input("conv")
settings, preset = conv_controls()
reset_button("conv", ConvSettings)

kernel_col, size_col = st.columns([1, 2], gap="large")
with kernel_col:
    kernel = preset if preset is not None else custom_editor()
    show_figure(kernel_figure(kernel, t("conv.kernel_weights", k=kernel.shape[0])), key="conv_kernel_fig")

g = geometry(settings, kernel)
_, h, w = image.tensor.shape
with size_col:
    output_size_panel(h, w, g)

scale = DISPLAY_PX / max(h, w)  # one scale for both pictures: stride visibly shrinks the output
try:
    result = run_convolution(image, kernel, settings)
except GeometryError as err:
    st.warning(t(f"conv.geometry_error.{err.reason}", span=g.span, h=h, w=w, p=g.padding), icon=":material/error:")
    st.image(input_picture(image, scale)[0], caption=t("conv.input_caption", w=w, h=h))
    st.stop()

st.session_state["conv_output"] = result.output  # the tensor on screen (tests compare the code panel with it)
signed = signed_display(settings, kernel)
in_picture, in_width = input_picture(image, scale)
out_picture, out_width, limit = output_picture(result, signed, scale)
_, h_out, w_out = result.output.shape
col_in, col_out = st.columns(2, gap="medium")
col_in.image(in_picture, caption=t("conv.input_caption", w=w, h=h), width=in_width)
col_out.image(out_picture, caption=t("conv.output_caption", w=w_out, h=h_out), width=out_width)
st.caption(t("conv.legend_signed", limit=f"{limit:.3g}") if signed else t("conv.legend_clamped"))

m = st.columns(4)
m[0].metric(t("conv.metric_input"), f"{w}×{h}")
m[1].metric(t("conv.metric_output"), f"{w_out}×{h_out}")
m[2].metric(t("conv.metric_kernel"), f"{g.kernel_size}×{g.kernel_size}")
m[3].metric(t("conv.metric_macs"), f"{result.output.numel() * g.kernel_size**2:,}")
st.download_button(
    t("conv.download"),
    lambda: png_download(result, signed),
    file_name="convolution.png",
    mime="image/png",
    on_click="ignore",
    icon=":material/download:",
)

# Lazy tabs: only the open one runs (the animation is the heaviest view).
tab_ma, tab_window = st.tabs([t("conv.tab_inspector"), t("conv.tab_window")], key="conv_view", on_change="rerun")
if tab_ma.open:
    with tab_ma:
        inspector(result, kernel, g, settings.magnitude, picker_image(result, signed))
if tab_window.open:
    with tab_window:
        sliding_window(result.source, kernel, g)

code_panel(
    convolution_code(
        image.path,
        (w, h) if image.decoded.resized else None,
        kernel,
        g,
        settings.color == "gray",
        make_kernel(SOBEL_PAIR[1]) if settings.magnitude else None,
    ),
    "convolution.py",
)
st.markdown(explanation("convolution"))
