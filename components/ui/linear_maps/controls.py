"""The Linear maps page's settings and sidebar: the matrix ``W`` (a preset or four entries), the bias ``b``, the
vector ``x``, the overlays; and the second matrix of the composition and fold tabs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
import torch

from components.compute import linear_maps as L
from components.ui.i18n import t
from components.ui.present import controls
from components.ui.state import bound, setting, url_choice

ENTRIES = ("lin_w00", "lin_w01", "lin_w10", "lin_w11")  # weight[out, in]
ENTRY_STEP, VECTOR_LIMIT = 0.05, 2.0


@dataclass(frozen=True)
class LinSettings:
    view: str = "map"
    preset: str = "custom"
    angle: float = 30.0
    w00: float = 1.0
    w01: float = 0.5
    w10: float = 0.25
    w11: float = 1.25
    b0: float = 0.0
    b1: float = 0.0
    x0: float = 1.0
    x1: float = 0.5
    eigen: bool = True
    singular: bool = True
    second: str = "rotation"
    second_angle: float = 90.0


D = LinSettings()


@dataclass(frozen=True)
class LinMap:
    """The page's map: ``w`` ``(2, 2)`` (out, in), ``b`` ``(2,)``, ``x`` ``(2,)``, the overlays (eigen, singular)."""

    w: torch.Tensor
    b: torch.Tensor
    x: torch.Tensor
    overlays: tuple[bool, bool]


def preset_settings(name: str, angle: float) -> dict[str, float]:
    """The four entry settings of a preset (a lesson step sets them with the preset)."""
    w = L.preset_matrix(name, angle)
    return {key: float(w.reshape(-1)[k]) for k, key in enumerate(ENTRIES)}


def _load_preset() -> None:
    name = st.session_state["lin_preset"]
    if name != "custom":
        st.session_state.update(preset_settings(name, st.session_state.get("lin_angle", D.angle)))


def _match_preset(preset: str) -> None:
    """A link that names a preset but not (all of) its entries gets the preset's entries: the matrix shown is
    always the one the preset names."""
    if preset == "custom":
        return
    wanted = preset_settings(preset, setting("lin_angle", D.angle))
    if any(abs(setting(key, getattr(D, key[4:])) - v) > 1e-9 for key, v in wanted.items()):
        st.session_state.update(wanted)


def _went_custom() -> None:
    st.session_state["lin_preset"] = "custom"


def preset_label(name: str) -> str:
    return t(f"lin.presets.{name}")


def lin_controls(where: Any = None) -> LinMap:
    """The sidebar (in ``where``, a sidebar container, if given; the presentation view: its folded panel):
    ``W``, ``b``, ``x`` and the overlays."""
    sb = controls(where)
    sb.subheader(t("lin.matrix"))
    preset = url_choice(sb.selectbox, t("lin.preset"), list(L.PRESETS), "lin_preset", D.preset,
                        format_func=preset_label, on_change=_load_preset)  # fmt: skip
    if preset in L.ANGLED:
        sb.slider(t(f"lin.angle_{preset}"), -180.0, 180.0, D.angle, 5.0, format="%g°", on_change=_load_preset,
                  **bound("lin_angle"))  # fmt: skip
    _match_preset(preset)
    sb.caption(t("lin.matrix_help"))
    grid = [sb.columns(2), sb.columns(2)]
    w = [grid[k // 2][k % 2].slider(f"W[{k // 2}, {k % 2}]", -L.LIMIT, L.LIMIT, getattr(D, key[4:]), ENTRY_STEP,
                                    format="%.2f", on_change=_went_custom, **bound(key))
         for k, key in enumerate(ENTRIES)]  # fmt: skip
    sb.subheader(t("lin.bias"))
    left, right = sb.columns(2)
    b = [col.slider(f"b[{k}]", -L.BIAS_LIMIT, L.BIAS_LIMIT, getattr(D, f"b{k}"), 0.1, format="%.1f",
                    **bound(f"lin_b{k}")) for k, col in enumerate((left, right))]  # fmt: skip
    sb.subheader(t("lin.vector"))
    left, right = sb.columns(2)
    x = [col.slider(f"x[{k}]", -VECTOR_LIMIT, VECTOR_LIMIT, getattr(D, f"x{k}"), 0.1, format="%.1f",
                    **bound(f"lin_x{k}")) for k, col in enumerate((left, right))]  # fmt: skip
    eigen = sb.toggle(t("lin.show_eigen"), D.eigen, **bound("lin_eigen"))
    singular = sb.toggle(t("lin.show_singular"), D.singular, **bound("lin_singular"))
    as_tensor = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    return LinMap(as_tensor(w).reshape(2, 2), as_tensor(b), as_tensor(x), (eigen, singular))


def second_controls() -> torch.Tensor:
    """The second matrix ``B`` (composition and fold tabs): a preset, with its angle."""
    left, right = st.columns([3, 2])
    name = url_choice(left.selectbox, t("lin.second"), [p for p in L.PRESETS if p != "custom"], "lin_second",
                      D.second, format_func=preset_label)  # fmt: skip
    angle = D.second_angle
    if name in L.ANGLED:
        angle = right.slider(t(f"lin.angle_{name}"), -180.0, 180.0, D.second_angle, 5.0, format="%g°",
                             **bound("lin_second_angle"))  # fmt: skip
    return L.preset_matrix(name, angle)
