"""Derivatives page helpers: choosing or typing a function (safely), cached maths."""

from __future__ import annotations

import streamlit as st

from components.compute.expressions import Expression
from components.ui.expression_input import parse_or_keep
from components.ui.i18n import t
from components.ui.lesson import Step
from components.ui.state import bound, url_choice

CUSTOM = "custom"
DX_STEPS = [2.0, 1.0, 0.5, 0.2, 0.1, 0.05, 0.01, 0.001]
HALF_WIDTH = {"himmelblau": 5.0}  # plotted region is [-w, w]²; 3 unless listed


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


def half_width(choice: str | None) -> float:
    return HALF_WIDTH.get(choice or "", 3.0)


# The page's lesson steps (words in the catalogs under ``lessons.<prefix>.<id>``).
STEPS = (
    Step("slope", {"deriv_view": "1d", "deriv_f1": "cubic", "deriv_x0": 1.5}, ("deriv_x0",)),
    Step("differential", {"deriv_view": "1d", "deriv_f1": "square", "deriv_x0": 1.0, "deriv_dx": 1.0}, ("deriv_dx",)),
    Step(
        "zoom",
        {"deriv_view": "1d", "deriv_f1": "sine", "deriv_x0": 0.5, "deriv_dx": 0.1, "deriv_zoom": True},
        ("deriv_dx", "deriv_zoom"),
    ),
    Step("kink", {"deriv_view": "1d", "deriv_f1": "abs", "deriv_x0": 0.0, "deriv_dx": 0.5}, ("deriv_x0",)),
    Step(
        "gradient",
        {"deriv_view": "2d", "deriv_f2": "bowl", "deriv_px": 1.0, "deriv_py": 0.5, "deriv_theta": 0},
        ("deriv_theta",),
    ),
)
