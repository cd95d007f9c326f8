"""The Upsampling page's views: every method on one crop, their errors, a tiny feature map cell by cell, and
the transposed convolution's size formula and overlap counts."""

from __future__ import annotations

import math
from dataclasses import replace

import streamlit as st
import torch

from components.compute.upsampling import (
    METHODS,
    UpError,
    UpSettings,
    contributions,
    conv_sizes_from,
    overlap_counts,
    tiny_map,
    transposed_params,
    transposed_size,
    upsample_exact,
)
from components.figures.grid_html import grid, grids
from components.figures.numbers import fmt
from components.figures.upsampling import crop, crop_box, gallery_html, overlap_spectrum_figure, overshoot, sprite_png
from components.ui.i18n import t
from components.ui.lesson import masked
from components.ui.media import media_url
from components.ui.plot_click import plot_click
from components.ui.projector import show_figure
from components.ui.state import bound, clamp_state, url_choice
from components.ui.tables import static_table

D = UpSettings()
TINY_FACTOR = 3  # the tiny map is upsampled by the page's factor, at most this (its numbers must fit)
OVERLAP_N = 6  # the all-ones input of the overlap map
SPECTRUM_N = 40  # ... and of its spectrum (a longer row: a finer frequency axis)


def crop_controls() -> tuple[int, int]:
    left, right = st.columns(2)
    cx = left.slider(t("up.cx"), 0, 100, D.cx, step=1, **bound("up_cx"))
    cy = right.slider(t("up.cy"), 0, 100, D.cy, step=1, **bound("up_cy"))
    return cx, cy


def _note(result: tuple | UpError) -> str:
    if isinstance(result, UpError):
        return t(f"up.error.{result.reason}", **result.detail)
    sc = result[1]
    psnr = "∞" if math.isinf(sc.psnr) else fmt(sc.psnr, 3)
    return t("up.note", psnr=psnr, h=sc.size[0], w=sc.size[1])


def gallery(orig: torch.Tensor, res: dict, cx: int, cy: int) -> None:
    """The original and every method on the same crop at the original's pixel scale (one picture, tiled)."""
    box = crop_box(orig.shape[1], orig.shape[2], cx, cy)
    low = res["low"]
    tiles = [crop(orig, box)]
    captions = [(t("up.original"), t("up.original_note", h=orig.shape[1], w=orig.shape[2], lh=low.shape[1],
                                     lw=low.shape[2]))]  # fmt: skip
    for method in METHODS:
        result = res[method]
        if isinstance(result, UpError):
            continue
        tiles.append(crop(result[0], box))
        captions.append((t(f"up.methods.{method}"), _note(result)))
        if method == "bicubic":
            tiles.append(overshoot(crop(result[0], box)))
            captions.append((t("up.overshoot"), t("up.overshoot_note", share=fmt(100 * result[1].overshoot, 2))))
    url = media_url(sprite_png(tiles), "PNG", "up_gallery")
    st.container(key="up_gallery").html(gallery_html(url, captions))


def score_table(res: dict) -> None:
    rows = []
    for method in METHODS:
        result = res[method]
        if isinstance(result, UpError):
            rows.append({t("up.col_method"): t(f"up.methods.{method}"), t("up.col_size"): "—", t("up.col_mse"): "—",
                         t("up.col_psnr"): _note(result), t("up.col_over"): "—"})  # fmt: skip
            continue
        sc = result[1]
        rows.append({
            t("up.col_method"): t(f"up.methods.{method}"),
            t("up.col_size"): f"{sc.size[1]}×{sc.size[0]}",
            t("up.col_mse"): fmt(sc.mse, 3),
            t("up.col_psnr"): masked("∞" if math.isinf(sc.psnr) else fmt(sc.psnr, 4)),
            t("up.col_over"): f"{fmt(100 * sc.overshoot, 2)} %",
        })  # fmt: skip
    static_table(rows)
    st.caption(t("up.table_help"))


def _pick(i: float, j: float, rows: int, cols: int) -> None:
    st.session_state["up_ti"] = min(max(int(i), 0), rows - 1)
    st.session_state["up_tj"] = min(max(int(j), 0), cols - 1)


def tiny_view(s: UpSettings) -> None:
    """A few numbers upsampled with one method; an output cell's recipe: which input cells, which weights."""
    left, right = st.columns(2)
    n = url_choice(left.selectbox, t("up.tiny_n"), [3, 4], "up_tiny_n", D.tiny_n, format_func=lambda v: f"{v}×{v}")
    method = url_choice(right.selectbox, t("up.tiny_method"), METHODS, "up_tiny", D.tiny,
                        format_func=lambda m: t(f"up.methods.{m}"))  # fmt: skip
    small = replace(s, factor=min(s.factor, TINY_FACTOR))
    x = tiny_map(n, s.seed)
    try:
        out = upsample_exact(x, method, small)
    except (UpError, RuntimeError) as err:
        st.warning(t(f"up.error.{err.reason}", **err.detail) if isinstance(err, UpError) else str(err))
        return
    rows, cols = out.shape[1], out.shape[2]
    clamp_state("up_ti", 0, rows - 1)
    clamp_state("up_tj", 0, cols - 1)
    a, b = st.columns(2)
    i = a.slider(t("up.ti"), 0, max(rows - 1, 1), min(D.ti, rows - 1), **bound("up_ti"))
    j = b.slider(t("up.tj"), 0, max(cols - 1, 1), min(D.tj, cols - 1), **bound("up_tj"))
    weights = contributions(x, method, small, i, j)
    st.markdown(t("up.tiny_title", n=n, f=small.factor, rows=rows, cols=cols))
    left, right = st.columns([3, 2], gap="medium")
    picked = f".st-key-up_tiny_out .mlp-cells > div:nth-child({i * cols + j + 1})"
    mark = f"<style>{picked} {{ outline: 3px solid #000; outline-offset: -3px; }}</style>"
    out_grid = grid(out[0].numpy(), True, t("up.tiny_output", i=i, j=j), narrow=16, digits=3)
    left.container(key="up_tiny_out").html(mark + grids([out_grid]))
    with left:
        plot_click("up_tiny_out", (0, cols), (rows, 0), lambda cx, cy: _pick(cy, cx, rows, cols), inside=".mlp-cells")
    panels = [grid(x[0].numpy(), True, t("up.tiny_input"), narrow=8, digits=2),
              grid(weights.numpy(), True, t("up.tiny_weights", i=i, j=j), narrow=8, digits=3)]  # fmt: skip
    right.container(key="up_tiny_in").html(grids(panels))  # a narrow column: one under the other
    terms = [(float(w), float(v)) for w, v in zip(weights.view(-1), x.view(-1), strict=True) if w != 0]
    total = sum(w * v for w, v in terms)
    shown = " + ".join(f"{fmt(w, 3)}·{fmt(v, 2)}" for w, v in terms[:8]) + (" + …" if len(terms) > 8 else "")
    st.markdown(t("up.tiny_sum", i=i, j=j, terms=shown or "0", total=fmt(total, 5), value=fmt(float(out[0, i, j]), 5)))


def transposed_view(s: UpSettings, low_size: tuple[int, int], size: tuple[int, int]) -> None:
    """``H_out`` with the numbers, what ``output_padding`` chooses, and the overlap counts (the checkerboard)."""
    k, stride, p, op = transposed_params(s)
    if op >= stride:
        st.warning(t("up.error.op_too_big", op=op, s=stride), icon=":material/error:")
        op = stride - 1
    h = low_size[0]
    out = transposed_size(h, k, stride, p, op)
    st.markdown(t("up.size_title"))
    st.latex(rf"H_\text{{out}} = ({h} - 1)\cdot {stride} - 2\cdot {p} + ({k} - 1) + {op} + 1 = {masked(str(out))}")
    st.caption(t("up.size_vs", out=out, h=size[0]) if out != size[0] else t("up.size_same", h=size[0]))
    sizes = conv_sizes_from(h, k, stride, p)
    if len(sizes) > 1:
        st.markdown(t("up.op_explain", k=k, s=stride, p=p, h=h, sizes=", ".join(map(str, sizes)), first=sizes[0],
                      last=sizes[-1]))  # fmt: skip
    else:
        st.markdown(t("up.op_one", h=h, size=sizes[0] if sizes else out, s=stride))
    counts = overlap_counts(OVERLAP_N, k, stride, p, op)
    even = k % stride == 0
    st.markdown(t("up.overlap_title", n=OVERLAP_N, k=k, s=stride))
    st.container(key="up_overlap").html(grids([grid(counts.numpy(), True, "", narrow=24, digits=2)]))
    st.markdown(t("up.overlap_even", k=k, s=stride) if even else t("up.overlap_uneven", k=k, s=stride))
    labels = {k2: t(f"up.fig_{k2}") for k2 in ("row", "spectrum", "pixel", "frequency", "count", "amplitude")}
    labels["period"] = t("up.fig_period", s=stride)
    wide = overlap_counts(SPECTRUM_N, k, stride, p, op)
    show_figure(overlap_spectrum_figure(wide, stride, labels), key="up_spectrum")
