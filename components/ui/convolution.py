"""Convolution page helpers: geometry controls, cached compute, pictures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from components.compute.convolution import (
    MAX_DILATION,
    MAX_STRIDE,
    PADDING_MODES,
    ConvGeometry,
    ConvSettings,
    GeometryError,
    convolve,
    dropped_by_floor,
    gradient_magnitude,
    output_size,
    to_grayscale,
    uncovered,
)
from components.compute.kernels import KERNELS, SOBEL_PAIR, make_kernel
from components.figures.raster import clamped_rgb, data_uri, encode, fit, picture, signed_rgb
from components.ui.conv_kernel import kernel_controls
from components.ui.i18n import t
from components.ui.image_input import LoadedImage, display_size
from components.ui.state import bound, clamp_state, url_choice

DEFAULTS = ConvSettings()
PICKER_PX = 320
COLORS = ("rgb", "gray")
DISPLAYS = ("auto", "clamp", "signed")


def conv_controls() -> tuple[ConvSettings, torch.Tensor | None]:
    """All sidebar settings of the page. Returns the settings and the preset kernel
    (``None`` when the kernel is custom: the page body edits it)."""
    sb = st.sidebar
    sb.subheader(t("conv.kernel_header"))
    name, kernel, size, sigma = kernel_controls()
    k_max = kernel.shape[0] if kernel is not None else 9
    magnitude = False
    if name in SOBEL_PAIR:
        magnitude = sb.checkbox(t("conv.magnitude"), help=t("conv.magnitude_help"), **bound("conv_magnitude"))
    sb.subheader(t("conv.geometry_header"))
    clamp_state("conv_padding", 0, k_max)
    padding = sb.slider(
        t("conv.padding"), 0, k_max, min(DEFAULTS.padding, k_max), help=t("conv.padding_help"), **bound("conv_padding")
    )
    mode = url_choice(
        sb.selectbox,
        t("conv.padding_mode"),
        PADDING_MODES,
        "conv_padding_mode",
        DEFAULTS.padding_mode,
        format_func=lambda m: t(f"conv.modes.{m}"),
    )
    stride = sb.slider(
        t("conv.stride"), 1, MAX_STRIDE, DEFAULTS.stride, help=t("conv.stride_help"), **bound("conv_stride")
    )
    dilation = sb.slider(
        t("conv.dilation"), 1, MAX_DILATION, DEFAULTS.dilation, help=t("conv.dilation_help"), **bound("conv_dilation")
    )
    sb.subheader(t("conv.display_header"))
    color = url_choice(
        sb.radio,
        t("conv.color"),
        COLORS,
        "conv_color",
        DEFAULTS.color,
        format_func=lambda c: t(f"conv.colors.{c}"),
        horizontal=True,
    )
    display = url_choice(
        sb.radio,
        t("conv.display"),
        DISPLAYS,
        "conv_display",
        DEFAULTS.display,
        format_func=lambda c: t(f"conv.displays.{c}"),
    )
    settings = ConvSettings(
        st.session_state.get("conv_image", DEFAULTS.image),
        name,
        size,
        sigma,
        padding,
        mode,
        stride,
        dilation,
        color,
        display,
        magnitude,
    )
    return settings, kernel


def signed_display(settings: ConvSettings, kernel: torch.Tensor) -> bool:
    """Whether to show signed values: chosen, or automatic for edge kernels."""
    if settings.display != "auto":
        return settings.display == "signed"
    preset = KERNELS.get(settings.kernel)
    if settings.magnitude:
        return False
    return preset.signed if preset else bool((kernel < 0).any())


def output_size_panel(h: int, w: int, g: ConvGeometry) -> None:
    """The size formula with the current numbers, and what the floor drops."""
    st.markdown(t("conv.size_title"))
    for axis, n in ((t("conv.height"), h), (t("conv.width"), w)):
        out = output_size(n, g)
        fraction = rf"\frac{{{n} + 2\cdot{g.padding} - {g.dilation}\cdot({g.kernel_size}-1) - 1}}{{{g.stride}}}"
        st.latex(rf"\text{{{axis}}}:\ \left\lfloor {fraction} \right\rfloor + 1 = {out}")
        dropped = dropped_by_floor(n, g)
        if dropped and out > 0:
            st.caption(t("conv.dropped", axis=axis, first=dropped[0], last=dropped[-1], n=len(dropped)))
        skipped = len(uncovered(n, g)) - len(dropped)
        if skipped > 0 and out > 0:
            st.caption(t("conv.skipped", axis=axis, n=skipped))


@dataclass(frozen=True)
class ConvResult:
    """Attributes: input actually filtered ``(C, H, W)``, output ``(C, Ho, Wo)``."""

    source: torch.Tensor
    output: torch.Tensor
    key: tuple


@st.cache_resource(max_entries=6, show_spinner=False)
def _run(digest: str, _image: torch.Tensor, weights: tuple, g: ConvGeometry, gray: bool, magnitude: bool) -> ConvResult:
    source = to_grayscale(_image) if gray else _image
    kernel = torch.tensor(weights, dtype=torch.float32)
    out = convolve(source, kernel, g)
    if magnitude:
        out = gradient_magnitude(out, convolve(source, make_kernel(SOBEL_PAIR[1]), g))
    return ConvResult(source, out, (digest, weights, g, gray, magnitude))


def run_convolution(image: LoadedImage, kernel: torch.Tensor, settings: ConvSettings) -> ConvResult:
    """Cached by (image bytes, weights, geometry). Raises ``GeometryError``."""
    g = geometry(settings, kernel)
    return _run(
        image.digest, image.tensor, tuple(map(tuple, kernel.tolist())), g, settings.color == "gray", settings.magnitude
    )


def geometry(settings: ConvSettings, kernel: torch.Tensor) -> ConvGeometry:
    return ConvGeometry(kernel.shape[0], settings.padding, settings.padding_mode, settings.stride, settings.dilation)


def output_pixels(result: ConvResult, signed: bool) -> tuple[np.ndarray, float | None]:
    """Display pixels and, for the signed scale, its limit."""
    if signed:
        return signed_rgb(result.output)
    return clamped_rgb(result.output), None


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


__all__ = ["ConvResult", "GeometryError", "conv_controls", "output_picture", "png_download", "run_convolution"]
