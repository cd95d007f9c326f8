"""Kernel choice for the Convolution page: presets, size/sigma, custom grid editor.

A custom kernel lives in session state and in the ``conv_weights`` URL
parameter (``1,0,-1;2,0,-2;1,0,-1``), parsed number by number, never evaluated.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st
import torch

from components.compute.kernels import KERNELS, MAX_SIGMA, MAX_SIZE, MIN_SIGMA, fit_kernel, make_kernel, normalise
from components.ui.i18n import t
from components.ui.state import bound, note_ignored, url_choice

CUSTOM = "custom"
DEFAULT_SIZE, DEFAULT_SIGMA = 3, 1.0
MAX_CUSTOM = 9
WEIGHTS_PARAM = "conv_weights"
MAX_WEIGHT = 1000.0


def parse_weights(text: str) -> torch.Tensor | None:
    """``"a,b;c,d"`` to a square tensor, or ``None`` if it is not a valid 1x1..9x9 grid."""
    if not text or len(text) > 2000:
        return None
    try:
        rows = [[float(v) for v in row.split(",")] for row in text.split(";")]
    except ValueError:
        return None
    n = len(rows)
    if not 1 <= n <= MAX_CUSTOM or any(len(r) != n for r in rows):
        return None
    if not all(math.isfinite(v) and abs(v) <= MAX_WEIGHT for r in rows for v in r):
        return None
    return torch.tensor(rows, dtype=torch.float32)


def format_weights(kernel: torch.Tensor) -> str:
    return ";".join(",".join(f"{v:.6g}" for v in row) for row in kernel.tolist())


def _set_base(kernel: torch.Tensor) -> None:
    st.session_state["conv_custom_base"] = kernel
    st.session_state["conv_custom_version"] = st.session_state.get("conv_custom_version", 0) + 1


def _initial_custom() -> torch.Tensor:
    requested = st.query_params.get(WEIGHTS_PARAM)
    from_url = parse_weights(str(requested or ""))
    if from_url is not None:
        return from_url
    if requested:
        note_ignored(WEIGHTS_PARAM)
    previous = st.session_state.get("conv_last_preset", make_kernel("sobel_x"))
    return previous if previous.shape[0] <= MAX_CUSTOM else fit_kernel(previous, MAX_CUSTOM)


def custom_editor() -> torch.Tensor:
    """The editable grid (inline, next to the kernel picture). Returns the weights."""
    if "conv_custom_base" not in st.session_state:
        _set_base(_initial_custom())
    base: torch.Tensor = st.session_state["conv_custom_base"]
    size = st.slider(t("conv.custom_size"), 1, MAX_CUSTOM, base.shape[0], key="conv_custom_size")
    if size != base.shape[0]:
        _set_base(fit_kernel(base, size))
        base = st.session_state["conv_custom_base"]
    frame = pd.DataFrame(base.numpy().astype(float), columns=[str(j) for j in range(size)])
    edited = st.data_editor(
        frame,
        key=f"conv_editor_{st.session_state['conv_custom_version']}",
        hide_index=True,
        column_config={
            c: st.column_config.NumberColumn(c, min_value=-MAX_WEIGHT, max_value=MAX_WEIGHT, format="%.4g")
            for c in frame.columns
        },
    )
    values = torch.tensor(edited.fillna(0.0).to_numpy(dtype=float), dtype=torch.float32)
    if st.button(t("conv.normalise"), key="conv_normalise"):
        try:
            scaled = normalise(values)
        except ValueError:
            st.warning(t("conv.normalise_zero"))
        else:
            if float(scaled.abs().max()) > MAX_WEIGHT:  # the weights almost cancel out
                st.warning(t("conv.normalise_huge", limit=int(MAX_WEIGHT)))
            else:
                _set_base(scaled)
                st.rerun()
    st.query_params[WEIGHTS_PARAM] = format_weights(values)
    return values


def kernel_controls(sb: Any) -> tuple[str, torch.Tensor | None, int, float]:
    """Preset, size, sigma, drawn in ``sb`` (the page's settings place). Returns ``(name, preset kernel or
    None, size, sigma)``.

    For ``custom`` the kernel comes from ``custom_editor`` in the page body.
    """
    names = [*KERNELS, CUSTOM]
    name = url_choice(
        sb.selectbox,
        t("conv.kernel"),
        names,
        "conv_kernel",
        "sobel_x",
        format_func=lambda k: t(f"conv.kernels.{k}"),
    )
    preset = KERNELS.get(name)
    # Controls a preset does not use are hidden, not greyed out: a disabled
    # "size 9" beside a 3x3 Sobel kernel contradicts the picture.
    size, sigma = DEFAULT_SIZE, DEFAULT_SIGMA
    if preset and preset.resizable:
        size = sb.slider(t("conv.size"), 1, MAX_SIZE, DEFAULT_SIZE, help=t("conv.size_help"), **bound("conv_size"))
    elif preset:
        sb.caption(t("conv.size_fixed", k=make_kernel(name).shape[0]))
    else:
        sb.caption(t("conv.size_custom"))
    if preset and preset.uses_sigma:
        sigma = sb.slider(
            t("conv.sigma"),
            MIN_SIGMA,
            MAX_SIGMA,
            DEFAULT_SIGMA,
            step=0.1,
            help=t("conv.sigma_help"),
            **bound("conv_sigma"),
        )
    if preset is None:
        return name, None, size, sigma
    if WEIGHTS_PARAM in st.query_params:
        del st.query_params[WEIGHTS_PARAM]
    kernel = make_kernel(name, size, sigma)
    st.session_state["conv_last_preset"] = kernel
    st.session_state.pop("conv_custom_base", None)
    return name, kernel, size, sigma
