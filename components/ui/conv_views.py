"""The Convolution page's two close-up views: multiply-add inspector and sliding window."""

from __future__ import annotations

import streamlit as st
import torch

from components.compute.convolution import (
    ConvGeometry,
    GeometryError,
    check_geometry,
    convolve,
    multiply_add,
    output_size,
    pad,
    window_taps,
)
from components.compute.kernels import SOBEL_PAIR, make_kernel
from components.figures.convolution import multiply_add_figure, pick_figure, sliding_window_figure
from components.ui.convolution import ConvResult
from components.ui.i18n import t
from components.ui.projector import show_figure
from components.ui.state import clamp_state

PICKER = "conv_pick"
CROP = 10
MAX_FRAMES = 100


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


def _sum_latex(weights: torch.Tensor, patch: torch.Tensor, oy: int, ox: int, total: float, shown: int = 6) -> str:
    """``y[oy,ox] = w1·x1 + w2·x2 + … = total`` with the first ``shown`` terms written out."""
    pairs = list(zip(weights.flatten().tolist(), patch.flatten().tolist(), strict=True))
    terms = " + ".join(rf"({w:.3g})\cdot {x:.3g}" for w, x in pairs[:shown])
    more = rf" + \dots\ ({len(pairs)}\ \text{{terms}})" if len(pairs) > shown else ""
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
    pick_col, sum_col = st.columns([2, 3], gap="large")
    with pick_col:
        fig = pick_figure(picker_image, output.shape[1], output.shape[2], (oy, ox), t("conv.pick_title"))
        show_figure(fig, key=PICKER, on_select="rerun", selection_mode="points")
    with sum_col:
        ma = _products_figure(source, kernel, g, (ch, oy, ox), "conv_ma")
    if magnitude:
        st.markdown(t("conv.ma_vertical"))
        ma_y = _products_figure(source, make_kernel(SOBEL_PAIR[1]), g, (ch, oy, ox), "conv_ma_y")
        st.latex(rf"\sqrt{{({ma.total:.5g})^2 + ({ma_y.total:.5g})^2}} = {value:.5g}")
    else:
        st.latex(_sum_latex(ma.weights, ma.patch, oy, ox, ma.total))
    c1, c2 = st.columns(2)
    c1.metric(t("conv.ma_sum"), f"{(ma.total if not magnitude else value):.6g}")
    c2.metric(t("conv.ma_output", y=oy, x=ox), f"{value:.6g}")


def _crop_origin(oy: int, ox: int, g: ConvGeometry, h: int, w: int, size: int) -> tuple[int, int]:
    top = min(max(0, oy * g.stride - g.padding - size // 2 + g.span // 2), h - size)
    left = min(max(0, ox * g.stride - g.padding - size // 2 + g.span // 2), w - size)
    return top, left


def sliding_window(source: torch.Tensor, kernel: torch.Tensor, g: ConvGeometry) -> None:
    """Animate the window over a small crop near the inspected pixel."""
    h, w = source.shape[1:]
    size = min(CROP, h, w)
    ch = int(st.session_state.get("conv_channel", 0))
    top, left = _crop_origin(
        int(st.session_state.get("conv_oy", 0)), int(st.session_state.get("conv_ox", 0)), g, h, w, size
    )
    crop = source[ch, top : top + size, left : left + size]
    try:
        check_geometry(size, size, g)
    except GeometryError:
        st.info(t("conv.window_too_big", size=size))
        return
    out = convolve(crop.unsqueeze(0), kernel, g)[0]
    h_out, w_out = output_size(size, g), output_size(size, g)
    positions = [(y, x) for y in range(h_out) for x in range(w_out)][:MAX_FRAMES]
    taps = [window_taps(y, x, g) for y, x in positions]
    st.caption(t("conv.window_help", size=size, top=top, left=left, n=len(positions)))
    if len(positions) < h_out * w_out:
        st.caption(t("conv.window_capped", n=MAX_FRAMES))
    padded = pad(crop.unsqueeze(0), g)[0]
    labels = {k: t(f"conv.window_{k}") for k in ("input", "output", "play", "pause", "step")}
    show_figure(sliding_window_figure(padded, out, taps, labels), key="conv_window_fig")
