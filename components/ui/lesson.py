"""Lesson steps: named presets a teacher walks through with Previous / Next (PageUp / PageDown).

A step is the page's defaults plus a few settings, a sentence for the teacher to
say and a question for the class (``lessons.<page>.<id>.title|say|ask`` in the
catalogs). The step is in the link (``?step=3``). A link opens the step's settings
with the link's own settings on top, so a link copied at step 3 after a few changes
reopens exactly. A bound widget leaves a setting at its page default out of the
link; a step setting the teacher put back to the page default is therefore named in
``?step_off=`` (else reopening would fill the step's value in again).

"Predict, then reveal": with the switch on, the page's key number is hidden
(``masked``) until the teacher reveals it; any change of the settings hides it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from components.ui.fragments import before_section_reruns, in_section_rerun
from components.ui.i18n import t
from components.ui.present import is_present, set_places
from components.ui.state import defaults_of, restore_defaults

STEP = "step"  # URL parameter
STEP_OFF = "step_off"  # URL parameter: the step's settings the view has at their page default instead
PREDICT = "predict"  # URL parameter and session key of the switch
_APPLIED = "_lesson_applied"  # {page prefix: the step the settings were set from}
_REVEALED = "_lesson_revealed"  # the settings the answer was revealed for
_BAD = "_lesson_bad_step"
_SHOWN = "_lesson_hidden_shown"  # whether the lesson bar last drew the page's key number as hidden
SHARE_SLOT = "_lesson_share_slot"  # where this run's Share button goes (the router fills it after the page)


@dataclass(frozen=True)
class Step:
    """Attributes:
    id: catalog key part (``lessons.<page>.<id>.*``).
    settings: widget key -> value; every other setting of the page takes its default.
    controls: widget keys shown in the presentation strip for this step.
    """

    id: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    controls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lesson:
    """A page's steps and what its reset needs (``restore_defaults``)."""

    prefix: str
    settings_type: type
    steps: tuple[Step, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)


def _requested() -> str | None:
    raw = st.query_params.get(STEP)
    return None if raw in (None, "", "0") else str(raw)


def _index(lesson: Lesson, raw: str | None) -> int | None:
    """The step number a link asks for, ``None`` when it is not a step of this page."""
    try:
        k = int(float(raw))  # "3", "3.0"
    except (TypeError, ValueError):
        return None
    return k if 1 <= k <= len(lesson.steps) and k == float(raw) else None


def go(lesson: Lesson, k: int) -> None:
    """Callback: show step ``k`` (0 = the page's defaults)."""
    restore_defaults(lesson.prefix, lesson.settings_type, dict(lesson.extra))
    if k:
        for key, value in lesson.steps[k - 1].settings.items():
            st.session_state[key] = value
        st.query_params[STEP] = str(k)
    elif STEP in st.query_params:
        del st.query_params[STEP]
    if STEP_OFF in st.query_params:
        del st.query_params[STEP_OFF]
    st.session_state.setdefault(_APPLIED, {})[lesson.prefix] = str(k) if k else None
    st.session_state.pop(_REVEALED, None)


def _arrive(lesson: Lesson) -> int:
    """The current step. A link with ``?step=N`` gets the step's settings, except those the link sets
    itself and those it names in ``?step_off=`` (put back to the page default)."""
    raw, applied = _requested(), st.session_state.setdefault(_APPLIED, {})
    if raw is None:
        applied[lesson.prefix] = None
        return 0
    k = _index(lesson, raw)
    if k is None:
        st.session_state[_BAD] = raw
        del st.query_params[STEP]
        applied[lesson.prefix] = None
        return 0
    if applied.get(lesson.prefix) != raw:
        off = set(str(st.query_params.get(STEP_OFF, "")).split(","))
        for key, value in lesson.steps[k - 1].settings.items():
            if key not in st.query_params and key not in off:
                st.session_state[key] = value
        applied[lesson.prefix] = raw
    return k


def _mark_off(lesson: Lesson, step: Step) -> None:
    """Name in the link the step's settings now at their page default (their widgets leave them out)."""
    defaults = defaults_of(lesson.prefix, lesson.settings_type, dict(lesson.extra))
    off = sorted(
        key
        for key, value in step.settings.items()
        if key in defaults and value != defaults[key] and st.session_state.get(key, value) == defaults[key]
    )
    if off:
        if st.query_params.get(STEP_OFF) != ",".join(off):
            st.query_params[STEP_OFF] = ",".join(off)
    elif STEP_OFF in st.query_params:
        del st.query_params[STEP_OFF]


def _signature() -> tuple:
    return tuple(sorted((k, str(v)) for k, v in st.query_params.to_dict().items() if k != PREDICT))


def _reveal() -> None:
    st.session_state[_REVEALED] = _signature()


def _predict_switch(where: Any) -> bool:
    if PREDICT not in st.session_state:
        st.session_state[PREDICT] = st.query_params.get(PREDICT) == "1"
    on = where.toggle(t("lesson.predict"), key=PREDICT)
    if on != (st.query_params.get(PREDICT) == "1"):
        if on:
            st.query_params[PREDICT] = "1"
        else:
            del st.query_params[PREDICT]
    return on


def is_hidden() -> bool:
    """Whether the page's key number is hidden now (predict mode, not yet revealed for these settings)."""
    return bool(st.session_state.get(PREDICT)) and st.session_state.get(_REVEALED) != _signature()


def masked(text: str) -> str:
    """The key number, or "?" while the class predicts it.

    A section's own rerun (``ui.fragments``) does not redraw the lesson bar: when its change hides the number
    again, the whole page reruns so the bar offers "Reveal" again."""
    hidden = is_hidden()
    if hidden != st.session_state.get(_SHOWN, hidden) and in_section_rerun():
        st.rerun(scope="app")
    return "?" if hidden else text


def lesson_bar(lesson: Lesson) -> None:
    """Previous / step title / Next, the teacher's sentence and the question; in the
    presentation view also the step's controls and the folded panel of all settings.
    Call right after the page's title, before its settings widgets."""
    k, n = _arrive(lesson), len(lesson.steps)
    if k:
        _mark_off(lesson, lesson.steps[k - 1])
        before_section_reruns(lambda: _mark_off(lesson, lesson.steps[k - 1]))  # a step's setting set there
    with st.container(key="lesson_strip", border=True):
        bar = st.container(horizontal=True, vertical_alignment="center", key="lesson_bar")
        bar.button(t("lesson.previous"), on_click=go, args=(lesson, max(0, k - 1)), disabled=k == 0,
                   shortcut="PageUp", icon=":material/chevron_left:", key="lesson_prev")  # fmt: skip
        title = t(f"lessons.{lesson.prefix}.{lesson.steps[k - 1].id}.title") if k else t("lesson.start", n=n)
        bar.markdown(f"**{t('lesson.step', k=k, n=n)}** · {title}" if k else title)
        bar.button(t("lesson.next"), on_click=go, args=(lesson, min(n, k + 1)), disabled=k == n,
                   shortcut="PageDown", icon=":material/chevron_right:", key="lesson_next", type="primary")  # fmt: skip
        st.session_state[_SHOWN] = _predict_switch(bar) and is_hidden()
        if st.session_state[_SHOWN]:
            bar.button(t("lesson.reveal"), on_click=_reveal, icon=":material/visibility:", key="lesson_reveal")
        if not is_present():  # Share at the top of the page: its pop-up (link, QR code) needs the room below
            st.session_state[SHARE_SLOT] = bar.empty()
        if k:
            step = lesson.steps[k - 1]
            st.container(key="lesson_say").markdown(t(f"lessons.{lesson.prefix}.{step.id}.say"))
            ask = f"**{t('lesson.ask')}** {t(f'lessons.{lesson.prefix}.{step.id}.ask')}"
            st.container(key="lesson_ask").markdown(ask)
        bad = st.session_state.pop(_BAD, None)
        if bad is not None:
            st.info(t("lesson.bad_step", step=bad, n=n), icon=":material/link_off:")
        if is_present():
            strip = st.container(horizontal=True, key="lesson_controls")
            panel = st.container(key="lesson_panel").expander(t("lesson.all_settings"))
            set_places(strip, panel, lesson.steps[k - 1].controls if k else ())


def page_header(prefix: str, lesson: Lesson | None = None) -> None:
    """Title, the idea in one sentence (left to the teacher in the presentation view) and the lesson bar."""
    st.title(t(f"{prefix}.title"))
    if not is_present():
        st.markdown(t(f"{prefix}.idea"))
    if lesson is not None:
        lesson_bar(lesson)
