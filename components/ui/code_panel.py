"""The "PyTorch code" expander every page ends with."""

from __future__ import annotations

import streamlit as st

from components.ui.i18n import t

KEY = "code"  # ?code=true: the link opens the panel


def code_panel(source: str, filename: str) -> None:
    """Show runnable code with a download button (the same text).

    Drawn only while the panel is open (issue 10): closed, a control's rerun neither sends the code nor makes
    the browser highlight it again (~30 ms a press on Convolution). Opening it reruns the page with the code.
    """
    panel = st.expander(t("app.code_title"), key=KEY, bind="query-params")
    if not panel.open:
        return
    with panel:
        st.caption(t("app.code_help"))
        st.code(source, language="python")
        st.download_button(t("app.code_download"), source, file_name=filename, mime="text/x-python")
