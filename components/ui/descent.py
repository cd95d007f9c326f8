"""Gradient descent page helpers: surface, start point (slider or click), runs, cached paths."""

from __future__ import annotations

import threading
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
from components.figures.descent import landscape_image
from components.ui.derivatives import parse_or_keep
from components.ui.i18n import t
from components.ui.state import bound, clamp_state, url_choice

CUSTOM = "custom"
CUSTOM_REGION = ((-3.0, 3.0), (-3.0, 3.0))
CUSTOM_START = (-2.0, 2.0)
LRS = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 3.0, 10.0]
DEFAULT_RUNS = [("sgd", 0.001), ("momentum", 0.001), ("adam", 0.05), ("rmsprop", 0.01)]
RUN_DEFAULTS = {f"gd_lr{'' if i == 0 else i + 1}": lr for i, (_, lr) in enumerate(DEFAULT_RUNS)}  # for the reset
PICKER = "gd_pick"
PICTURE_GRID = 300  # samples per axis of the contour picture


@dataclass(frozen=True)
class GDSettings:
    """The page's shareable settings (URL keys ``gd_<field>``; run 2-4 knobs are ``gd_optimizer2``...)."""

    surface: str = "rosenbrock"
    text: str = "x**2 + 10*y**2"
    condition: float = 10.0
    angle: int = 0
    x0: float = SURFACES["rosenbrock"].start[0]  # the default surface's own start
    y0: float = SURFACES["rosenbrock"].start[1]
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
    start: tuple[float, float]  # a good first start point (the start sliders' default)


def surface_start(name: str) -> tuple[float, float]:
    return SURFACES[name].start if name in SURFACES else CUSTOM_START


def _surface_changed() -> None:
    """A new surface starts from its own good start point (a link's explicit start is kept: no callback)."""
    st.session_state["gd_x0"], st.session_state["gd_y0"] = surface_start(st.session_state["gd_surface"])


def surface_controls() -> Landscape:
    """Sidebar: surface (or a typed f(x, y)), and the bowl's condition number and rotation."""
    names = [*SURFACES, CUSTOM]
    d = GDSettings()
    sb = st.sidebar
    name = url_choice(
        sb.selectbox,
        t("gd.surface"),
        names,
        "gd_surface",
        d.surface,
        format_func=lambda k: t(f"gd.surfaces.{k}"),
        on_change=_surface_changed,
    )
    start = surface_start(name)
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
            start,
        )
    if name != CUSTOM:
        s = SURFACES[name]
        return Landscape((name,), surface_function(name), (s.x_range, s.y_range), s.minima, s.text, start)
    text = sb.text_input(t("gd.type"), d.text, max_chars=200, help=t("expr.help"), **bound("gd_text"))
    f = parse_or_keep(text, ("x", "y"), "gd_last_good", d.text)
    return Landscape((CUSTOM, f.text), f, CUSTOM_REGION, (), f.text, start)


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


def start_controls(land: Landscape) -> tuple[float, float]:
    """Start point sliders (also set by clicking the contour plot); the surface's own start by default."""
    take_click(land.region)
    (x_lo, x_hi), (y_lo, y_hi) = land.region
    clamp_state("gd_x0", x_lo, x_hi)
    clamp_state("gd_y0", y_lo, y_hi)
    x0 = st.sidebar.slider("x₀", x_lo, x_hi, land.start[0], step=0.01, **bound("gd_x0"))
    y0 = st.sidebar.slider("y₀", y_lo, y_hi, land.start[1], step=0.01, **bound("gd_y0"))
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


PATH_STORE_SIZE = 256  # paths of 500 steps take ~20 kB each


@st.cache_resource(show_spinner=False)
def _path_store() -> tuple[dict, threading.Lock]:
    """Computed paths by (surface, start, run), shared by every session: a pure function of its key."""
    return {}, threading.Lock()


def paths(land: Landscape, start: tuple[float, float], runs: list[RunSpec]) -> list[Path]:
    """The runs' paths. Each run is cached on its own, so a new learning rate recomputes only its run; the
    runs still missing are computed together (one forward/backward per step for all of them)."""
    store, lock = _path_store()
    keys = [(land.key, start, run) for run in runs]
    with lock:
        found = {k: store[k] for k in keys if k in store}
    missing = list(dict.fromkeys(run for k, run in zip(keys, runs, strict=True) if k not in found))
    if missing:
        computed = descend_many(land.f, start, missing, land.region)
        found |= {(land.key, start, run): path for run, path in zip(missing, computed, strict=True)}
        with lock:
            store.update(found)
            for old in list(store)[: max(0, len(store) - PATH_STORE_SIZE)]:  # oldest first
                del store[old]
    return [found[k] for k in keys]


@st.cache_resource(max_entries=16, show_spinner=False)
def _grid(key: tuple, _f: object, region: tuple) -> tuple:
    return surface_grid(_f, region, 80)


def grid(land: Landscape) -> tuple:
    """The surface on an 80 x 80 grid (the 3-D view)."""
    return _grid(land.key, land.f, land.region)


@st.cache_resource(max_entries=32, show_spinner=False)
def _landscape(key: tuple, _f: object, region: tuple, log: bool) -> dict:
    return landscape_image(surface_grid(_f, region, PICTURE_GRID), log)


def landscape(land: Landscape, log: bool) -> dict:
    """The contour picture under the paths, sampled finer than the 3-D grid (it is a picture, not a trace)."""
    return _landscape(land.key, land.f, land.region, log)


def _status(path: Path, minima: tuple) -> tuple[str, str, str]:
    """Final loss, distance to the nearest known minimum and the outcome, as the table shows them."""
    if path.diverged_at == 0:
        return "—", "—", t("gd.undefined_start")
    if path.diverged_at is not None:
        return "—", "—", t("gd.diverged", k=path.diverged_at)
    s = summarize(path, minima)
    if s.converged:
        status = t("gd.converged", k=s.steps_to_tol)
    elif not minima and path.converged_at is not None:
        status = t("gd.stationary", k=path.converged_at)
    elif not minima:
        status = t("gd.no_minimum")
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
        if path.diverged_at == 0:
            st.warning(t("gd.undefined_note", name=name), icon=":material/block:")
        elif path.diverged_at is not None:
            st.warning(t("gd.diverged_note", name=name, k=path.diverged_at), icon=":material/trending_up:")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
