"""The Convolution page's two close-up views: multiply-add inspector and sliding window."""

from __future__ import annotations

import streamlit as st
import torch

from components.compute.convolution import ConvGeometry, gather_padded, multiply_add, window_taps
from components.compute.kernels import SOBEL_PAIR, make_kernel
from components.figures.convolution import multiply_add_html, sliding_window_figure
from components.figures.heatgrid import cell_digits
from components.figures.numbers import fmt
from components.ui.convolution.controls import ConvResult
from components.ui.convolution.pick import pick_controls, pickers
from components.ui.convolution.pictures import Shown
from components.ui.i18n import t
from components.ui.lesson import masked
from components.ui.projector import is_projector, show_figure

REGION = 16  # padded-input pixels per side the animation aims for
MAX_SIDE = 8  # at most 8 x 8 output positions (frames)
MAX_SPAN = 29  # larger windows do not fit a readable animation
SHOWN_TERMS = 3  # products written out in the sum; the rest are "…"


def _products_figure(
    source: torch.Tensor, kernel: torch.Tensor, g: ConvGeometry, where: tuple[int, int, int], key: str
):
    ch, oy, ox = where
    ma = multiply_add(source[ch], kernel, g, oy, ox)
    titles = [t("conv.ma_patch"), t("conv.ma_weights"), t("conv.ma_products")]
    st.container(key=key).html(multiply_add_html(ma.patch, ma.weights, ma.products, titles))
    return ma


def sum_latex(weights: torch.Tensor, patch: torch.Tensor, oy: int, ox: int, total: float) -> str:
    """``y[oy,ox] = w1·x1 + w2·x2 + … = total``, stacked on short lines (it must fit a projector at 1024 px).

    The first terms are written with the digits the multiply-add figure prints
    in its cells, so a number reads the same in the picture and in the sum.
    """
    digits = cell_digits(weights.shape[1]) or 3
    pairs = list(zip(weights.flatten().tolist(), patch.flatten().tolist(), strict=True))
    terms = [rf"({fmt(w, digits)})\cdot {fmt(x, digits)}" for w, x in pairs[:SHOWN_TERMS]]
    if len(pairs) > SHOWN_TERMS:
        terms.append(rf"\dots\ \text{{({t('conv.terms', n=len(pairs))})}}")
    lines = [" + ".join(terms[i : i + 2]) for i in range(0, len(terms), 2)]
    body = r" \\ &\quad + ".join(lines)
    return rf"\begin{{aligned}} y_{{{oy},{ox}}} &= {body} \\ &= {masked(fmt(total, 5))} \end{{aligned}}"


def _numbers(label: str, value: str, oy: int, ox: int, output: str) -> None:
    """The two numbers that must agree, side by side, each as wide as it needs (they wrap, never clip)."""
    with st.container(horizontal=True, gap="large"):
        st.metric(label, value, width="content")
        st.metric(t("conv.ma_output", y=oy, x=ox), output, width="content")


def inspector(result: ConvResult, kernel: torch.Tensor, g: ConvGeometry, magnitude: bool, shown: Shown) -> None:
    """Pick an output pixel (click or x/y); show the patch, the weights, their products and the sum.

    Args:
        shown: the output picture as the page draws it (the pickers show the same).
    """
    source, output = result.source, result.output
    st.markdown(t("conv.inspector_help"))
    oy, ox, ch = pick_controls(output.shape[1], output.shape[2], source.shape[0])
    pickers(result, shown, oy, ox)
    value = float(output[ch, oy, ox])
    ma = _products_figure(source, kernel, g, (ch, oy, ox), "conv_ma")
    if magnitude:
        st.markdown(t("conv.ma_vertical"))
        ma_y = _products_figure(source, make_kernel(SOBEL_PAIR[1]), g, (ch, oy, ox), "conv_ma_y")
        st.latex(
            rf"\begin{{aligned}} &\sqrt{{({fmt(ma.total, 5)})^2 + ({fmt(ma_y.total, 5)})^2}} \\"
            rf" &= {masked(fmt(value, 5))} \end{{aligned}}"
        )
    else:
        st.latex(sum_latex(ma.weights, ma.patch, oy, ox, ma.total))
    label = t("conv.ma_magnitude") if magnitude else t("conv.ma_sum")
    # The lesson's key number: with "Predict first" the class guesses it before it is shown.
    _numbers(label, masked(fmt(value if magnitude else ma.total, 5)), oy, ox, masked(fmt(value, 5)))


def _block(center: int, n: int, size: int) -> int:
    """First index of ``n`` consecutive output positions around ``center`` inside ``size``."""
    return min(max(0, center - n // 2), max(0, size - n))


def sliding_window(result: ConvResult, kernel: torch.Tensor, g: ConvGeometry, magnitude: bool = False) -> None:
    """Animate the window over the real (padded) input around the inspected pixel.

    The animation shows a small block of output positions; its input region is
    read from the padded image, so every value equals the page's output.
    """
    _, h_out, w_out = result.output.shape
    oy, ox, ch = pick_controls(h_out, w_out, result.source.shape[0])  # the inspector's pixel, kept here too
    if g.span > MAX_SPAN:
        st.info(t("conv.window_too_big", span=g.span, limit=MAX_SPAN))
        return
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
    for col, part in zip(st.columns(2, gap="medium"), ("input", "output"), strict=True):
        col.caption(t(f"conv.window_{part}"))  # above the chart: two titles inside it overlap on a projector
    labels = {"input": "", "output": ""} | {k: t(f"conv.window_{k}") for k in ("play", "pause", "step")}
    start = (oy - oy0) * nx + (ox - ox0)  # open on the inspected pixel
    projector = is_projector()  # body-sized digits do not fit these cells: values on hover and in the other tab
    show_figure(sliding_window_figure(region, out, taps, labels, start, not projector), key="conv_window_fig")
    if projector:
        st.caption(t("conv.window_numbers"))
