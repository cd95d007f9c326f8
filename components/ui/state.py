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


CHOICES = "_url_choices"  # keys of every url_choice widget seen in this session
IGNORED = "_ignored_link_settings"
ARRIVAL = "_arrival_query"


def note_ignored(key: str) -> None:
    """Remember a link parameter that was invalid and fell back to the default."""
    st.session_state.setdefault(IGNORED, set()).add(key)


def forget_choice_labels() -> None:
    """After a language switch the browser still holds the old *labels* of every
    choice; drop them so each choice re-reads its stable id from the URL."""
    for key in st.session_state.get(CHOICES, set()):
        if key != "lang":
            st.session_state.pop(key, None)


def url_choice(
    widget: Callable[..., Any], label: str, options: Sequence[str], key: str, default: str, **kwargs: Any
) -> str:
    """A selectbox/radio whose URL parameter ``key`` holds the option id.

    Args:
        widget: ``st.selectbox``, ``st.radio``, ``st.sidebar.selectbox``...
        options: stable ids; show translated labels with ``format_func``.
        default: the id used when neither the session nor the link has a valid one.
    """
    st.session_state.setdefault(CHOICES, set()).add(key)
    if key not in st.session_state:
        requested = st.query_params.get(key)
        if requested is not None and requested not in options:
            note_ignored(key)
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


def reset_button(prefix: str, settings_type: type, extra: dict[str, object] | None = None) -> None:
    """A sidebar button that puts every ``<prefix>_*`` setting back to its default.

    URL-bound widgets are *assigned* their defaults (a bound widget whose state
    is merely deleted would read its old value back from the URL, and Streamlit
    refuses to delete a bound URL parameter); everything else with the prefix
    (inspector position, custom kernel...) is dropped.

    Args:
        extra: defaults of bound widgets that are not fields of ``settings_type``
            (e.g. the learning rate of each run: ``{"gd_lr2": 0.001}``).
    """

    def reset() -> None:
        defaults = {f"{prefix}_{f.name}": f.default for f in fields(settings_type)} | (extra or {})
        for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
            if key not in defaults and not str(key).endswith(("_upload", "_last_good")):
                st.session_state.pop(key, None)
        for key, value in defaults.items():
            st.session_state[key] = value
        for key in list(st.query_params):
            if key.startswith(f"{prefix}_") and key not in defaults:
                with contextlib.suppress(StreamlitAPIException):  # a bound widget missing from ``extra``
                    del st.query_params[key]

    st.sidebar.button(t("app.reset"), on_click=reset, key=f"{prefix}_reset", icon=":material/restart_alt:")


def _same(a: object, b: object) -> bool:
    try:
        return float(str(a)) == float(str(b))
    except ValueError:
        return str(a).lower() == str(b).lower()


def remember_arrival() -> None:
    """Keep the URL the session arrived with (call before any widget)."""
    if ARRIVAL not in st.session_state:
        st.session_state[ARRIVAL] = {k: st.query_params.get(k) for k in st.query_params}


def link_notice(prefix: str, where: Any) -> None:
    """Say once, in ``where``, which settings of the arrival link were invalid and replaced.

    Streamlit silently drops bound values that are out of range; comparing the
    arrival URL with the widgets' values finds them. Call after all widgets.
    """
    if st.session_state.get(f"{ARRIVAL}_told"):
        return
    st.session_state[f"{ARRIVAL}_told"] = True
    ignored = set(st.session_state.get(IGNORED, set()))
    for key, value in st.session_state.get(ARRIVAL, {}).items():
        if key.startswith(f"{prefix}_") and key in st.session_state and not _same(st.session_state[key], value):
            ignored.add(key)
    if ignored:
        where.info(t("app.link_ignored", names=", ".join(sorted(ignored))), icon=":material/link_off:")
