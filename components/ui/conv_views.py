"""The Convolution page's two close-up views: multiply-add inspector and sliding window."""

from __future__ import annotations

import streamlit as st
import torch

from components.compute.convolution import ConvGeometry, gather_padded, multiply_add, window_taps
from components.compute.kernels import SOBEL_PAIR, make_kernel
from components.figures.convolution import multiply_add_figure, pick_figure, sliding_window_figure
from components.ui.convolution import ConvResult
from components.ui.i18n import t
from components.ui.projector import show_figure
from components.ui.state import clamp_state

PICKER = "conv_pick"
REGION = 16  # padded-input pixels per side the animation aims for
MAX_SIDE = 8  # at most 8 x 8 output positions (frames)
MAX_SPAN = 29  # larger windows do not fit a readable animation


def _take_click(h_out: int, w_out: int) -> None:
    """Move the inspected pixel to a new click on the picker chart (before its inputs exist)."""
    points = (st.session_state.get(PICKER) or {}).get("selection", {}).get("points") or []
    if not points:
        return
    x, y = round(float(points[-1]["x"])), round(float(points[-1]["y"]))
    if st.session_state.get(f"{PICKER}_seen") != (x, y):
        st.session_state[f"{PICKER}_seen"] = (x, y)
        st.session_state["conv_ox"], st.session_state["conv_oy"] = min(max(x, 0), w_out - 1), min(max(y, 0), h_out - 1)


def _number(container, label: str, high: int, default: int, key: str) -> int:
    # Pass a default only the first time: the value may have been set by a click.
    kwargs = {} if key in st.session_state else {"value": default}
    return int(container.number_input(label, 0, high, key=key, **kwargs))


def pick_pixel(h_out: int, w_out: int, channels: int) -> tuple[int, int, int]:
    """x/y (and channel) controls for the inspected output pixel; default the centre."""
    _take_click(h_out, w_out)
    clamp_state("conv_ox", 0, w_out - 1)
    clamp_state("conv_oy", 0, h_out - 1)
    cols = st.columns(3)
    ox = _number(cols[0], t("conv.pick_x"), w_out - 1, w_out // 2, "conv_ox")
    oy = _number(cols[1], t("conv.pick_y"), h_out - 1, h_out // 2, "conv_oy")
    names = ["R", "G", "B"][:channels] if channels == 3 else [t("conv.colors.gray")]
    ch = cols[2].selectbox(t("conv.channel"), range(channels), format_func=names.__getitem__, key="conv_channel")
    return int(oy), int(ox), int(ch)


def _products_figure(
    source: torch.Tensor, kernel: torch.Tensor, g: ConvGeometry, where: tuple[int, int, int], key: str
):
    ch, oy, ox = where
    ma = multiply_add(source[ch], kernel, g, oy, ox)
    titles = [t("conv.ma_patch"), t("conv.ma_weights"), t("conv.ma_products")]
    show_figure(multiply_add_figure(ma.patch, ma.weights, ma.products, titles), key=key)
    return ma


def _sum_latex(weights: torch.Tensor, patch: torch.Tensor, oy: int, ox: int, total: float, shown: int = 3) -> str:
    """``y[oy,ox] = w1·x1 + w2·x2 + … = total`` with the first ``shown`` terms written out."""
    pairs = list(zip(weights.flatten().tolist(), patch.flatten().tolist(), strict=True))
    terms = " + ".join(rf"({w:.3g})\cdot {x:.3g}" for w, x in pairs[:shown])
    more = rf" + \dots\ \text{{({t('conv.terms', n=len(pairs))})}}" if len(pairs) > shown else ""
    return rf"y_{{{oy},{ox}}} = {terms}{more} = {total:.5g}"


def inspector(result: ConvResult, kernel: torch.Tensor, g: ConvGeometry, magnitude: bool, picker_image: str) -> None:
    """Pick an output pixel (click or x/y); show the patch, the weights, their products and the sum.

    Args:
        picker_image: the output picture as a data URI, drawn under the click grid.
    """
    source, output = result.source, result.output
    st.markdown(t("conv.inspector_help"))
    oy, ox, ch = pick_pixel(output.shape[1], output.shape[2], source.shape[0])
    value = float(output[ch, oy, ox])
    # The picker and the two numbers side by side; the products get the full width
    # below (three panels side by side need it on a laptop or a narrow window).
    pick_col, numbers_col = st.columns([1, 1], gap="large")
    with pick_col:
        fig = pick_figure(picker_image, output.shape[1], output.shape[2], (oy, ox), t("conv.pick_title"))
        show_figure(fig, key=PICKER, on_select="rerun", selection_mode="points")
    ma = _products_figure(source, kernel, g, (ch, oy, ox), "conv_ma")
    if magnitude:
        st.markdown(t("conv.ma_vertical"))
        ma_y = _products_figure(source, make_kernel(SOBEL_PAIR[1]), g, (ch, oy, ox), "conv_ma_y")
        st.latex(rf"\sqrt{{({ma.total:.5g})^2 + ({ma_y.total:.5g})^2}} = {value:.5g}")
    else:
        st.latex(_sum_latex(ma.weights, ma.patch, oy, ox, ma.total))
    with numbers_col:
        st.metric(t("conv.ma_magnitude") if magnitude else t("conv.ma_sum"), f"{value if magnitude else ma.total:.5g}")
        st.metric(t("conv.ma_output", y=oy, x=ox), f"{value:.5g}")


def inspected_pixel(result: ConvResult) -> tuple[int, int, int]:
    """``(channel, y, x)`` chosen in the inspector (its centre default before any choice)."""
    c, h_out, w_out = result.output.shape
    return (
        min(int(st.session_state.get("conv_channel", 0)), c - 1),
        min(max(int(st.session_state.get("conv_oy", h_out // 2)), 0), h_out - 1),
        min(max(int(st.session_state.get("conv_ox", w_out // 2)), 0), w_out - 1),
    )


def _block(center: int, n: int, size: int) -> int:
    """First index of ``n`` consecutive output positions around ``center`` inside ``size``."""
    return min(max(0, center - n // 2), max(0, size - n))


def sliding_window(result: ConvResult, kernel: torch.Tensor, g: ConvGeometry, magnitude: bool = False) -> None:
    """Animate the window over the real (padded) input around the inspected pixel.

    The animation shows a small block of output positions; its input region is
    read from the padded image, so every value equals the page's output.
    """
    if g.span > MAX_SPAN:
        st.info(t("conv.window_too_big", span=g.span, limit=MAX_SPAN))
        return
    ch, oy, ox = inspected_pixel(result)
    _, h_out, w_out = result.output.shape
    n = max(1, min(MAX_SIDE, (REGION - g.span) // g.stride + 1))
    ny, nx = min(n, h_out), min(n, w_out)
    oy0, ox0 = _block(oy, ny, h_out), _block(ox, nx, w_out)
    top, left = oy0 * g.stride, ox0 * g.stride  # padded coordinates of the region's corner
    rows = list(range(top, (oy0 + ny - 1) * g.stride + g.span))
    cols = list(range(left, (ox0 + nx - 1) * g.stride + g.span))
    region = gather_padded(result.source[ch], rows, cols, g)
    taps = []
    for y in range(oy0, oy0 + ny):
        for x in range(ox0, ox0 + nx):
            r, c = window_taps(y, x, g)
            taps.append(([v - top for v in r], [v - left for v in c]))
    out = result.output[ch, oy0 : oy0 + ny, ox0 : ox0 + nx]
    st.caption(
        t("conv.window_help", y0=oy0, y1=oy0 + ny - 1, x0=ox0, x1=ox0 + nx - 1, r0=top - g.padding, c0=left - g.padding)
    )
    if magnitude:
        st.caption(t("conv.window_magnitude"))
    labels = {k: t(f"conv.window_{k}") for k in ("input", "output", "play", "pause", "step")}
    start = (oy - oy0) * nx + (ox - ox0)  # open on the inspected pixel
    show_figure(sliding_window_figure(region, out, taps, labels, start), key="conv_window_fig")
