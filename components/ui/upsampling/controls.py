"""The Upsampling page's settings and its cached work: the original at the page's size, every method's result."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st
import torch

from components.compute.upsampling import (
    INITS,
    MAX_FACTOR,
    MAX_K,
    MAX_P,
    MAX_S,
    METHODS,
    MIN_FACTOR,
    Score,
    UpError,
    UpSettings,
    downsample,
    score,
    transposed_params,
    upsample,
    working,
)
from components.ui.i18n import t
from components.ui.image_input import LoadedImage
from components.ui.state import bound, url_choice

D = UpSettings()
LONG_SIDE = 512  # the page compares at this size: 9 methods on a 1024² photo would take ~4x longer


def up_controls(sb: Any, image_key: str) -> UpSettings:
    """Factor, antialiasing and the transposed convolution's own settings, drawn in ``sb``."""
    sb.subheader(t("up.down_header"))
    factor = sb.slider(t("up.factor"), MIN_FACTOR, MAX_FACTOR, D.factor, help=t("up.factor_help"), **bound("up_factor"))
    antialias = sb.toggle(t("up.antialias"), D.antialias, **bound("up_antialias"))
    sb.caption(t("up.antialias_help"))
    sb.subheader(t("up.transposed_header"))
    match = sb.toggle(t("up.tmatch"), D.tmatch, **bound("up_tmatch"))
    k, s, p, op = D.tk, D.ts, D.tp, D.top
    if not match:  # hidden, not disabled, while matched: the numbers in use are in the caption below
        k = sb.slider(t("up.tk"), 1, MAX_K, D.tk, **bound("up_tk"))
        s = sb.slider(t("up.ts"), 1, MAX_S, D.ts, **bound("up_ts"))
        p = sb.slider(t("up.tp"), 0, MAX_P, D.tp, **bound("up_tp"))
        op = sb.slider(t("up.top"), 0, MAX_S - 1, D.top, help=t("up.top_help"), **bound("up_top"))
    init = url_choice(sb.selectbox, t("up.init"), INITS, "up_init", D.init, format_func=lambda k: t(f"up.inits.{k}"))
    seed = sb.number_input(t("up.seed"), 0, 9999, D.seed, help=t("up.seed_help"), **bound("up_seed"))
    image = st.session_state.get(image_key, D.image)
    return replace(D, image=image, factor=factor, antialias=antialias, tmatch=match, tk=k, ts=s, tp=p, top=op,
                   init=init, seed=int(seed))  # fmt: skip


@st.cache_resource(max_entries=8, show_spinner=False)
def _original(digest: str, _tensor: torch.Tensor) -> torch.Tensor:
    return working(_tensor, LONG_SIDE)


def original(image: LoadedImage) -> torch.Tensor:
    """``(3, H, W)``: the image at the page's size (long side ``LONG_SIDE``), cached by its bytes."""
    return _original(image.digest, image.tensor)


def depends_on(method: str, s: UpSettings) -> tuple:
    """The settings a method's result depends on: a change of the others leaves it cached."""
    base = (s.factor, s.antialias)
    if method == "transposed":
        return (*base, *transposed_params(s), s.init, s.seed if s.init == "random" else 0)
    if method.startswith("shuffle"):
        return (*base, s.seed)
    return base


@st.cache_resource(max_entries=4, show_spinner=False)
def _low(digest: str, factor: int, antialias: bool, _original: torch.Tensor) -> torch.Tensor:
    return downsample(_original, factor, antialias)


@st.cache_resource(max_entries=48, show_spinner=False)  # 9 methods x a few settings; ~3 MB each at 512 px
def _restored(digest: str, method: str, key: tuple, _original: torch.Tensor, _s: UpSettings):
    low = _low(digest, _s.factor, _s.antialias, _original)
    try:
        restored = upsample(low, method, (_original.shape[1], _original.shape[2]), _s)
    except UpError as err:
        return err
    return restored, score(_original, restored)


def results(image: LoadedImage, s: UpSettings) -> dict[str, tuple[torch.Tensor, Score] | UpError | torch.Tensor]:
    """``{"low": (C, h, w) feature map, method: (restored, score) or the UpError}``, each cached across
    sessions by the settings it depends on (a kernel-size change recomputes the transposed convolution only)."""
    orig = original(image)
    out: dict[str, Any] = {"low": _low(image.digest, s.factor, s.antialias, orig)}
    for method in METHODS:
        out[method] = _restored(image.digest, method, depends_on(method, s), orig, s)
    return out
