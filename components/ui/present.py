"""Presentation view (``?present=1``): where a page's settings widgets go.

Pages create their settings widgets on ``controls()`` instead of ``st.sidebar``.
Normally that *is* the sidebar. In the presentation view the sidebar is hidden;
the widgets of the current lesson step's controls go to the compact strip above
the picture and every other setting to a folded "all settings" panel, so every
widget is still created (its value and link survive) and the few that matter are
at hand.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.ui.i18n import explanation

PRESENT = "present"
_PLACES = "_present_places"  # this run's (strip, panel, keys); the router clears it before each page


def is_present() -> bool:
    return bool(st.session_state.get(PRESENT, False))


def set_places(strip: Any, panel: Any, keys: tuple[str, ...]) -> None:
    """Where this run's widgets go in the presentation view (the lesson bar calls it)."""
    st.session_state[_PLACES] = (strip, panel, frozenset(keys))


def clear_places() -> None:
    st.session_state.pop(_PLACES, None)


class _Placer:
    """Stands in for ``st.sidebar``: a widget goes to the strip when its key is one
    of the step's controls, everything else to the folded panel."""

    def __init__(self, strip: Any, panel: Any, keys: frozenset[str]):
        self._strip, self._panel, self._keys = strip, panel, keys

    def __enter__(self) -> _Placer:  # ``with controls().expander(...)``: plain ``st.*`` calls go to its group
        self._panel.__enter__()
        return self

    def __exit__(self, *exc: object) -> bool | None:
        return self._panel.__exit__(*exc)

    def __getattr__(self, name: str):
        def call(*args: Any, **kwargs: Any) -> Any:
            target = self._strip if kwargs.get("key") in self._keys else self._panel
            if name == "expander":  # expanders cannot nest inside the folded panel: a framed group in it
                box = self._panel.container(border=True)
                box.markdown(f"**{args[0] if args else kwargs['label']}**")
                return _Placer(self._strip, box, self._keys)  # the group's step controls still go to the strip
            return getattr(target, name)(*args, **kwargs)

        return call


def controls() -> Any:
    """``st.sidebar``, or in the presentation view the strip / folded panel of the lesson bar."""
    places = st.session_state.get(_PLACES)
    if not is_present() or places is None:
        return st.sidebar
    return _Placer(*places)


def page_explanation(topic: str) -> None:
    """The page's explanation with its formulas; the presentation view leaves it out (the teacher says it)."""
    if not is_present():
        st.markdown(explanation(topic))
