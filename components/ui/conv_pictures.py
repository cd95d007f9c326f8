"""Convolution page: the input and output pictures, their legend, the numbers under them."""

from __future__ import annotations

import re

import numpy as np
import streamlit as st
import torch

from components.compute.convolution import ConvGeometry, ConvSettings
from components.compute.kernels import is_zero_sum
from components.figures.raster import clamped_rgb, data_uri, encode, fit, picture, signed_rgb
from components.ui.convolution import ConvResult, signed_display
from components.ui.i18n import t
from components.ui.image_input import LoadedImage, display_size, input_picture

PICKER_PX = 480  # the overview's long side: sharp at its largest (480 x 320 CSS px for a 3:2 output)


@st.cache_resource(max_entries=6, show_spinner=False)
def _output_pixels(_result: ConvResult, key: tuple, signed: bool) -> tuple[np.ndarray, float | None]:
    if signed:
        return signed_rgb(_result.output)
    return clamped_rgb(_result.output), None


def output_pixels(result: ConvResult, signed: bool) -> tuple[np.ndarray, float | None]:
    """Display pixels and, for the signed scale, its limit (cached: the picture,
    the click picker and the download all start from them)."""
    return _output_pixels(result, result.key, signed)


@st.cache_resource(max_entries=6, show_spinner=False)
def _output_picture(_result: ConvResult, key: tuple, signed: bool, size: tuple[int, int]) -> tuple[bytes, float | None]:
    pixels, limit = output_pixels(_result, signed)
    return picture(pixels, *size), limit


def output_picture(result: ConvResult, signed: bool, scale: float) -> tuple[bytes, int, float | None]:
    """The output drawn at ``scale`` (cached per result, display mode and size).

    Returns:
        bytes for ``st.image``, its width in CSS pixels, the signed colour limit.
    """
    _, h, w = result.output.shape
    size = display_size(h, w, scale)
    data, limit = _output_picture(result, result.key, signed, size)
    return data, size[0], limit


@st.cache_resource(max_entries=6, show_spinner=False)
def _picker_image(_result: ConvResult, key: tuple, signed: bool) -> str:
    pixels, _ = output_pixels(_result, signed)
    h, w = pixels.shape[:2]
    size = display_size(h, w, min(1.0, PICKER_PX / max(h, w)))
    return data_uri(encode(fit(pixels, *size), "JPEG"))


def picker_image(result: ConvResult, signed: bool) -> str:
    """A small copy of the output picture (data URI) for the click-to-pick chart."""
    return _picker_image(result, result.key, signed)


ZOOM_PX = 12  # picture pixels per output pixel in the zoom (crisp squares at any chart size)


def zoom_image(result: ConvResult, signed: bool, box: tuple[int, int, int, int]) -> str:
    """The output pixels of ``box = (y0, x0, rows, cols)``, enlarged without blur, as a PNG data URI."""
    y0, x0, rows, cols = box
    crop = output_pixels(result, signed)[0][y0 : y0 + rows, x0 : x0 + cols]
    return data_uri(encode(fit(crop, cols * ZOOM_PX, rows * ZOOM_PX), "PNG"), "PNG")


def png_download(result: ConvResult, signed: bool) -> bytes:
    """The output at its true size as PNG (made only when the button is clicked)."""
    return encode(output_pixels(result, signed)[0], "PNG")


def _sized(key: str, data: bytes, caption: str, percent: float) -> None:
    """An image drawn at ``percent`` of its column's width, whatever the window size."""
    with st.container(key=key):
        st.image(data, caption=caption, width="stretch")
    st.html(f"<style>.st-key-{key} img {{ width: {percent:.3f}% !important; height: auto !important; }}</style>")


def pictures(
    image: LoadedImage, result: ConvResult, settings: ConvSettings, kernel: torch.Tensor, scale: float
) -> bool:
    """Input and output side by side at one scale (or the output stretched to the
    input's size), with the colour legend. Returns whether the output is signed.

    Both columns are equally wide and each picture's CSS width is a percentage
    of its column (the input's long side = 100 %), so the scale stays shared
    on a phone, a laptop or a 1080p projector; ``scale`` only sets how many
    pixels are sent.
    """
    _, h, w = image.tensor.shape
    _, h_out, w_out = result.output.shape
    signed = signed_display(settings, kernel)
    in_picture, _ = input_picture(image, scale)
    factor = max(h / h_out, w / w_out) if settings.stretch else 1.0
    out_picture, _, limit = output_picture(result, signed, scale * factor)
    longest = max(h, w)
    col_in, col_out = st.columns(2, gap="medium")
    with col_in:
        _sized("conv_pic_in", in_picture, t("conv.input_caption", w=w, h=h), 100 * w / longest)
        if image.decoded.resized:
            ow, oh = image.decoded.original_size
            st.caption(t("image.scaled", ow=ow, oh=oh, w=w, h=h))
    with col_out:
        _sized("conv_pic_out", out_picture, t("conv.output_caption", w=w_out, h=h_out), 100 * w_out * factor / longest)
    if signed:
        mean = t("conv.legend_mean") if result.output.shape[0] == 3 else ""
        st.caption(t("conv.legend_signed", limit=f"{limit:.3g}", mean=mean))
        if settings.padding and settings.padding_mode == "zeros" and is_zero_sum(kernel):
            st.caption(t("conv.zero_edge_hint"))
    else:
        st.caption(t("conv.legend_clamped"))
    return signed


def metrics(image: LoadedImage, result: ConvResult, g: ConvGeometry, kernels: int) -> None:
    """Input and output size, kernel, and how many multiply-adds the output took."""
    _, h, w = image.tensor.shape
    _, h_out, w_out = result.output.shape
    macs = result.output.numel() * g.kernel_size**2 * kernels
    # A wrapping row of metrics as wide as their values: four equal columns cut "451×300" to "45…" at 1024 px.
    with st.container(horizontal=True, gap="large"):
        st.metric(t("conv.metric_input"), f"{w}×{h}", width="content")
        st.metric(t("conv.metric_output"), f"{w_out}×{h_out}", width="content")
        st.metric(t("conv.metric_kernel"), f"{g.kernel_size}×{g.kernel_size}", width="content")
        st.metric(
            t("conv.metric_macs"), _compact(macs), help=t("conv.metric_macs_help", n=f"{macs:,}"), width="content"
        )


def _compact(n: int) -> str:
    for size, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return str(n)


def download_name(image: LoadedImage, settings: ConvSettings) -> str:
    """``cat_sobel_x_s2.png``: what, how, and the stride, safe for every file system."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", image.name.rsplit(".", 1)[0]).strip("_") or "image"
    k = settings.size if settings.kernel in ("identity", "box_blur", "gaussian", "motion_blur") else None
    size = f"_k{k}" if k else ""
    return f"{stem}_{settings.kernel}{size}_stride{settings.stride}.png"
