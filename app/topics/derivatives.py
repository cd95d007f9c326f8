"""Derivatives & gradients · 导数、微分、偏导数、梯度: rates of change, measured by autograd."""

import math

import streamlit as st
import torch

from components.compute.derivatives import (
    PRESETS_1D,
    PRESETS_2D,
    DerivSettings,
    directional_derivative,
    evaluate_grid,
    gradient_2d,
    gradient_field,
    partial_slices,
    point_status_2d,
    tangent_1d,
)
from components.figures.derivatives import contour_figure, curve_figure, directional_figure, slices_figure
from components.figures.numbers import fmt
from components.snippets.derivatives import derivative_code, gradient_code
from components.ui.code_panel import code_panel
from components.ui.derivatives import DX_STEPS, STEPS, function_input, half_width
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.lesson import Lesson, masked, page_header
from components.ui.present import page_explanation, picture_slot
from components.ui.projector import show_figure
from components.ui.state import bound, link_notice, reset_button, url_choice, url_tabs

D = DerivSettings()


def warn_1d(tan, x0: float) -> None:
    """Say why there is no derivative at ``x0``, if there is none (``Tangent1D.kind``)."""
    at = fmt(x0, 6)
    if tan.kind == "undefined":
        st.warning(t("deriv.undefined", x0=at, value=fmt(tan.value, 3)))
    elif tan.kind == "no_derivative":
        why = t("deriv.why_join").join(t(f"deriv.why_{r}") for r in tan.reasons)
        st.warning(t("deriv.no_derivative", x0=at, why=why, slope=fmt(tan.slope, 3)))
    elif tan.kind == "kink":
        st.warning(t("deriv.kink", x0=at, left=fmt(tan.left, 3), right=fmt(tan.right, 3)))
    elif tan.kind == "autograd_nan":
        st.warning(t("deriv.autograd_nan", x0=at, slope=fmt(tan.slope, 3), left=fmt(tan.left, 3)))


page_header("deriv", Lesson("deriv", DerivSettings, STEPS))
notice = st.container()
reset_button("deriv", DerivSettings)
tabs = url_tabs({"1d": t("deriv.tab_1d"), "2d": t("deriv.tab_2d")}, "deriv_view")
tab_1d, tab_2d = tabs["1d"], tabs["2d"]


def one_d() -> None:
    chart = picture_slot()  # the presentation view: the curve first, its controls under it
    c1, c2, c3 = st.columns([2, 1, 1])
    with c1:
        f = function_input(PRESETS_1D, ("x",), "deriv_f1", D.f1)
    x0 = c2.slider(t("deriv.x0"), -3.0, 3.0, D.x0, step=0.05, **bound("deriv_x0"))
    dx = url_choice(
        c3.select_slider,
        t("deriv.dx"),
        sorted(DX_STEPS),
        "deriv_dx",
        D.dx,
        format_func=fmt,
        help=t("deriv.dx_help"),
    )
    tan = tangent_1d(f, x0, dx)
    st.session_state["deriv_1d"] = tan  # what the page shows (tests compare the code panel with it)
    zoom = st.toggle(t("deriv.zoom"), D.zoom, **bound("deriv_zoom"))
    st.caption(t("deriv.zoom_help"))  # not help=: tapping a switch's "?" on a whiteboard flips the switch
    reach = max(3 * abs(dx), 0.02) if zoom else None  # zoomed: the step fills the picture
    xs = torch.linspace(x0 - reach, x0 + reach, 301) if zoom else torch.linspace(-3.0, 3.0, 301)
    xs = xs.double()
    names = {k: t(f"deriv.legend_{k}") for k in ("curve", "tangent", "secant", "dy", "differential")}
    with chart:
        show_figure(curve_figure(xs, evaluate_grid(f, xs), x0, dx, tan, names), key="deriv_curve", fit="deriv_curve")
    rates, amounts = st.columns(3), st.columns(3)  # rates of change above, amounts of change below
    rates[0].metric(t("deriv.m_value"), fmt(tan.value, 5))
    rates[1].metric(t("deriv.m_slope"), masked(fmt(tan.slope, 5)), help=t("deriv.m_slope_help"))
    rates[2].metric(t("deriv.m_secant"), fmt(tan.secant_slope, 5), help=t("deriv.m_secant_help"))
    amounts[0].metric(t("deriv.m_dy"), fmt(tan.delta_y, 5), help=t("deriv.m_dy_help"))
    amounts[1].metric(t("deriv.m_differential"), masked(fmt(tan.differential, 5)), help=t("deriv.m_differential_help"))
    gap = masked(fmt(abs(tan.delta_y - tan.differential), 3))  # with Δy beside it, the gap would give dy away
    amounts[2].metric(t("deriv.m_gap"), gap, help=t("deriv.m_gap_help"))
    warn_1d(tan, x0)
    code_panel(derivative_code(f.text, x0, dx), "derivative.py")


def two_d() -> None:
    pictures = picture_slot()  # the presentation view: the contour (and its neighbour) first
    c1, c2 = st.columns([2, 1])
    with c1:
        g = function_input(PRESETS_2D, ("x", "y"), "deriv_f2", D.f2)
    w = half_width(st.session_state.get("deriv_f2"))
    with c2:
        px = st.slider("x₀", -w, w, D.px, step=0.05, **bound("deriv_px"))
        py = st.slider("y₀", -w, w, D.py, step=0.05, **bound("deriv_py"))
    theta = st.slider(t("deriv.theta"), -180, 180, D.theta, step=5, help=t("deriv.theta_help"), **bound("deriv_theta"))
    field = st.toggle(t("deriv.field"), D.field, **bound("deriv_field"))
    value, gx, gy = gradient_2d(g, px, py)
    rad = math.radians(theta)
    directional = directional_derivative(gx, gy, rad)
    st.session_state["deriv_2d"] = (value, gx, gy, directional)
    status, at = point_status_2d(value, gx, gy), {"x0": fmt(px, 6), "y0": fmt(py, 6)}
    if status == "undefined":
        st.warning(t("deriv.undefined_2d", value=fmt(value, 3), **at))
    elif status == "no_gradient":
        st.warning(t("deriv.no_gradient", gx=fmt(gx, 3), gy=fmt(gy, 3), **at))
    xs = torch.linspace(-w, w, 81, dtype=torch.float64)  # enough for smooth contours; the browser pays per point
    arrows = {"gradient": t("deriv.arrow_gradient"), "direction": t("deriv.arrow_direction")}
    coarse = xs[::4]  # one field arrow every 4th grid point
    grid = (coarse, coarse, *gradient_field(g, coarse, coarse)) if field else None
    with pictures:
        left, right = st.columns([3, 2], gap="medium")
    with left:
        fig = contour_figure(xs, xs, evaluate_grid(g, xs, xs), (px, py), (gx, gy), rad, grid, arrows)
        show_figure(fig, key="deriv_contour", fit="deriv_contour")
        st.caption(t("deriv.arrows") + (" " + t("deriv.arrows_field") if field else ""))
    with right:
        m = st.columns(2)
        m[0].metric("∂f/∂x", masked(fmt(gx)))  # the key numbers: predicted first
        m[1].metric("∂f/∂y", masked(fmt(gy)))
        m[0].metric(t("deriv.m_norm"), masked(fmt(math.hypot(gx, gy))), help=t("deriv.m_norm_help"))
        m[1].metric(t("deriv.m_directional"), masked(fmt(directional)), help=t("deriv.m_directional_help"))
        labels = {k: t(f"deriv.dir_{k}") for k in ("curve", "chosen", "peak")}
        show_figure(directional_figure((gx, gy), rad, labels), key="deriv_directional")
    along_x, along_y = partial_slices(g, xs, px, py)
    line_x, line_y = (xs, along_x), (xs, along_y)
    titles = [t("deriv.slice_x", y0=fmt(py, 6)), t("deriv.slice_y", x0=fmt(px, 6))]
    show_figure(slices_figure(line_x, line_y, (px, py), value, (gx, gy), titles), key="deriv_slices")
    code_panel(gradient_code(g.text, px, py, theta), "gradient.py")


for tab, body in ((tab_1d, one_d), (tab_2d, two_d)):  # only the open tab runs, as a section of its own
    if tab.open:
        with tab:
            section(body)


link_notice("deriv", notice)
page_explanation("derivatives")
