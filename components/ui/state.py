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
from components.ui.present import controls


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


def link_value(option: Any) -> str:
    """How an option is spelled in a link: ids as they are, numbers short (``0.001``, ``2``, ``1e-05``)."""
    if isinstance(option, float) and not isinstance(option, bool):
        short = f"{option:g}"
        return short if float(short) == option else repr(option)
    return str(option)


def find_option(requested: str, options: Sequence[Any]) -> Any | None:
    """The option a link value names: its id, or for numbers any ordinary spelling ("2", "2.0", "2e0")."""
    for option in options:
        if requested == link_value(option):
            return option
    try:
        number = float(requested)
    except (TypeError, ValueError):
        return None
    numeric = (o for o in options if isinstance(o, int | float) and not isinstance(o, bool))
    return next((o for o in numeric if float(o) == number), None)


def url_choice(
    widget: Callable[..., Any], label: str, options: Sequence[Any], key: str, default: Any, **kwargs: Any
) -> Any:
    """A selectbox/radio/select_slider whose URL parameter ``key`` holds the option id.

    Streamlit's own ``bind`` matches a link value against the option's displayed
    text only (``deriv_dx=2`` would miss the option ``2.0``), so numeric options
    (learning rates, step sizes) come here too: any spelling of a number is
    accepted and the link is rewritten to the option's own (``link_value``).

    Args:
        widget: ``st.selectbox``, ``st.radio``, ``st.select_slider``, ``st.sidebar.selectbox``...
        options: stable ids or numbers; show translated labels with ``format_func``.
        default: the id used when neither the session nor the link has a valid one.
    """
    st.session_state.setdefault(CHOICES, set()).add(key)
    if key not in st.session_state:
        requested = st.query_params.get(key)
        found = None if requested is None else find_option(requested, options)
        if requested is not None and found is None:
            note_ignored(key)
        st.session_state[key] = default if found is None else found
    value = widget(label, list(options), key=key, **kwargs)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != link_value(value):
        st.query_params[key] = link_value(value)
    return value


def url_tabs(labels: dict[str, str], key: str, default: str | None = None) -> dict[str, Any]:
    """``st.tabs`` whose open tab is in the link as a stable id (``?conv_view=window``).

    Streamlit's own ``bind`` would put the translated label in the URL; like
    ``url_choice``, the link holds the id and the label is looked up in the
    current language. Only the open tab's content needs to run (``.open``).

    Args:
        labels: ``{id: translated label}`` in display order.
        default: the id opened when the link names none (default the first).

    Returns:
        ``{id: tab container}``.
    """
    ids = list(labels)
    default = default or ids[0]
    by_label = {label: i for i, label in labels.items()}
    st.session_state.setdefault(CHOICES, set()).add(key)
    if st.session_state.get(key) in labels:  # an id set by a lesson step
        st.session_state[key] = labels[st.session_state[key]]
    if st.session_state.get(key) not in by_label:  # first run, or a label of the other language
        requested = st.query_params.get(key)
        if requested is not None and requested not in ids:
            note_ignored(key)
        st.session_state[key] = labels[requested if requested in ids else default]
    tabs = st.tabs(list(labels.values()), key=key, on_change="rerun")
    chosen = by_label.get(st.session_state.get(key), default)
    if chosen == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != chosen:
        st.query_params[key] = chosen
    return dict(zip(ids, tabs, strict=True))


def setting(key: str, default: Any, valid: Callable[[Any], bool] = lambda v: True) -> Any:
    """A setting whose widget this run does not draw (a closed tab's): the session's value, else the link's
    (read as ``type(default)``), else ``default``; a value that is not ``valid`` gives ``default`` too."""
    value = st.session_state.get(key, st.query_params.get(key))
    if value is None:
        return default
    try:
        if isinstance(default, bool):
            value = value if isinstance(value, bool) else str(value).lower() == "true"
        else:
            value = type(default)(value)
    except (TypeError, ValueError):
        return default
    return value if valid(value) else default


def clamp_state(key: str, low: float, high: float) -> None:
    """Keep a stored value inside a range that depends on other settings.

    Must run before the widget is created (Streamlit refuses out-of-range values).
    """
    value = st.session_state.get(key)
    if value is not None and not low <= value <= high:
        st.session_state[key] = min(max(value, low), high)


def defaults_of(prefix: str, settings_type: type, extra: dict[str, object] | None = None) -> dict[str, object]:
    """``{"<prefix>_<field>": default}`` for every field of ``settings_type``, plus ``extra``."""
    return {f"{prefix}_{f.name}": f.default for f in fields(settings_type)} | (extra or {})


def restore_defaults(prefix: str, settings_type: type, extra: dict[str, object] | None = None) -> None:
    """Put every ``<prefix>_*`` setting back to its default (call from a callback).

    URL-bound widgets are *assigned* their defaults (a bound widget whose state
    is merely deleted would read its old value back from the URL, and Streamlit
    refuses to delete a bound URL parameter); everything else with the prefix
    (inspector position, custom kernel...) is dropped.

    Args:
        extra: defaults of bound widgets that are not fields of ``settings_type``
            (e.g. the learning rate of each run: ``{"gd_lr2": 0.001}``).
    """
    defaults = defaults_of(prefix, settings_type, extra)
    for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
        if key not in defaults and not str(key).endswith(("_upload", "_last_good")):
            st.session_state.pop(key, None)
    for key, value in defaults.items():
        st.session_state[key] = value
    for key in list(st.query_params):
        if key.startswith(f"{prefix}_") and key not in defaults:
            with contextlib.suppress(StreamlitAPIException):  # a bound widget missing from ``extra``
                del st.query_params[key]


def reset_button(prefix: str, settings_type: type, extra: dict[str, object] | None = None) -> None:
    """A sidebar button that puts every ``<prefix>_*`` setting back to its default (``restore_defaults``)."""
    controls().button(
        t("app.reset"),
        on_click=restore_defaults,
        args=(prefix, settings_type, extra),
        key=f"{prefix}_reset",
        icon=":material/restart_alt:",
    )


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
        if key in st.session_state.get(CHOICES, set()):
            continue  # choices and tabs hold ids in the link and labels or ids in state; they note bad ids themselves
        if key.startswith(f"{prefix}_") and key in st.session_state and not _same(st.session_state[key], value):
            ignored.add(key)
    if ignored:
        where.info(t("app.link_ignored", names=", ".join(sorted(ignored))), icon=":material/link_off:")
