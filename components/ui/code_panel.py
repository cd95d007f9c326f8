"""The "PyTorch code" expander every page ends with."""

from __future__ import annotations

import streamlit as st

from components.ui.i18n import t


def code_panel(source: str, filename: str) -> None:
    """Show runnable code with a download button (the same text)."""
    with st.expander(t("app.code_title")):
        st.caption(t("app.code_help"))
        st.code(source, language="python")
        st.download_button(t("app.code_download"), source, file_name=filename, mime="text/x-python")
