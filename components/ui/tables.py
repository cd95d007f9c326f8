"""Tables of text (results, the fixes of an error, an SGD step) as Markdown.

Static, so a projector's CSS sizes their text with the page (a data frame is drawn on a canvas), and cheap for
the server: ``st.table`` builds a DataFrame and an Arrow table on every rerun (~5 ms of the server's one Python
thread, times forty students).
"""

from __future__ import annotations

import streamlit as st

_MARKUP = "\\|*_`[]<>#~$"


def _cell(text: object) -> str:
    """A cell's text, literal: Markdown's own characters escaped, no line breaks."""
    return "".join("\\" + c if c in _MARKUP else c for c in str(text).replace("\n", " "))


def markdown_table(rows: list[dict[str, str]]) -> str:
    """GFM table source: the first row's keys are the header."""
    head = list(rows[0]) if rows else []
    lines = ["| " + " | ".join(map(_cell, head)) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(_cell(row[k]) for k in head) + " |" for row in rows]
    return "\n".join(lines)


def static_table(rows: list[dict[str, str]]) -> None:
    """``rows`` (dicts with the same keys, in order) as a table of text."""
    if rows:
        st.markdown(markdown_table(rows))
