"""The Linear maps page's views: the plane and a picture under ``x ↦ Wx + b``, the numbers of ``W``
(determinant, eigenvectors, singular values, the vector's turn and stretch), ``nn.Linear`` on a batch, two maps
composed in both orders, and a ReLU between two Linears."""

from __future__ import annotations

import streamlit as st
import torch
import torch.nn.functional as F

from components.compute import linear_maps as L
from components.figures.activations import layers_figure
from components.figures.linear_maps import FOLD_COLOURS, compose_figure, picture_extent, picture_figure, plane_figure
from components.figures.numbers import fmt, fmt_short
from components.figures.raster import clamped_rgb, encode
from components.ui.i18n import t
from components.ui.image_input import LoadedImage
from components.ui.lesson import masked
from components.ui.linear_maps.controls import LinMap
from components.ui.media import media_url
from components.ui.projector import show_figure
from components.ui.tables import static_table

PICTURE_SIDE, RASTER = 160, 360  # the picture on the unit square; the raster of the whole view


@st.cache_resource(max_entries=16, show_spinner=False)
def _square(digest: str, _image: torch.Tensor) -> torch.Tensor:
    """The picture's centre square at ``PICTURE_SIDE`` px (it is laid on the unit square)."""
    _, h, w = _image.shape
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    crop = _image[None, :, top : top + side, left : left + side]
    return F.interpolate(crop, size=(PICTURE_SIDE, PICTURE_SIDE), mode="bilinear", antialias=True)[0].clamp(0, 1)


def _vec(v: torch.Tensor) -> str:
    return "(" + ", ".join(fmt(float(c), 3) for c in v) + ")"


def map_view(m: LinMap, image: LoadedImage) -> dict:
    """The plane (animated) beside the picture, then the numbers; returns what the page shows (tests)."""
    a = L.analyse(m.w)
    change = L.vector_change(m.w, m.x)
    layer = L.make_linear(m.w, m.b)
    y = L.apply(layer, m.x)
    stages = L.stages(m.w, m.b)
    labels = {k: t(f"lin.fig.{k}") for k in ("grid", "square", "x", "wx", "eigen", "circle", "ellipse", "play",
                                              "pause", "x1", "x2")}  # fmt: skip
    plane = plane_figure(stages, m.x, a, m.w, m.overlays, labels)
    extent = picture_extent(m.w, m.b)
    left, right = st.columns(2)
    with left:
        st.markdown(t("lin.plane_title"))
        show_figure(plane, "lin_plane", fit="lin_plane")
        st.caption(t("lin.plane_help"))
    with right:
        st.markdown(t("lin.picture_title"))
        rgba = L.warp_picture(_square(image.digest, image.tensor), m.w, m.b, extent, RASTER)
        pixels = clamped_rgb(rgba[:3] * rgba[3:] + (1 - rgba[3:]))  # on white, like the plot
        source = media_url(encode(pixels, "JPEG"), "JPEG", "lin_picture")
        show_figure(picture_figure(source, m.w, m.b, extent, labels), "lin_picture")
        st.caption(t("lin.picture_help", name=image.name))
    _metrics(a, change)
    _words(a)
    _layer_tables(m, layer)
    return {"analysis": a, "change": change, "y": y, "batch": L.apply(layer, L.UNIT_SQUARE[:4])}


def _metrics(a: L.Analysis, change: L.VectorChange) -> None:
    c = [*st.columns(2), *st.columns(2)]  # 2 × 2: four values in a row wrap at 1024 px
    c[0].metric(t("lin.m_det"), masked(fmt_short(a.det)), help=t("lin.m_det_help"))
    turn = "—" if change.angle is None else f"{change.angle:+.1f}°"
    c[1].metric(t("lin.m_turn"), turn, help=t("lin.m_turn_help"))
    c[2].metric(t("lin.m_length"), f"{fmt_short(change.length)} → {fmt_short(change.new_length)}",
                help=t("lin.m_length_help"))  # fmt: skip
    c[3].metric(t("lin.m_sigma"), f"{fmt_short(a.singular[0])} / {fmt_short(a.singular[1])}",
                help=t("lin.m_sigma_help"))  # fmt: skip


def _words(a: L.Analysis) -> None:
    """What the determinant and the eigenvectors say, in a sentence each."""
    scale = max(1.0, float(a.singular[0]))
    if abs(a.det) <= 1e-9 * scale:
        det = t("lin.det_zero", rank=0 if a.singular[0] <= 1e-12 else 1)
    else:
        det = t("lin.det_flip" if a.det < 0 else "lin.det_keep", area=fmt(abs(a.det), 3))
    if a.every_direction:
        eig = t("lin.eig_every", lam=fmt(float(a.eigenvalues[0].real), 3))
    elif not a.directions:
        lam = a.eigenvalues[0]
        eig = t("lin.eig_complex", re=fmt(float(lam.real), 3), im=fmt(abs(float(lam.imag)), 3))
    else:
        parts = [t("lin.eig_pair", v=_vec(d), lam=fmt(lam, 3)) for lam, d in a.directions]
        eig = t("lin.eig_real", pairs="; ".join(parts))
    st.markdown(f"{det}  \n{eig}")


def _layer_tables(m: LinMap, layer: torch.nn.Linear) -> None:
    """``layer.weight`` in its ``(out_features, in_features)`` layout with the bias, and the unit square's
    corners as a batch of row vectors through it."""
    st.markdown(t("lin.layer_title"))
    w, b = layer.weight.detach(), layer.bias.detach()
    static_table([{"": f"out {i}", "in 0": fmt(float(w[i, 0]), 3), "in 1": fmt(float(w[i, 1]), 3),
                   "bias": fmt(float(b[i]), 3)} for i in range(2)])  # fmt: skip
    corners = L.UNIT_SQUARE[:4]
    y = L.apply(layer, corners)
    st.markdown(t("lin.batch_title"))
    static_table([{t("lin.col_row"): str(k), "x": _vec(corners[k]), "y = x Wᵀ + b": _vec(y[k])} for k in range(4)])
    st.caption(t("lin.batch_help"))


def compose_view(a: torch.Tensor, b: torch.Tensor) -> dict:
    """``AB`` and ``BA`` drawn on the letter F, their matrices, and whether the order mattered."""
    ab, ba = L.compose(a, b)
    maps = [(t("lin.ab"), ab), (t("lin.ba"), ba)]
    show_figure(compose_figure(maps, {"before": t("lin.fig.before"), "after": t("lin.fig.after")}), "lin_compose",
                fit="lin_compose")  # fmt: skip
    same = bool(torch.allclose(ab, ba, atol=1e-9))
    st.metric(t("lin.m_same"), masked(t("lin.yes") if same else t("lin.no")), help=t("lin.m_same_help"))
    rows = []
    for name, mat in (("A = W", a), ("B", b), ("AB", ab), ("BA", ba)):
        rows.append({"": name, "[0, 0]": fmt(float(mat[0, 0]), 3), "[0, 1]": fmt(float(mat[0, 1]), 3),
                     "[1, 0]": fmt(float(mat[1, 0]), 3), "[1, 1]": fmt(float(mat[1, 1]), 3)})  # fmt: skip
    static_table(rows)
    st.caption(t("lin.compose_help"))
    return {"ab": ab, "ba": ba, "same": same}


def fold_view(m: LinMap, b: torch.Tensor) -> dict:
    """``Linear(W, b) → ReLU → Linear(B)``: the grid and a lattice of points after every module, the points
    coloured by the ReLU region they reach."""
    net = L.fold_network(m.w, m.b, b, torch.zeros(2, dtype=torch.float64))
    seen = L.fold_stages(net, L.lattice())
    lines = L.fold_stages(net, L.dense_lines())
    region = L.sign_pattern(seen[1])
    titles = [t("lin.fold.input"), t("lin.fold.first"), t("lin.fold.relu"), t("lin.fold.second")]
    stages = [(title, p.float(), g.float()) for title, p, g in zip(titles, seen, lines, strict=True)]
    show_figure(
        layers_figure(stages, region, 4, columns=2, colours=FOLD_COLOURS), "lin_fold", fit="lin_fold"
    )  # 2 × 2: four titles in a row do not fit a projector
    st.markdown(" · ".join(f'<span style="color:{c}">●</span> {t(f"lin.fold.region{k}")}'
                           for k, c in enumerate(FOLD_COLOURS)), unsafe_allow_html=True)  # fmt: skip
    counts = [int((region == k).sum()) for k in range(4)]
    c = st.columns(3)
    c[0].metric(t("lin.m_origin"), masked(str(counts[0])), help=t("lin.m_origin_help"))
    c[1].metric(t("lin.m_axis"), masked(str(counts[1] + counts[2])), help=t("lin.m_axis_help"))
    c[2].metric(t("lin.m_kept"), str(counts[3]), help=t("lin.m_kept_help", n=L.LATTICE**2))
    st.markdown(t("lin.fold_note"))
    st.page_link("topics/activations.py", label=t("lin.fold_link"), icon=":material/function:")
    return {"stages": seen, "region": region}
