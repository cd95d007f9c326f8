"""Gradient descent page helpers: surface, start point (slider or click), runs, cached paths."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from components.compute.descent import (
    MAX_STEPS,
    OPTIMIZERS,
    SURFACES,
    Path,
    RunSpec,
    prefix,
    surface_function,
    surface_grid,
)
from components.compute.descent_batch import descend_keyed
from components.figures.descent import landscape_image
from components.ui.expression_input import parse_or_keep
from components.ui.i18n import t
from components.ui.plot_click import plot_click
from components.ui.shared import COMPUTE, SharedCache, single_flight
from components.ui.state import bound, clamp_state, url_choice

CUSTOM = "custom"
CUSTOM_REGION = ((-3.0, 3.0), (-3.0, 3.0))
CUSTOM_START = (-2.0, 2.0)
LRS = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 3.0, 10.0]
DEFAULT_RUNS = [("sgd", 0.001), ("momentum", 0.001), ("adam", 0.05), ("rmsprop", 0.01)]
SUFFIXES = ["", "2", "3", "4"]  # run 1's keys have none: gd_lr, gd_lr2...
KNOBS = {"momentum": 0.9, "alpha": 0.99, "beta1": 0.9}  # the optimizers' tunable defaults (OPTIMIZERS)
RUN_DEFAULTS = {  # bound widgets that are not GDSettings fields, for the reset
    **{f"gd_lr{s}": lr for s, (_, lr) in zip(SUFFIXES, DEFAULT_RUNS, strict=True)},
    **{f"gd_knob{s}_{knob}": value for s in SUFFIXES for knob, value in KNOBS.items()},
}
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


def surface_controls(sb: Any) -> Landscape:
    """Sidebar (``sb``: a sidebar container, or :func:`controls`): surface (or a typed f(x, y)), and the bowl's
    condition number and rotation."""
    names = [*SURFACES, CUSTOM]
    d = GDSettings()
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


def snap(x: float, y: float, region: tuple) -> tuple[float, float]:
    """A clicked point as the start sliders hold it: rounded to their step 0.01, inside the region."""
    (x_lo, x_hi), (y_lo, y_hi) = region
    return min(max(round(x, 2), x_lo), x_hi) + 0.0, min(max(round(y, 2), y_lo), y_hi) + 0.0


def start_picker(region: tuple) -> None:
    """A click on the contour plot (chart ``PICKER``) becomes the start point, exact to the sliders' step."""

    def picked(x: float, y: float) -> None:
        st.session_state["gd_x0"], st.session_state["gd_y0"] = snap(x, y, region)

    plot_click(PICKER, *region, picked)


def start_controls(land: Landscape, sb: Any) -> tuple[float, float]:
    """Start point sliders (also set by clicking the contour plot); the surface's own start by default."""
    (x_lo, x_hi), (y_lo, y_hi) = land.region
    clamp_state("gd_x0", x_lo, x_hi)
    clamp_state("gd_y0", y_lo, y_hi)
    x0 = sb.slider("x₀", x_lo, x_hi, land.start[0], step=0.01, **bound("gd_x0"))
    y0 = sb.slider("y₀", y_lo, y_hi, land.start[1], step=0.01, **bound("gd_y0"))
    return x0, y0


def run_controls(sb: Any) -> list[RunSpec]:
    """Up to 4 runs, each its own optimizer, learning rate and momentum/β; shared step count."""
    d = GDSettings()
    steps = sb.slider(t("gd.steps"), 1, 500, d.steps, **bound("gd_steps"))
    count = sb.slider(t("gd.runs"), 1, 4, d.runs, help=t("gd.runs_help"), **bound("gd_runs"))
    runs = []
    for i in range(count):
        suffix = "" if i == 0 else str(i + 1)
        opt_default, lr_default = DEFAULT_RUNS[i]
        # box.*, not st.*: in the presentation view a lesson step's control (gd_lr) goes to the strip.
        box = sb.expander(t("gd.run", n=i + 1), expanded=i == 0)
        name = url_choice(
            box.selectbox,
            t("gd.optimizer"),
            list(OPTIMIZERS),
            f"gd_optimizer{suffix}",
            opt_default,
            format_func=lambda k: t(f"gd.optimizers.{k}"),
        )
        # url_choice, not bind: the link may spell a rate 0.001, 1e-3 or .001; it then reads gd_lr=0.001.
        lr = url_choice(
            box.select_slider, t("gd.lr"), LRS, f"gd_lr{suffix}", lr_default, format_func=lambda v: f"{v:g}",
            help=t("gd.lr_help"),
        )  # fmt: skip
        spec = OPTIMIZERS[name]
        knob = None
        if spec.tunable:
            low, key = (0.01 if spec.fixed.get("nesterov") else 0.0), f"gd_knob{suffix}_{spec.tunable}"
            clamp_state(key, low, 0.999)  # momentum 0 is fine for SGD + momentum, not for Nesterov
            knob = box.slider(t(f"gd.knob_{spec.tunable}"), low, 0.999, spec.default, step=0.001, **bound(key))
        runs.append(RunSpec(name, lr, knob, steps))
    return runs


PATH_STORE_SIZE = 256  # paths of 500 steps take ~20 kB each
PATHS: SharedCache[tuple[int, Path]] = SharedCache(PATH_STORE_SIZE)  # (steps computed, path) by (surface, start, run)
_COMPUTING: SharedCache[threading.Lock] = SharedCache(64)  # one computation at a time per (surface, start)


def paths(land: Landscape, start: tuple[float, float], runs: list[RunSpec]) -> list[Path]:
    """The runs' paths, shared by every session (a pure function of surface, start and run).

    Each run is kept on its own, by everything but its step count: a new learning rate recomputes only its
    run, and fewer steps are a prefix of a longer path already computed. More steps than computed so far
    compute ahead (twice as many, at most ``MAX_STEPS``), so the next presses of the step slider need no
    computing. The runs still missing are computed together (one forward/backward per step), one
    computation at a time per surface and start: a class pressing the same key waits for one result.
    """
    keys = [(land.key, start, replace(run, steps=0)) for run in runs]
    found = _held(keys, runs)
    if len(found) < len(keys):
        with single_flight(_COMPUTING, (land.key, start)):
            found = _held(keys, runs)  # another session may have computed them meanwhile
            todo: dict = {}
            for key, run in zip(keys, runs, strict=True):
                if key not in found:  # a shorter path held: the student is adding steps, compute ahead
                    steps, path = PATHS.get(key, (0, None))
                    ahead = run.steps if path is None else min(MAX_STEPS, max(run.steps, 2 * steps))
                    todo[key] = max(todo.get(key, 0), ahead)
            if todo:
                missing = [replace(key[2], steps=n) for key, n in todo.items()]
                computed = COMPUTE.call(descend_keyed, land.key, start, missing, land.region)
                for key, run, path in zip(todo, missing, computed, strict=True):
                    PATHS.put(key, (run.steps, path))
                    found[key] = path
    return [prefix(found[key], run.steps) for key, run in zip(keys, runs, strict=True)]


def _held(keys: list, runs: list[RunSpec]) -> dict:
    """The paths already computed far enough (or diverged: no more steps will come)."""
    found = {}
    for key, run in zip(keys, runs, strict=True):
        steps, path = PATHS.get(key, (0, None))
        if path is not None and (steps >= run.steps or path.diverged_at is not None):
            found[key] = path
    return found


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
