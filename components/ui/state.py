"""URL-bound settings: every shareable widget has ``key="<page>_<param>"`` and
``bind="query-params"`` so the address bar always reproduces the view."""

from __future__ import annotations

from dataclasses import fields

import streamlit as st

from components.ui.i18n import t


def bound(key: str) -> dict[str, str]:
    """Keyword arguments that bind a widget to the URL parameter ``key``."""
    return {"key": key, "bind": "query-params"}


def clamp_state(key: str, low: float, high: float) -> None:
    """Keep a stored value inside a range that depends on other settings.

    Must run before the widget is created (Streamlit refuses out-of-range values).
    """
    if key in st.session_state and st.session_state[key] is not None:
        st.session_state[key] = min(max(st.session_state[key], low), high)


def reset_button(prefix: str, settings_type: type) -> None:
    """A sidebar button that puts every ``<prefix>_*`` setting back to its default."""

    def reset() -> None:
        for f in fields(settings_type):
            st.session_state.pop(f"{prefix}_{f.name}", None)
        for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
            if not str(key).endswith(("_upload", "_last_good")):
                st.session_state.pop(key, None)

    st.sidebar.button(t("app.reset"), on_click=reset, key=f"{prefix}_reset", icon=":material/restart_alt:")
