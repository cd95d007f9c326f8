"""The sidebar every page shares: language and projector mode."""

from __future__ import annotations

import streamlit as st

from components.ui.i18n import LANG_KEY, LANGS, browser_lang, t
from components.ui.projector import KEY as PROJECTOR
from components.ui.projector import projector_style
from components.ui.state import forget_choice_labels, url_choice


def shared_sidebar() -> None:
    """Language (``?lang=en|zh``, default from the browser) and projector mode (``?projector=1``)."""
    url_choice(
        st.sidebar.selectbox,
        t("app.language"),
        list(LANGS),
        LANG_KEY,
        browser_lang(),
        format_func=LANGS.__getitem__,
        on_change=forget_choice_labels,
    )
    if PROJECTOR not in st.session_state:
        st.session_state[PROJECTOR] = str(st.query_params.get(PROJECTOR, "")).lower() in ("1", "true")
    on = st.sidebar.toggle(t("app.projector"), key=PROJECTOR, help=t("app.projector_help"))
    if on and st.query_params.get(PROJECTOR) != "1":
        st.query_params[PROJECTOR] = "1"
    elif not on and PROJECTOR in st.query_params:
        del st.query_params[PROJECTOR]
    projector_style()
