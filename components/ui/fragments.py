"""Sections that rerun on their own (issue 10): a widget inside a section reruns only that section.

A rerun of the whole page re-sends and the browser redraws every element on it: the title, the lesson bar,
the sidebar, the explanation. A control in the page body that changes only its own section (the tangent's
x₀, the backward step) reruns just that section with ``st.fragment`` instead: fewer messages, less for the
browser to draw. Sidebar controls whose change only the section shows are drawn by the section itself, into
a sidebar container the page made before it (``side = st.sidebar.container()``; Convolution's kernel and
geometry): a fragment may put widgets in a container from outside it, and they are replaced, not repeated,
when it reruns. Sidebar controls that change the rest of the page (the picture choice, the upload, Reset)
stay outside and rerun the whole page.

Not in the presentation view: there a lesson step's controls are drawn in the strip above the picture, and a
fragment may not write outside itself.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components.ui.present import is_present
from components.ui.timing import begin

_BEFORE = "_section_before"  # what a section's own rerun redoes first (the page's full run sets it)


def before_section_reruns(hook: Callable[[], None] | None) -> None:
    """What a section's own rerun must redo before its body: the link bookkeeping the page's top did in the
    full run (the lesson's ``step_off``), which the section's rerun skips. The router clears it each full run."""
    st.session_state[_BEFORE] = hook


def section(body: Callable[[], None]) -> None:
    """Run ``body`` now, as a section that reruns on its own when one of its widgets changes."""
    if is_present():
        body()
        return

    def timed() -> None:
        run = begin(f"section {body.__qualname__}")  # a section's own reruns skip the router's timing
        try:
            hook = st.session_state.get(_BEFORE) if in_section_rerun() else None
            if hook is not None:
                hook()
            body()
        finally:
            if in_section_rerun():
                run.end()

    timed.__module__, timed.__qualname__ = body.__module__, body.__qualname__  # the fragment's identity
    st.fragment(timed)()


def in_section_rerun() -> bool:
    """Whether this run is a section's own rerun (the rest of the page is not being redrawn)."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)
