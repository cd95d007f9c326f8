"""Autograd page: the formula's leaves, their "requires grad" switches and the backward step in the link.

Leaves come and go with the formula, so their widgets are keyed by leaf *and* formula (``ag_v_w_<tag>``): a
new formula gets new widgets, and the browser shows the new formula's values (a browser keeps showing a
widget's old value when only its state is dropped). The link names leaves by name alone and holds only what
differs from the formula's defaults: ``?ag_v_w=2.5&ag_g_x=1&ag_step=3`` is "w = 2.5, x requires grad,
backward step 3". The page drops link entries of leaves the formula does not have, and reads the link only
for the formula it was made with (the first formula of the session, or the same one again after a tab
switch); a newly chosen formula starts from its own defaults.
"""

from __future__ import annotations

import hashlib
import math

import streamlit as st

from components.ui.state import link_value, note_ignored

VALUE, GRAD, STEP = "ag_v_", "ag_g_", "ag_step"  # URL parameters ag_v_<leaf>, ag_g_<leaf>, ag_step
_LINKED = "_ag_link_formula"  # the formula tag the link's leaf entries belong to
_READ = "_ag_link_read"  # whether this run's formula is that one (the link may be read)
_ALIVE = "ag_leaf_widgets"  # dropped by a reset or lesson step (prefix ag_): then the widgets get new keys
_GENERATION = "_ag_leaf_generation"
_TRUE, _FALSE = ("1", "true"), ("0", "false")


def formula_tag(text: str) -> str:
    """A short stable tag of a formula, for the keys of the widgets that belong to it."""
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def widget_tag(text: str) -> str:
    """``formula_tag``, plus a counter of the resets that dropped the leaf widgets' states since (so that the
    browser, which would keep showing the dropped values, gets fresh widgets showing the defaults)."""
    if _ALIVE not in st.session_state:
        if _LINKED in st.session_state:  # not the first run: a reset or a lesson step dropped the states
            st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
        st.session_state[_ALIVE] = True
    generation = st.session_state.get(_GENERATION, 0)
    return formula_tag(text) + (f"_{generation}" if generation else "")


def _number(raw: str | None) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and abs(value) < 1e12 else None


def _from_link(tag: str) -> bool:
    """Whether the link's leaf entries belong to this formula; from now on they do (the page rewrites them)."""
    linked = st.session_state.get(_LINKED)
    st.session_state[_LINKED] = tag
    st.session_state[_READ] = linked in (None, tag)
    return st.session_state[_READ]


def seed_leaves(names: tuple[str, ...], defaults: dict[str, float], grad_defaults: tuple[str, ...], tag: str) -> None:
    """Give each leaf widget not created yet its value: from the link if it belongs to this formula, else
    the default. Invalid link values are reported (``link_notice``) and replaced by the default."""
    from_link = _from_link(tag)
    if from_link:
        for key in st.query_params:
            if key.startswith((VALUE, GRAD)) and key[len(VALUE) :] not in names:
                note_ignored(key)  # a leaf of another formula
    for name in names:
        value_key, grad_key = f"{VALUE}{name}_{tag}", f"{GRAD}{name}_{tag}"
        if value_key not in st.session_state:
            raw = st.query_params.get(f"{VALUE}{name}") if from_link else None
            number = _number(raw)
            if raw is not None and number is None:
                note_ignored(f"{VALUE}{name}")
            st.session_state[value_key] = float(defaults.get(name, 1.0)) if number is None else number
        if grad_key not in st.session_state:
            raw = st.query_params.get(f"{GRAD}{name}") if from_link else None
            switch = None if raw is None else str(raw).lower()
            if switch is not None and switch not in (*_TRUE, *_FALSE):
                note_ignored(f"{GRAD}{name}")
            st.session_state[grad_key] = switch in _TRUE or (switch not in _FALSE and name in grad_defaults)


def _put(key: str, value: str | None) -> None:
    """Set URL parameter ``key`` (``None``: remove it), only when it changes (each change is a message)."""
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def sync_leaves(
    names: tuple[str, ...],
    values: dict[str, float],
    grads: set[str],
    defaults: dict[str, float],
    grad_defaults: tuple[str, ...],
) -> None:
    """Write the leaves that differ from the formula's defaults into the link; drop every other leaf entry."""
    for key in [k for k in st.query_params if k.startswith((VALUE, GRAD)) and k[len(VALUE) :] not in names]:
        del st.query_params[key]
    for name in names:
        value = values[name]
        _put(f"{VALUE}{name}", None if value == float(defaults.get(name, 1.0)) else link_value(float(value)))
        on = name in grads
        _put(f"{GRAD}{name}", None if on == (name in grad_defaults) else ("1" if on else "0"))


def seed_step(key: str, n: int) -> None:
    """The backward step widget's first value: the link's ``ag_step`` if it belongs to this formula (see
    ``seed_leaves``, called first) and is in ``[0, n]``, else 0."""
    if key in st.session_state:
        return
    raw = st.query_params.get(STEP) if st.session_state.get(_READ) else None
    number = _number(raw)
    valid = number is not None and number == int(number) and 0 <= number <= n
    if raw is not None and not valid:
        note_ignored(STEP)
    st.session_state[key] = int(number) if valid else 0


def sync_step(step: int) -> None:
    _put(STEP, str(step) if step else None)
