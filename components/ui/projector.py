"""Page styles: always-on fixes, projector mode (``?projector=1``), presentation view."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import streamlit as st

from components.ui.charts import live_chart
from components.ui.i18n import ROOT, t
from components.ui.present import PRESENT, fitted_height, is_present

if TYPE_CHECKING:
    import plotly.graph_objects as go

KEY = "projector"
_ON = ("1", "true")
ASSETS = ROOT / "assets"


@cache
def _css(name: str) -> str:
    return (ASSETS / "css" / f"{name}.css").read_text(encoding="utf-8")


@cache
def _script() -> str:
    """Every ``assets/js`` file (formula fitting, calm graph redraws) in one script element."""
    return "".join(f"<script>{f.read_text(encoding='utf-8')}</script>" for f in sorted((ASSETS / "js").glob("*.js")))


def _requested(key: str) -> bool:
    if key in st.session_state:
        return bool(st.session_state[key])
    return str(st.query_params.get(key, "")).lower() in _ON


def projector_requested() -> bool:
    """Whether the sidebar should start collapsed (projector or presentation), before the switches exist."""
    return _requested(KEY) or _requested(PRESENT)


def page_style() -> None:
    """The CSS of the current modes and the page scripts (``assets/js``) (once per run, in the sidebar).

    The CSS goes through ``st.markdown`` at the top of the main area (its empty box hidden by the CSS
    itself): a style-only ``st.html`` goes to the event container and a sidebar element may mount after
    the page, both seen to leave a projector page at 16 px for a moment. Our own files only, never user text.
    """
    css = _css("base") + (_css("projector") if is_projector() else "") + (_css("present") if is_present() else "")
    css += _uploader_css(t("image.upload_button"), t("image.upload_limits"))
    st.markdown(f"<style>{css}</style>", unsafe_allow_html=True)
    st.sidebar.html(_script(), unsafe_allow_javascript=True)


def uploader_limits(key: str, limits: str) -> None:
    """The uploader keyed ``key`` takes other files than pictures: its own line of limits (a catalog string)."""
    st.markdown(f"<style>{_limits_css(limits, f'.st-key-{key} ')}</style>", unsafe_allow_html=True)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _limits_css(limits: str, scope: str = "") -> str:
    rule = f"{scope}[data-testid='stFileUploaderDropzoneInstructions'] span"
    return (
        f"{rule} {{ font-size: 0 !important; white-space: normal; }}"
        f"{rule}::after {{ content: {_quoted(limits)}; font-size: 0.85rem; white-space: normal; }}"
    )


def _uploader_css(button: str, limits: str) -> str:
    """Streamlit writes the file uploader's button and limits in English in every language, on one line cut
    with "…": ours replace them (catalog strings, never user text), wrapping."""
    drop = '[data-testid="stFileUploaderDropzone"]'
    return (
        f"{drop} button [data-testid='stMarkdownContainer'] p {{ font-size: 0 !important; }}"
        f"{drop} button [data-testid='stMarkdownContainer'] p::after {{ content: {_quoted(button)}; font-size: 1rem; }}"
        + _limits_css(limits)
    )


def is_projector() -> bool:
    return bool(st.session_state.get(KEY, False))


def show_figure(fig: go.Figure, key: str, fit: str | None = None) -> None:
    """The chart ``key`` (``ui.charts``: updated in place), with the shared theme (projector-aware).

    Args:
        fit: the page's main picture: the key of the element it is drawn in (its own, or a container's); in the
            presentation view it is as tall as the screen below that element's top allows.
    """
    from components.figures.theme import apply_theme  # here: the home page needs no Plotly (cold start)

    apply_theme(fig, is_projector())
    if fit and is_present():
        layout = fig.spec.setdefault("layout", {})
        height = layout.get("height", 450)
        layout["height"] = fitted_height(fit, height, round(0.7 * height))  # the margins keep their size
    live_chart(fig.spec, key)
