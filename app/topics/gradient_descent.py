"""Gradient descent · 梯度下降: step against the gradient; learning rate and optimizer decide the path."""

import streamlit as st

from components.compute.descent import RunSpec
from components.figures.descent import descent_figure
from components.figures.descent_surface import surface_figure
from components.snippets.descent import descent_code
from components.ui.code_panel import code_panel
from components.ui.fragments import section
from components.ui.gradient_descent import STEPS
from components.ui.gradient_descent.controls import (
    PICKER,
    RUN_DEFAULTS,
    GDSettings,
    Landscape,
    grid,
    landscape,
    paths,
    run_controls,
    start_controls,
    start_picker,
    surface_controls,
)
from components.ui.gradient_descent.results import results_table, run_outlook
from components.ui.i18n import t
from components.ui.lesson import Lesson, page_header
from components.ui.present import controls, is_present, page_explanation, picture_slot
from components.ui.projector import show_figure
from components.ui.state import bound, clamp_state, link_notice, reset_button

page_header("gd", Lesson("gd", GDSettings, STEPS, RUN_DEFAULTS))
notice = st.container()

side = None if is_present() else st.sidebar.container()  # the settings: drawn by the section below, in place
reset_button("gd", GDSettings, RUN_DEFAULTS)


def gd_body() -> None:
    """The settings and everything they change: a settings change reruns only this (``ui.fragments``)."""
    sb = controls(side)
    land = surface_controls(sb)
    start = start_controls(land, sb)
    runs = run_controls(sb)
    log = sb.toggle(t("gd.log"), GDSettings().log, **bound("gd_log"))
    sb.caption(t("gd.log_help"))  # not help=: tapping a switch's "?" on a whiteboard flips the switch
    descent_view(land, start, runs, log)
    code_panel(
        descent_code(land.text, start, runs[0], *(land.key[1:3] if land.key[0] == "bowl" else (10.0, 0.0))),
        "gradient_descent.py",
    )
    link_notice("gd", notice)


def descent_view(land: Landscape, start: tuple[float, float], runs: list[RunSpec], log: bool) -> None:
    """The paths on the contour chart with the step slider, the results table and the 3-D view."""
    result = paths(land, start, runs)
    st.session_state["gd_paths"] = result  # what the page shows (tests compare the code panel with it)
    names = [
        t("gd.run_name", n=i + 1, opt=t(f"gd.optimizers.{r.optimizer}"), lr=f"{r.lr:g}") for i, r in enumerate(runs)
    ]
    longest = max(len(p.xs) for p in result) - 1
    steps = runs[0].steps  # shared by every run
    chart = picture_slot()  # the presentation view: the chart first, its step slider under it
    clamp_state("gd_step", 0, steps)
    step = st.slider(t("gd.step"), 0, steps, steps, help=t("gd.step_help"), **bound("gd_step"))
    step = min(step, longest)

    st.caption(t("gd.click_help"))
    lrs = [r.lr for r in runs]
    image, axis = landscape(land, log), t("gd.step_axis")
    fig = descent_figure(image, result, step, names, lrs, land.minima, log, axis, start, t("gd.start_marker"))
    with chart:
        show_figure(fig, key=PICKER, fit=PICKER)
        start_picker(land.region)
    results_table(names, result, land.minima, runs, [run_outlook(land.key, start, r) for r in runs])

    # A toggle, not an expander: a 3-D chart costs the browser ~0.5 s per redraw even when folded away.
    if st.toggle(t("gd.surface3d"), GDSettings().view3d, **bound("gd_view3d")):
        show_figure(surface_figure(grid(land), result, step, names, log), key="gd_surface3d")


section(gd_body)
page_explanation("gradient_descent")
