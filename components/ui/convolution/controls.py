"""Convolution page helpers: geometry controls, cached compute, pictures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
import torch

from components.compute.convolution import (
    MAX_DILATION,
    MAX_STRIDE,
    PADDING_MODES,
    ConvGeometry,
    ConvSettings,
    convolve,
    dropped_by_floor,
    gradient_magnitude,
    output_size,
    to_grayscale,
    uncovered,
)
from components.compute.kernels import SOBEL_PAIR, is_zero_sum, make_kernel
from components.ui.convolution.kernel import kernel_controls
from components.ui.i18n import t
from components.ui.image_input import LoadedImage
from components.ui.present import controls
from components.ui.state import bound, url_choice

DEFAULTS = ConvSettings()
MAX_PADDING = 15
PICKER_PX = 320
COLORS = ("rgb", "gray")
DISPLAYS = ("auto", "clamp", "signed")


def _same_padding() -> None:
    """Padding that keeps the size at stride 1: half the window span, ``D(K-1)/2``."""
    k, d = st.session_state.get("conv_k", 3), st.session_state.get("conv_dilation", 1)
    st.session_state["conv_padding"] = min(MAX_PADDING, d * (k - 1) // 2)


def conv_controls(where: Any = None) -> tuple[ConvSettings, torch.Tensor | None]:
    """All sidebar settings of the page (in ``where``, a sidebar container, if given). Returns the settings and
    the preset kernel (``None`` when the kernel is custom: the page body edits it)."""
    sb = controls(where)
    sb.subheader(t("conv.kernel_header"))
    name, kernel, size, sigma = kernel_controls(sb)
    magnitude = False
    if name in SOBEL_PAIR:
        magnitude = sb.checkbox(t("conv.magnitude"), **bound("conv_magnitude"))
        sb.caption(t("conv.magnitude_help"))  # not a "?" icon: tapping it would flip the checkbox
    sb.subheader(t("conv.geometry_header"))
    # Fixed bounds: a slider whose range moves gets a new identity and re-reads the URL.
    padding = sb.slider(
        t("conv.padding"), 0, MAX_PADDING, DEFAULTS.padding, help=t("conv.padding_help"), **bound("conv_padding")
    )
    sb.button(t("conv.same_padding"), on_click=_same_padding, help=t("conv.same_padding_help"), key="conv_same")
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
        sb.toggle(t("conv.stretch"), **bound("conv_stretch")),
    )
    sb.caption(t("conv.stretch_help"))
    return settings, kernel


def signed_display(settings: ConvSettings, kernel: torch.Tensor) -> bool:
    """Whether to show signed values: as chosen, or (automatic) when the weights
    sum to 0 — decided by the weights, so a custom copy of a preset looks the same."""
    if settings.display != "auto":
        return settings.display == "signed"
    return not settings.magnitude and is_zero_sum(kernel)


def size_latex(symbol: str, n: int, g: ConvGeometry) -> str:
    """``H_out = ⌊(300 + 2·1 − 1·(3−1) − 1) / 1⌋ + 1`` with the numbers, then the floor and the result
    on a second line: one line of both is too wide for a half-width column at 1024 px (and would be
    shrunk to an unreadable size by ``assets/js/fit.js``)."""
    room = n + 2 * g.padding - g.span
    out = room // g.stride + 1  # may be <= 0: shown as is
    fraction = rf"\frac{{{n} + 2\cdot{g.padding} - {g.dilation}\cdot({g.kernel_size}-1) - 1}}{{{g.stride}}}"
    floor = rf"\left\lfloor \tfrac{{{room}}}{{{g.stride}}} \right\rfloor + 1 = {room // g.stride} + 1 = {out}"
    if g.stride == 1:
        floor = rf"{room} + 1 = {out}"
    first = rf"{symbol}_{{out}} &= \left\lfloor {fraction} \right\rfloor + 1"
    return rf"\begin{{aligned}} {first} \\ &= {floor} \end{{aligned}}"


def output_size_panel(h: int, w: int, g: ConvGeometry) -> None:
    """The size formula with the current numbers, and what the floor drops."""
    with st.container(key="conv_size_panel"):
        st.markdown(t("conv.size_title"))
        for axis, symbol, n in ((t("conv.height"), "H", h), (t("conv.width"), "W", w)):
            st.latex(size_latex(symbol, n, g))
            _size_notes(axis, n, g)


def _size_notes(axis: str, n: int, g: ConvGeometry) -> None:
    if output_size(n, g) <= 0:
        st.caption(t("conv.no_output", axis=axis))
        return
    dropped = dropped_by_floor(n, g)
    if dropped:
        st.caption(t("conv.dropped", axis=axis, first=dropped[0], last=dropped[-1], n=len(dropped)))
    skipped = len(uncovered(n, g)) - len(dropped)
    if skipped > 0:
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
    """The window geometry; also remembers K for the "same padding" button."""
    st.session_state["conv_k"] = kernel.shape[0]
    return ConvGeometry(kernel.shape[0], settings.padding, settings.padding_mode, settings.stride, settings.dilation)
