"""Derivatives page helpers: choosing or typing a function (safely), cached maths."""

from __future__ import annotations

import streamlit as st

from components.compute.expressions import Expression, ExpressionError, parse_expression
from components.ui.i18n import t
from components.ui.state import bound, url_choice

CUSTOM = "custom"
DX_STEPS = [2.0, 1.0, 0.5, 0.2, 0.1, 0.05, 0.01, 0.001]
HALF_WIDTH = {"himmelblau": 5.0}  # plotted region is [-w, w]²; 3 unless listed


@st.cache_resource(max_entries=64, show_spinner=False)
def parse_cached(text: str, variables: tuple[str, ...]) -> Expression:
    """Parse once per text (refusals are not cached: they raise every time, cheaply)."""
    return parse_expression(text, variables)


def explain(err: ExpressionError, variables: tuple[str, ...]) -> str:
    """The translated refusal, pointing at the offending piece."""
    if err.reason == "syntax" and not err.detail.strip():  # "x**": nothing to point at, the text just stops
        return t("expr.error.incomplete")
    where = t("expr.at", column=err.offset + 1) if err.offset is not None else ""
    return t(f"expr.error.{err.reason}", detail=err.detail, names=", ".join(variables)) + where


def function_input(presets: dict[str, str], variables: tuple[str, ...], key: str, default: str) -> Expression:
    """Preset or typed function. A refused text says why and the last good function stays.

    Args:
        presets: id -> expression text.
        variables: ``("x",)`` or ``("x", "y")``.
        key: widget keys ``<key>`` (choice) and ``<key>_text`` (typed), also URL parameters.
        default: the preset id shown first.
    """

    def label(k):
        return t("deriv.custom") if k == CUSTOM else f"{t(f'deriv.presets.{k}')}:  {presets[k]}"

    choice = url_choice(st.selectbox, t("deriv.function"), [*presets, CUSTOM], key, default, format_func=label)
    text = presets.get(choice)
    if choice == CUSTOM:
        example = presets[default]
        text = st.text_input(
            t("deriv.type", vars=", ".join(variables)),
            example,
            max_chars=200,
            help=t("expr.help"),
            **bound(f"{key}_text"),
        )
    return parse_or_keep(text, variables, f"{key}_last_good", presets[default])


def parse_or_keep(text: str, variables: tuple[str, ...], last: str, fallback: str) -> Expression:
    """Parse typed text; if refused, say why and keep the last good function (session key ``last``)."""
    try:
        expression = parse_cached(text, variables)
    except ExpressionError as err:
        st.error(explain(err, variables), icon=":material/error:")
        expression = st.session_state.get(last) or parse_cached(fallback, variables)
        st.caption(t("deriv.kept", text=expression.text))
    st.session_state[last] = expression
    return expression


def half_width(choice: str | None) -> float:
    return HALF_WIDTH.get(choice or "", 3.0)
