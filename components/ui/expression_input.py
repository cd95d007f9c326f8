"""Typed expressions (whitelist-parsed, never evaluated): a refusal says why and the last good one stays."""

from __future__ import annotations

import streamlit as st

from components.compute.expressions import Expression, ExpressionError, parse_expression
from components.ui.i18n import t


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
