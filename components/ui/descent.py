"""Gradient descent page helpers: surface, start point (slider or click), runs, cached paths."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.compute.descent import (
    OPTIMIZERS,
    SURFACES,
    Path,
    RunSpec,
    summarize,
    surface_function,
    surface_grid,
)
from components.compute.descent_batch import descend_many
from components.ui.derivatives import parse_or_keep
from components.ui.i18n import t
from components.ui.state import bound, url_choice

CUSTOM = "custom"
CUSTOM_REGION = ((-3.0, 3.0), (-3.0, 3.0))
LRS = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 3.0, 10.0]
DEFAULT_RUNS = [("sgd", 0.001), ("momentum", 0.001), ("adam", 0.05), ("rmsprop", 0.01)]
PICKER = "gd_pick"


@dataclass(frozen=True)
class GDSettings:
    """The page's shareable settings (URL keys ``gd_<field>``; run 2-4 knobs are ``gd_optimizer2``...)."""

    surface: str = "rosenbrock"
    text: str = "x**2 + 10*y**2"
    condition: float = 10.0
    angle: int = 0
    x0: float = -1.2
    y0: float = 1.0
    steps: int = 300
    runs: int = 2
    log: bool = True
    step: int = 500
    view3d: bool = False


@dataclass(frozen=True)
class Landscape:
    key: tuple
    f: object
    region: tuple
    minima: tuple
    text: str | None


def surface_controls() -> Landscape:
    """Sidebar: surface (or a typed f(x, y)), and the bowl's condition number and rotation."""
    names = [*SURFACES, CUSTOM]
    d = GDSettings()
    sb = st.sidebar
    name = url_choice(
        sb.selectbox, t("gd.surface"), names, "gd_surface", d.surface, format_func=lambda k: t(f"gd.surfaces.{k}")
    )
    if name == "bowl":
        condition = sb.slider(
            t("gd.condition"), 1.0, 100.0, d.condition, step=1.0, help=t("gd.condition_help"), **bound("gd_condition")
        )
        angle = sb.slider(t("gd.angle"), 0, 90, d.angle, step=5, **bound("gd_angle"))
        return Landscape(
            ("bowl", condition, angle),
            surface_function("bowl", condition, angle),
            (SURFACES["bowl"].x_range, SURFACES["bowl"].y_range),
            SURFACES["bowl"].minima,
            None,
        )
    if name != CUSTOM:
        s = SURFACES[name]
        return Landscape((name,), surface_function(name), (s.x_range, s.y_range), s.minima, s.text)
    text = sb.text_input(t("gd.type"), d.text, max_chars=200, help=t("expr.help"), **bound("gd_text"))
    f = parse_or_keep(text, ("x", "y"), "gd_last_good", d.text)
    return Landscape((CUSTOM, f.text), f, CUSTOM_REGION, (), f.text)


def take_click(region: tuple) -> None:
    """A click on the contour (a point of its invisible grid) becomes the start point."""
    points = (st.session_state.get(PICKER) or {}).get("selection", {}).get("points") or []
    if not points:
        return
    (x_lo, x_hi), (y_lo, y_hi) = region
    x = min(max(round(float(points[-1]["x"]), 2), x_lo), x_hi)
    y = min(max(round(float(points[-1]["y"]), 2), y_lo), y_hi)
    if st.session_state.get(f"{PICKER}_seen") != (x, y):
        st.session_state[f"{PICKER}_seen"] = (x, y)
        st.session_state["gd_x0"], st.session_state["gd_y0"] = x, y


def start_controls(region: tuple) -> tuple[float, float]:
    """Start point sliders (also set by clicking the contour plot)."""
    take_click(region)
    (x_lo, x_hi), (y_lo, y_hi) = region
    d = GDSettings()
    for key, lo, hi in (("gd_x0", x_lo, x_hi), ("gd_y0", y_lo, y_hi)):
        if key in st.session_state and not lo <= st.session_state[key] <= hi:
            st.session_state[key] = min(max(st.session_state[key], lo), hi)
    x0 = st.sidebar.slider("x₀", x_lo, x_hi, min(max(d.x0, x_lo), x_hi), step=0.01, **bound("gd_x0"))
    y0 = st.sidebar.slider("y₀", y_lo, y_hi, min(max(d.y0, y_lo), y_hi), step=0.01, **bound("gd_y0"))
    return x0, y0


def run_controls() -> list[RunSpec]:
    """Up to 4 runs, each its own optimizer, learning rate and momentum/β; shared step count."""
    d = GDSettings()
    sb = st.sidebar
    steps = sb.slider(t("gd.steps"), 1, 500, d.steps, **bound("gd_steps"))
    count = sb.slider(t("gd.runs"), 1, 4, d.runs, help=t("gd.runs_help"), **bound("gd_runs"))
    runs = []
    for i in range(count):
        suffix = "" if i == 0 else str(i + 1)
        opt_default, lr_default = DEFAULT_RUNS[i]
        with sb.expander(t("gd.run", n=i + 1), expanded=i == 0):
            name = url_choice(
                st.selectbox,
                t("gd.optimizer"),
                list(OPTIMIZERS),
                f"gd_optimizer{suffix}",
                opt_default,
                format_func=lambda k: t(f"gd.optimizers.{k}"),
            )
            # "%g" labels: the link then reads gd_lr=0.001 (a float's str() would need "0.001" vs "1e-3" luck).
            lr = st.select_slider(
                t("gd.lr"),
                LRS,
                lr_default,
                format_func=lambda v: f"{v:g}",
                help=t("gd.lr_help"),
                **bound(f"gd_lr{suffix}"),
            )
            spec = OPTIMIZERS[name]
            knob = None
            if spec.tunable:
                low = 0.01 if spec.fixed.get("nesterov") else 0.0
                knob = st.slider(
                    t(f"gd.knob_{spec.tunable}"),
                    low,
                    0.999,
                    spec.default,
                    step=0.001,
                    key=f"gd_knob{suffix}_{spec.tunable}",
                )
        runs.append(RunSpec(name, lr, knob, steps))
    return runs


@st.cache_resource(max_entries=32, show_spinner=False)
def _descend(key: tuple, _f: object, start: tuple, runs: tuple[RunSpec, ...], region: tuple) -> list[Path]:
    return descend_many(_f, start, list(runs), region)


def paths(land: Landscape, start: tuple[float, float], runs: list[RunSpec]) -> list[Path]:
    """The runs' paths, computed together (one forward/backward per step), cached by (surface, start, runs)."""
    return _descend(land.key, land.f, start, tuple(runs), land.region)


@st.cache_resource(max_entries=16, show_spinner=False)
def _grid(key: tuple, _f: object, region: tuple) -> tuple:
    return surface_grid(_f, region, 80)


def grid(land: Landscape) -> tuple:
    return _grid(land.key, land.f, land.region)


def _status(path: Path, minima: tuple) -> tuple[str, str, str]:
    s = summarize(path, minima)
    if s.diverged_at is not None:
        status = t("gd.diverged", k=s.diverged_at)
    elif s.converged:
        status = t("gd.converged", k=s.steps_to_tol)
    else:
        status = t("gd.not_converged")
    return f"{s.final_loss:.4g}", f"{s.distance:.3g}" if minima else "—", status


def results_table(names: list[str], result: list[Path], minima: tuple) -> None:
    """Final loss, distance to the nearest known minimum and the outcome of every run."""
    rows = []
    for name, path in zip(names, result, strict=True):
        loss, distance, status = _status(path, minima)
        rows.append(
            {t("gd.col_run"): name, t("gd.col_loss"): loss, t("gd.col_distance"): distance, t("gd.col_status"): status}
        )
        if path.diverged_at is not None:
            st.warning(t("gd.diverged_note", name=name, k=path.diverged_at), icon=":material/trending_up:")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
