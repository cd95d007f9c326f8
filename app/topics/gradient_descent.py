"""Gradient descent · 梯度下降: step against the gradient; learning rate and optimizer decide the path."""

import streamlit as st

from components.figures.descent import descent_figure, surface_figure
from components.snippets.descent import descent_code
from components.ui.code_panel import code_panel
from components.ui.descent import (
    PICKER,
    RUN_DEFAULTS,
    GDSettings,
    grid,
    landscape,
    paths,
    results_table,
    run_controls,
    start_controls,
    surface_controls,
)
from components.ui.i18n import explanation, t
from components.ui.projector import show_figure
from components.ui.state import bound, clamp_state, reset_button

st.title(t("gd.title"))
st.markdown(t("gd.idea"))

land = surface_controls()
start = start_controls(land)
runs = run_controls()
log = st.sidebar.toggle(t("gd.log"), GDSettings().log, help=t("gd.log_help"), **bound("gd_log"))
reset_button("gd", GDSettings, RUN_DEFAULTS)

result = paths(land, start, runs)
st.session_state["gd_paths"] = result  # what the page shows (tests compare the code panel with it)
names = [t("gd.run_name", n=i + 1, opt=t(f"gd.optimizers.{r.optimizer}"), lr=f"{r.lr:g}") for i, r in enumerate(runs)]
longest = max(len(p.xs) for p in result) - 1
steps = runs[0].steps  # shared by every run
clamp_state("gd_step", 0, steps)
step = st.slider(t("gd.step"), 0, steps, steps, help=t("gd.step_help"), **bound("gd_step"))
step = min(step, longest)

st.caption(t("gd.click_help"))
lrs = [r.lr for r in runs]
fig = descent_figure(landscape(land, log), result, step, names, lrs, land.minima, log, t("gd.step_axis"))
show_figure(fig, key=PICKER, on_select="rerun", selection_mode="points")
results_table(names, result, land.minima)

# A toggle, not an expander: a 3-D chart costs the browser ~0.5 s per redraw even when folded away.
if st.toggle(t("gd.surface3d"), GDSettings().view3d, **bound("gd_view3d")):
    show_figure(surface_figure(grid(land), result, step, names, log), key="gd_surface3d")

code_panel(
    descent_code(land.text, start, runs[0], *(land.key[1:3] if land.key[0] == "bowl" else (10.0, 0.0))),
    "gradient_descent.py",
)
st.markdown(explanation("gradient_descent"))
