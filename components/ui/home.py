"""Home-page cards: title, one line, a small picture, a link. Imports nothing heavy (no torch, no Plotly): the
home page is the first thing ``make run`` paints (issue 10, cold start)."""

from __future__ import annotations

import streamlit as st

from components.ui.i18n import ROOT, t
from components.ui.pages import PAGES, SECTIONS


def page_cards(per_row: int = 3) -> None:
    """One bordered card per page, grouped by section."""
    for section in SECTIONS:
        pages = [p for p in PAGES if p.section == section and p.url_path]
        if not pages:
            continue
        st.subheader(t(f"sections.{section}"))
        cols = st.columns(per_row)
        for i, p in enumerate(pages):
            with cols[i % per_row].container(border=True):
                if p.thumbnail:
                    st.image(str(ROOT / "assets" / "images" / p.thumbnail), width="stretch")
                st.page_link(f"topics/{p.module}.py", label=t(f"{p.i18n}.title"), icon=p.icon)
                st.caption(t(f"{p.i18n}.card"))
