"""The Signals page's kernel and filter settings: preset or typed weights, normalisation, mode, padding."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import streamlit as st
import torch

from components.compute.signals import (
    KERNELS,
    MAX_KERNEL,
    MAX_SIGMA,
    MIN_SIGMA,
    MODES,
    NORMALISE,
    PADDINGS,
    SIZED,
    SignalError,
    SignalSettings,
    make_kernel,
    normalise,
    parse_weights,
)
from components.ui.i18n import t
from components.ui.state import bound, url_choice

D = SignalSettings()
LAST_WEIGHTS = "sig_last_weights"


@dataclass(frozen=True)
class Kernel:
    """Attributes:
    weights: ``(K,)`` float64, as used (after normalising).
    typed: the typed weights as parsed (``kernel == "typed"``), else ``[]``: the code panel writes them out.
    """

    weights: torch.Tensor
    typed: list[float]


def _typed(sb: Any) -> torch.Tensor:
    """The typed weights; a refused text says why and the last good weights stay."""
    text = sb.text_input(t("sig.weights"), D.weights, max_chars=400, help=t("sig.weights_help", n=MAX_KERNEL),
                         **bound("sig_weights"))  # fmt: skip
    try:
        weights = parse_weights(text)
    except SignalError as err:
        sb.error(t(f"sig.error.{err.reason}", **err.detail, max=MAX_KERNEL), icon=":material/error:")
        weights = st.session_state.get(LAST_WEIGHTS, parse_weights(D.weights))
        sb.caption(t("sig.weights_kept", w=", ".join(f"{v:g}" for v in weights.tolist())))
    st.session_state[LAST_WEIGHTS] = weights
    return weights


def filter_controls(sb: Any, made: SignalSettings) -> tuple[SignalSettings, Kernel]:
    """Kernel, normalisation, mode and padding, drawn in ``sb``. ``made``: the signal's own settings (source,
    length, noise, seed), completed here. Returns the settings and the kernel."""
    sb.subheader(t("sig.kernel_header"))
    kind = url_choice(sb.selectbox, t("sig.kernel"), KERNELS, "sig_kernel", D.kernel,
                      format_func=lambda k: t(f"sig.kernels.{k}"))  # fmt: skip
    size, sigma = D.size, D.sigma
    if kind in SIZED:  # other kernels have their own length: a slider beside them would contradict the picture
        size = sb.slider(t("sig.size"), 1, MAX_KERNEL, D.size, help=t("sig.size_help"), **bound("sig_size"))
    if kind == "gaussian":
        sigma = sb.slider(t("sig.sigma"), MIN_SIGMA, MAX_SIGMA, D.sigma, step=0.1, help=t("sig.sigma_help"),
                          **bound("sig_sigma"))  # fmt: skip
    typed = _typed(sb) if kind == "typed" else None
    how = url_choice(sb.selectbox, t("sig.normalise"), NORMALISE, "sig_normalise", D.normalise,
                     format_func=lambda k: t(f"sig.normalise_{k}"))  # fmt: skip
    weights = typed if typed is not None else make_kernel(kind, size, sigma)
    try:
        weights = normalise(weights, how)
    except SignalError as err:
        sb.warning(t(f"sig.error.{err.reason}"), icon=":material/error:")
    sb.subheader(t("sig.filter_header"))
    mode = url_choice(sb.radio, t("sig.mode"), MODES, "sig_mode", D.mode, horizontal=True,
                      format_func=lambda k: t(f"sig.modes.{k}"), help=t("sig.mode_help"))  # fmt: skip
    padding = url_choice(sb.selectbox, t("sig.padding"), PADDINGS, "sig_padding", D.padding,
                         format_func=lambda k: t(f"sig.paddings.{k}"), disabled=mode == "valid",
                         help=t("sig.padding_help"))  # fmt: skip
    weights_text = st.session_state.get("sig_weights", D.weights)
    settings = replace(made, kernel=kind, size=size, sigma=sigma, weights=weights_text, normalise=how, mode=mode,
                       padding=padding)  # fmt: skip
    return settings, Kernel(weights, typed.tolist() if typed is not None else [])
