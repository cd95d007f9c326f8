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


def share_button(where) -> None:
    """A "Share" popover: the link (the code box has a copy button) and its QR code.

    Lazy (``on_change="rerun"``): the link and the picture are made only while the popover is open, not on
    every interaction of the page.
    """
    box = where.popover(t("app.share"), icon=":material/qr_code_2:", key="share", on_change="rerun")
    if box.open:
        link = current_link()
        with box:
            st.caption(t("app.share_help"))
            st.code(link, language=None, wrap_lines=True)
            st.image(qr_png(link), width=200, caption=t("app.share_qr"))
