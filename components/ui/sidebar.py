"""What every page shares: language, projector mode, presentation view, share."""

from __future__ import annotations

import streamlit as st

from components.ui.i18n import LANG_KEY, LANGS, browser_lang, t
from components.ui.lesson import SHARE_SLOT
from components.ui.present import PRESENT, is_present
from components.ui.projector import KEY as PROJECTOR
from components.ui.projector import page_style
from components.ui.share import share_button
from components.ui.state import forget_choice_labels, url_choice


def _flag(where, key: str, label: str) -> bool:
    """A switch bound to ``?<key>=1`` (set from the link on arrival)."""
    if key not in st.session_state:
        st.session_state[key] = str(st.query_params.get(key, "")).lower() in ("1", "true")
    on = where.toggle(label, key=key)
    if on and st.query_params.get(key) != "1":
        st.query_params[key] = "1"
    elif not on and key in st.query_params:
        del st.query_params[key]
    return on


def shared_sidebar():
    """Language (``?lang=en|zh``, default from the browser), projector mode (``?projector=1``) and the
    presentation view (``?present=1``). Returns where the share button goes (filled after the page ran)."""
    if PRESENT not in st.session_state:
        st.session_state[PRESENT] = str(st.query_params.get(PRESENT, "")).lower() in ("1", "true")
    # The presentation view hides the sidebar: its switches go to a small bar in the top corner.
    box = st.container(key="present_exit", horizontal=True) if is_present() else st.sidebar
    # Pages with a lesson put Share in their lesson bar (top of the page); elsewhere it is first in the sidebar,
    # under the pages: its pop-up opens downwards and needs the room (at the sidebar's end the screen's bottom
    # edge cut the QR code).
    slot = None if is_present() else box.empty()
    url_choice(
        box.selectbox,
        t("app.language"),
        list(LANGS),
        LANG_KEY,
        browser_lang(),
        format_func=LANGS.__getitem__,
        on_change=forget_choice_labels,
        label_visibility="collapsed" if is_present() else "visible",
        width=170 if is_present() else "stretch",
    )
    # Help as captions, not "?" icons: tapping an icon inside a switch's label flips the switch.
    _flag(box, PRESENT, t("app.present"))
    if not is_present():
        box.caption(t("app.present_help"))
    _flag(box, PROJECTOR, t("app.projector"))
    if not is_present():
        box.caption(t("app.projector_help"))
    page_style()
    return slot or box.empty()


def share(slot) -> None:
    """Fill the share slot (after the page ran, so the link holds every setting): the lesson bar's if the page
    has one, else ``slot``."""
    share_button((st.session_state.pop(SHARE_SLOT, None) or slot).container())
