"""URL-bound settings: every shareable widget has ``key="<page>_<param>"``, which is
also its URL parameter, so the address bar always reproduces the view.

Numbers and switches use Streamlit's own ``bind="query-params"``. Choices go
through ``url_choice``: Streamlit would put the *displayed* label in the URL
("Gaussian blur" / "高斯模糊"), which changes with the language; links must hold
the stable option id (``conv_kernel=gaussian``), so choices sync by hand.
Out-of-range or unknown values in a link fall back to the default.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from components.ui.i18n import t


def bound(key: str) -> dict[str, str]:
    """Keyword arguments that bind a numeric/boolean widget to the URL parameter ``key``."""
    return {"key": key, "bind": "query-params"}


def url_choice(
    widget: Callable[..., Any], label: str, options: Sequence[str], key: str, default: str, **kwargs: Any
) -> str:
    """A selectbox/radio whose URL parameter ``key`` holds the option id.

    Args:
        widget: ``st.selectbox``, ``st.radio``, ``st.sidebar.selectbox``...
        options: stable ids; show translated labels with ``format_func``.
        default: the id used when neither the session nor the link has a valid one.
    """
    if key not in st.session_state:
        requested = st.query_params.get(key)
        st.session_state[key] = requested if requested in options else default
    value = widget(label, list(options), key=key, **kwargs)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value
    return value


def clamp_state(key: str, low: float, high: float) -> None:
    """Keep a stored value inside a range that depends on other settings.

    Must run before the widget is created (Streamlit refuses out-of-range values).
    """
    value = st.session_state.get(key)
    if value is not None and not low <= value <= high:
        st.session_state[key] = min(max(value, low), high)


def reset_button(prefix: str, settings_type: type) -> None:
    """A sidebar button that puts every ``<prefix>_*`` setting back to its default."""

    def reset() -> None:
        for f in fields(settings_type):
            key = f"{prefix}_{f.name}"
            st.session_state.pop(key, None)
            if key in st.query_params:
                # Widgets bound natively clear their own parameter (and refuse this).
                with contextlib.suppress(StreamlitAPIException):
                    del st.query_params[key]
        for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
            if not str(key).endswith(("_upload", "_last_good")):
                st.session_state.pop(key, None)

    st.sidebar.button(t("app.reset"), on_click=reset, key=f"{prefix}_reset", icon=":material/restart_alt:")
