"""Convolution page: the input and output pictures, their legend, the numbers under them."""

from __future__ import annotations

import re

import numpy as np
import streamlit as st
import torch

from components.compute.convolution import ConvGeometry, ConvSettings
from components.figures.raster import clamped_rgb, data_uri, encode, fit, picture, signed_rgb
from components.ui.convolution import ConvResult, signed_display
from components.ui.i18n import t
from components.ui.image_input import LoadedImage, display_size, input_picture

PICKER_PX = 320


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


def png_download(result: ConvResult, signed: bool) -> bytes:
    """The output at its true size as PNG (made only when the button is clicked)."""
    return encode(output_pixels(result, signed)[0], "PNG")


def pictures(
    image: LoadedImage, result: ConvResult, settings: ConvSettings, kernel: torch.Tensor, scale: float
) -> bool:
    """Input and output side by side at one scale (or the output stretched to the
    input's size), with the colour legend. Returns whether the output is signed."""
    _, h, w = image.tensor.shape
    _, h_out, w_out = result.output.shape
    signed = signed_display(settings, kernel)
    in_picture, in_width = input_picture(image, scale)
    stretch = st.session_state.get("conv_stretch", False)
    out_scale = scale * max(h / h_out, w / w_out) if stretch else scale
    out_picture, out_width, limit = output_picture(result, signed, out_scale)
    col_in, col_out = st.columns(2, gap="medium")
    col_in.image(in_picture, caption=t("conv.input_caption", w=w, h=h), width=in_width)
    col_out.image(out_picture, caption=t("conv.output_caption", w=w_out, h=h_out), width=out_width)
    if image.decoded.resized:
        ow, oh = image.decoded.original_size
        col_in.caption(t("image.scaled", ow=ow, oh=oh, w=w, h=h))
    col_out.toggle(t("conv.stretch"), key="conv_stretch", help=t("conv.stretch_help"))
    if signed:
        mean = t("conv.legend_mean") if result.output.shape[0] == 3 else ""
        st.caption(t("conv.legend_signed", limit=f"{limit:.3g}", mean=mean))
        if settings.padding and settings.padding_mode == "zeros":
            st.caption(t("conv.zero_edge_hint"))
    else:
        st.caption(t("conv.legend_clamped"))
    return signed


def metrics(image: LoadedImage, result: ConvResult, g: ConvGeometry, kernels: int) -> None:
    """Input and output size, kernel, and how many multiply-adds the output took."""
    _, h, w = image.tensor.shape
    _, h_out, w_out = result.output.shape
    macs = result.output.numel() * g.kernel_size**2 * kernels
    m = st.columns(4)
    m[0].metric(t("conv.metric_input"), f"{w}×{h}")
    m[1].metric(t("conv.metric_output"), f"{w_out}×{h_out}")
    m[2].metric(t("conv.metric_kernel"), f"{g.kernel_size}×{g.kernel_size}")
    m[3].metric(t("conv.metric_macs"), _compact(macs), help=t("conv.metric_macs_help", n=f"{macs:,}"))


def _compact(n: int) -> str:
    for size, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return str(n)


def download_name(image: LoadedImage, settings: ConvSettings) -> str:
    """``cat_sobel_x_s2.png``: what, how, and the stride, safe for every file system."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", image.name.rsplit(".", 1)[0]).strip("_") or "image"
    return f"{stem}_{settings.kernel}_s{settings.stride}.png"
