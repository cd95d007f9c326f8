"""The Tensor indexing page's index tab: a typed index and the cells it picks, the result, chained vs tuple
indexing, and view or copy (written through live)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from components.compute import indexing as I
from components.compute import tensors as T
from components.ui.i18n import t
from components.ui.lesson import masked
from components.ui.state import bound, url_choice
from components.ui.tables import static_table
from components.ui.tensors.axes import D, selection_words, tensor_picture

PRESETS = {
    "notes_student": "A[1][0][:]", "notes_exam": "A[:, 1, 1]", "exam": "A[:, :, 1]", "last": "A[-1, :, -1]",
    "step": "A[0, :, ::2]", "ellipsis": "A[..., 0]", "none": "A[0, None]", "list": "A[[0, 1], 1]",
    "chained_list": "A[[0, 1]][1]", "chained_all": "A[:][1]", "mask": "A[A > 90]", "mask_row": "A[1][A[1] > 88]",
    "reverse": "A[::-1]",
}  # fmt: skip
CLASSIC_PAIRS = (("A[1][0]", "A[1, 0]"), ("A[:][1]", "A[:, 1]"), ("A[[0, 1]][1]", "A[[0, 1], 1]"))
LAST_GOOD = "ten_last_good"  # the last index that worked: a refused one keeps showing it


@dataclass(frozen=True)
class Picked:
    index: I.Index
    result: torch.Tensor
    selection: T.Selection


def _load_preset() -> None:
    st.session_state["ten_expr"] = PRESETS[st.session_state["ten_preset"]]


def index_controls() -> tuple[str, bool]:
    a, b = st.columns([2, 3])
    url_choice(a.selectbox, t("ten.preset"), list(PRESETS), "ten_preset", D.preset,
               format_func=lambda k: f"{PRESETS[k]}  ({t(f'ten.presets.{k}')})", on_change=_load_preset)  # fmt: skip
    text = b.text_input(t("ten.expr"), D.expr, max_chars=I.MAX_TEXT, help=t("ten.expr_help"), **bound("ten_expr"))
    write = st.toggle(t("ten.write"), D.write, **bound("ten_write"))
    st.caption(t("ten.write_help"))
    return text, write


def refusal(err: I.IndexProblem) -> str:
    where = t("ten.at", column=err.column) if err.column else ""
    return t(f"ten.error.{err.reason}", detail=err.detail, max=I.MAX_LIST) + where


def pick(text: str, a: torch.Tensor) -> Picked:
    index = I.parse_index(text)
    result = I.apply_index(index, a)
    return Picked(index, result, T.select(I.origins(index, a), tuple(a.shape)))


def pick_or_keep(text: str, a: torch.Tensor) -> Picked:
    """The typed index applied; refused, the reason said and the last index that worked kept (or all of ``A``)."""
    try:
        picked = pick(text, a)
        st.session_state[LAST_GOOD] = text
        return picked
    except I.IndexProblem as err:
        st.error(refusal(err), icon=":material/error:")
    last = st.session_state.get(LAST_GOOD, "A")
    try:
        picked = pick(last, a)
    except I.IndexProblem:  # the last good index does not fit this tensor (its shape changed)
        last, picked = "A", pick("A", a)
    st.caption(t("ten.kept", text=last))
    return picked


def index_view(a: torch.Tensor, axes: T.Axes, text: str, write: bool) -> Picked:
    p = pick_or_keep(text, a)
    st.session_state["ten_out_index"] = p  # what the page shows (tests read it)
    shape = tuple(a.shape)
    marks = np.where(T.picked_mask(p.selection, shape), "pick", "")
    shown, view, changed = a, I.shares_storage(p.result, a), None
    if write:
        shown, changed = I.write_through(p.index, a)
        marks = np.where(changed.numpy(), "hit", marks)
    with st.container(key="ten_picture"):
        st.html(tensor_picture(shown, marks, axes))
    st.markdown(t("ten.words", words=masked(selection_words(p.selection, axes, shape))))
    m = st.columns(3)
    m[0].metric(t("ten.m_shape"), masked(str(tuple(p.result.shape))), help=t("ten.m_shape_help"))
    m[1].metric(t("ten.m_count"), masked(str(p.result.numel())))
    m[2].metric(t("ten.m_storage"), t("ten.view" if view else "ten.copy"), help=t("ten.m_storage_help"))
    st.code(f"r = {p.index.text}\nprint(r)\n" + masked(str(p.result)), language="python")
    storage_text(p, a, view, None if changed is None else int(changed.sum()))
    return p


def storage_text(p: Picked, a: torch.Tensor, view: bool, written: int | None) -> None:
    """View or copy in words; ``written``: how many cells of A ``r.fill_(0)`` changed (``None``: not written)."""
    same = "==" if view else "!="
    st.markdown(t("ten.storage_view" if view else "ten.storage_copy", same=same,
                  base="True" if p.result._base is a or p.result is a else "False"))  # fmt: skip
    if written is not None:
        st.markdown(t("ten.wrote", n=written) if written else t("ten.wrote_none"))


def _try(text: str, a: torch.Tensor) -> tuple[str, torch.Tensor | None]:
    try:
        r = I.apply_index(I.parse_index(text), a)
        return str(tuple(r.shape)), r
    except I.IndexProblem as err:
        return t("ten.fails", error=err.detail), None


def chained_view(p: Picked, a: torch.Tensor) -> None:
    """Chained ``A[i][j]`` against tuple ``A[i, j]``: the typed index's other form first, then the classic pairs."""
    pairs = list(CLASSIC_PAIRS)
    other = I.other_form(p.index)
    if other is not None:
        mine = (p.index.text, other.text) if p.index.chained else (other.text, p.index.text)
        pairs = [mine] + [q for q in pairs if q != mine]
    rows = []
    for chained, tupled in pairs:
        (s1, r1), (s2, r2) = _try(chained, a), _try(tupled, a)
        same = r1 is not None and r2 is not None and r1.shape == r2.shape and torch.equal(r1, r2)
        rows.append({t("ten.col_chained"): chained, t("ten.col_shape_chained"): s1, t("ten.col_tuple"): tupled,
                     t("ten.col_shape_tuple"): s2, t("ten.col_same"): t("ten.yes" if same else "ten.no")})  # fmt: skip
    st.markdown(t("ten.chained_idea"))
    static_table(rows)
