"""Presentation view (``?present=1``): where a page's settings widgets go.

Pages create their settings widgets on ``controls()`` instead of ``st.sidebar``.
Normally that *is* the sidebar. In the presentation view the sidebar is hidden;
the widgets of the current lesson step's controls go to the compact strip above
the picture and every other setting to a folded "all settings" panel, so every
widget is still created (its value and link survive) and the few that matter are
at hand.
"""

from __future__ import annotations

import contextlib
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


def picture_slot() -> Any:
    """Where the page's main picture goes, decided before its controls are drawn: in the presentation view a
    container here (the picture then sits above the controls, right under the lesson strip), else the
    normal flow (``with slot:`` then does nothing)."""
    return st.container() if is_present() else contextlib.nullcontext()


def controls(where: Any = None) -> Any:
    """Where a page's settings go: ``where`` (a section's sidebar container, made before the section) if given,
    else ``st.sidebar``, or in the presentation view the strip / folded panel of the lesson bar."""
    if where is not None:
        return where
    places = st.session_state.get(_PLACES)
    if not is_present() or places is None:
        return st.sidebar
    return _Placer(*places)


# How much of the screen is left below a picture's top: measured in the browser (nothing on the server knows
# the screen), reported in steps of 16 px and only when it changes by 32 px or more (a window resize, a taller
# lesson strip), so the reruns it causes come to rest at once.
_FIT_JS = """
export default function ({ data, setStateValue }) {
  let last = null, timer = null;
  const measure = () => {
    const el = document.querySelector(data.target);
    if (!el || document.querySelector('[data-testid="stDialog"]')) return;  // a rerun would close the dialog
    const top = el.getBoundingClientRect().top + window.scrollY;
    const free = Math.round((window.innerHeight - top - data.margin) / 16) * 16;
    if (last === null || Math.abs(free - last) >= 32) { last = free; setStateValue("free", free); }
  };
  const soon = () => { clearTimeout(timer); timer = setTimeout(measure, 400); };
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const watch = new MutationObserver(soon);
  watch.observe(main, { childList: true, subtree: true });
  window.addEventListener("resize", soon);
  soon();
  return () => { clearTimeout(timer); watch.disconnect(); window.removeEventListener("resize", soon); };
}
"""
_FIT = None
FIT_KEY = "present_fit"
_TARGET = "_present_fit_target"  # this run's main picture (the router clears it before each page)
MIN_HEIGHT = 240  # a picture's own minimum (charts: a share of their height, their margins stay)
MAX_HEIGHT = 1600


def fitted_height(target: str, default: int | None, minimum: int = MIN_HEIGHT) -> int | None:
    """In the presentation view, the picture's height that ends at the bottom of the screen (from the top of
    the element keyed ``target``, measured in the browser, see ``fit_probe``), at least ``minimum`` (a
    smaller one would be unreadable: the page scrolls instead); else, and before the first measure,
    ``default``."""
    if not is_present():
        return default
    st.session_state[_TARGET] = target
    free = (st.session_state.get(FIT_KEY) or {}).get("free")
    if not isinstance(free, int | float):
        return default
    return int(min(max(free, minimum), MAX_HEIGHT))


def fit_probe() -> None:
    """After the page (the router calls it): the browser-side measure of this run's main picture, once."""
    global _FIT
    target = st.session_state.pop(_TARGET, None)
    if not is_present() or target is None:
        return
    if _FIT is None:
        _FIT = st.components.v2.component("ml_playground_present_fit", html="", js=_FIT_JS)
    data = {"target": f".st-key-{target}", "margin": 12}
    _FIT(key=FIT_KEY, data=data, on_free_change=lambda: None, height=0)


def page_explanation(topic: str) -> None:
    """The page's explanation with its formulas; the presentation view leaves it out (the teacher says it)."""
    if not is_present():
        st.markdown(explanation(topic))
