"""Projector mode (``?projector=1``): larger text, thicker lines, high contrast."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.figures.theme import apply_theme
from components.ui.i18n import t

KEY = "projector"
_ON = ("1", "true")

_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 21px; }
[data-testid="stAppViewContainer"] * { color: #000000; }
h1 { font-size: 2.6rem !important; }
[data-testid="stMetricValue"] { font-size: 2.4rem !important; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem !important; }
.stSlider [role="slider"] { width: 1.6rem; height: 1.6rem; }
</style>
"""


def projector_requested() -> bool:
    """Projector state before the toggle exists (for ``set_page_config``)."""
    if KEY in st.session_state:
        return bool(st.session_state[KEY])
    return str(st.query_params.get(KEY, "")).lower() in _ON


def projector_toggle() -> bool:
    """Sidebar toggle bound to ``?projector=``; ``1`` in a link is accepted too."""
    if KEY not in st.session_state and st.query_params.get(KEY) == "1":
        st.session_state[KEY] = True
    on = st.sidebar.toggle(t("app.projector"), key=KEY, bind="query-params", help=t("app.projector_help"))
    if on:
        st.html(_CSS)
    return on


def is_projector() -> bool:
    return bool(st.session_state.get(KEY, False))


def show_figure(fig: go.Figure, **kwargs: object) -> None:
    """``st.plotly_chart`` with the shared theme (projector-aware) and a lean toolbar."""
    apply_theme(fig, is_projector())
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
    st.plotly_chart(fig, config=config, **kwargs)
