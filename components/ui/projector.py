"""Projector mode (``?projector=1``): larger text, thicker lines, high contrast."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.figures.theme import apply_theme

KEY = "projector"
_ON = ("1", "true")

_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 21px; }
[data-testid="stAppViewContainer"] * { color: #000000; }
h1 { font-size: 2.6rem !important; }
[data-testid="stMetricValue"] { font-size: 2.4rem !important; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem !important; opacity: 1 !important; }
[data-testid="stPageLink"] p { font-size: 1.25rem !important; font-weight: 600; }
[data-testid="stMetricLabel"] p, [data-testid="stWidgetLabel"] p { font-size: 1.15rem !important; }
button[role="tab"] p { font-size: 1.2rem !important; }
[data-testid="stImageCaption"], [data-testid="stCaptionContainer"] p { font-size: 1.05rem !important; }
.stSlider [role="slider"] { width: 1.6rem; height: 1.6rem; }
</style>
"""


def projector_requested() -> bool:
    """Projector state before the toggle exists (for ``set_page_config``)."""
    if KEY in st.session_state:
        return bool(st.session_state[KEY])
    return str(st.query_params.get(KEY, "")).lower() in _ON


def projector_style() -> None:
    """Enlarge the app's text and controls when projector mode is on."""
    if is_projector():
        st.html(_CSS)


def is_projector() -> bool:
    return bool(st.session_state.get(KEY, False))


def show_figure(fig: go.Figure, **kwargs: object) -> None:
    """``st.plotly_chart`` with the shared theme (projector-aware) and a lean toolbar."""
    apply_theme(fig, is_projector())
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
    st.plotly_chart(fig, config=config, **kwargs)
