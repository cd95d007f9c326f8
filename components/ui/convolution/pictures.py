"""Convolution page: the input and output pictures, their legend, the numbers under them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import streamlit as st
import torch

from components.compute.convolution import ConvGeometry, ConvSettings
from components.compute.kernels import is_zero_sum
from components.figures.raster import clamped_rgb, display_picture, encode, fit, signed_rgb
from components.ui.convolution.controls import ConvResult, signed_display
from components.ui.i18n import t
from components.ui.image_input import LoadedImage, display_size, input_picture
from components.ui.present import fitted_height

PICKER_PX = 480  # the overview's long side at least: sharp at its largest (480 x 320 CSS px for a 3:2 output)


@st.cache_resource(max_entries=6, show_spinner=False)
def _output_picture(_result: ConvResult, key: tuple, signed: bool, size: tuple[int, int]) -> tuple[bytes, float | None]:
    return display_picture(_result.output, *size, signed)


@dataclass(frozen=True)
class Shown:
    """The output picture as this run draws it: its bytes (the pickers reuse them), size and scale.

    Attributes:
        signed: drawn on the signed (diverging) scale; ``limit`` is then its ``±L``.
        size: ``(width, height)`` in pixels sent.
    """

    picture: bytes
    size: tuple[int, int]
    signed: bool
    limit: float | None


def output_picture(result: ConvResult, signed: bool, scale: float) -> Shown:
    """The output drawn at ``scale``, straight from the output tensor (cached per result, display mode and
    size): the full-size pixels are only made for the download."""
    _, h, w = result.output.shape
    size = display_size(h, w, scale)
    data, limit = _output_picture(result, result.key, signed, size)
    return Shown(data, size, signed, limit)


def picker_picture(result: ConvResult, shown: Shown) -> tuple[bytes, str]:
    """The whole output for the click picker (bytes and format): the picture above when it is sent at
    least ``PICKER_PX`` (or all its pixels) on its long side, else its own copy at that size."""
    _, h, w = result.output.shape
    need = min(max(h, w), PICKER_PX)
    if max(shown.size) >= need:
        data = shown.picture
    else:
        data, _ = _output_picture(result, result.key, shown.signed, display_size(h, w, need / max(h, w)))
    return data, "PNG" if data.startswith(b"\x89PNG") else "JPEG"


ZOOM_PX = 12  # picture pixels per output pixel in the zoom (crisp squares at any chart size)


def zoom_image(result: ConvResult, shown: Shown, box: tuple[int, int, int, int]) -> bytes:
    """The output pixels of ``box = (y0, x0, rows, cols)``, enlarged without blur, as PNG (the colours of
    the picture above: on the signed scale, its limit). Made once per result, box and scale."""
    return _zoom(result, result.key, box, shown.signed, shown.limit)


@st.cache_resource(max_entries=64, show_spinner=False)
def _zoom(_result: ConvResult, key: tuple, box: tuple[int, int, int, int], signed: bool, limit: float | None) -> bytes:
    y0, x0, rows, cols = box
    crop = _result.output[:, y0 : y0 + rows, x0 : x0 + cols]
    pixels = signed_rgb(crop, limit)[0] if signed else clamped_rgb(crop)
    return encode(fit(pixels, cols * ZOOM_PX, rows * ZOOM_PX), "PNG")


def png_download(result: ConvResult, signed: bool) -> bytes:
    """The output at its true size as PNG (made only when the button is clicked)."""
    pixels = signed_rgb(result.output)[0] if signed else clamped_rgb(result.output)
    return encode(pixels, "PNG")


CAPTION_PX = 48  # the caption under a picture, for the presentation view's height


def _sized(key: str, data: bytes, caption: str, percent: float, tallest: int | None = None) -> None:
    """An image drawn at ``percent`` of its column's width, whatever the window size, and at most ``tallest``
    pixels high (the presentation view: the screen below it; the picture keeps its shape)."""
    with st.container(key=key):
        st.image(data, caption=caption, width="stretch")
    cap = "" if tallest is None else f"max-height: {tallest}px; object-fit: contain; object-position: left top;"
    st.html(f"<style>.st-key-{key} img {{ width: {percent:.3f}% !important; height: auto !important; {cap} }}</style>")


def pictures(
    image: LoadedImage, result: ConvResult, settings: ConvSettings, kernel: torch.Tensor, scale: float
) -> Shown:
    """Input and output side by side at one scale (or the output stretched to the
    input's size), with the colour legend. Returns the output picture as drawn.

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
    shown = output_picture(result, signed, scale * factor)
    longest = max(h, w)
    free = fitted_height("conv_pic_in", None)
    tallest = None if free is None else free - CAPTION_PX
    col_in, col_out = st.columns(2, gap="medium")
    with col_in:
        _sized("conv_pic_in", in_picture, t("conv.input_caption", w=w, h=h), 100 * w / longest, tallest)
        if image.decoded.resized:
            ow, oh = image.decoded.original_size
            st.caption(t("image.scaled", ow=ow, oh=oh, w=w, h=h))
    with col_out:
        caption = t("conv.output_caption", w=w_out, h=h_out)
        _sized("conv_pic_out", shown.picture, caption, 100 * w_out * factor / longest, tallest)
    if signed:
        mean = t("conv.legend_mean") if result.output.shape[0] == 3 else ""
        st.caption(t("conv.legend_signed", limit=f"{shown.limit:.3g}", mean=mean))
        if settings.padding and settings.padding_mode == "zeros" and is_zero_sum(kernel):
            st.caption(t("conv.zero_edge_hint"))
    else:
        st.caption(t("conv.legend_clamped"))
    return shown


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
