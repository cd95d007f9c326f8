"""Share the current view: its link (with a copy button) and a QR code for phones."""

from __future__ import annotations

import io
from functools import lru_cache
from urllib.parse import urlencode

import segno
import streamlit as st

from components.ui.i18n import t


def current_link() -> str:
    """The address that reproduces this view: the page's URL and every setting in the query."""
    base = (st.context.url or "").split("?")[0]
    query = urlencode(st.query_params.to_dict())
    return f"{base}?{query}" if query else base


@lru_cache(maxsize=64)
def qr_png(link: str) -> bytes:
    """A QR code of ``link`` as PNG bytes (black on white, a quiet zone of 4 modules)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def _share_view() -> None:
    link = current_link()
    code, words = st.columns([1, 1], gap="medium")  # side by side: the dialog fits a 768 px screen
    code.image(qr_png(link), width="stretch", caption=t("app.share_qr"))  # large: scanned off the projector
    words.caption(t("app.share_help"))
    words.code(link, language=None, wrap_lines=True)


def share_button(where) -> None:
    """A "Share" button opening a dialog: the link (the code box has a copy button) and its QR code.

    A dialog, not a pop-up: it sits in the middle of the screen whatever the button's place (a pop-up under a
    button low on a 768 px screen was cut by its bottom edge). The link and the picture are made only when
    it opens, not on every interaction of the page.
    """
    if where.button(t("app.share"), icon=":material/qr_code_2:", key="share"):
        st.dialog(t("app.share"), width="large")(_share_view)()
