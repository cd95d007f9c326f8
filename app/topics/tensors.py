"""Tensor indexing · 张量索引: the notes' 2×3×4 scores, any typed index and the cells it picks, chained vs tuple
indexing, view or copy, reductions along an axis and reshape / permute / transpose."""

import streamlit as st

from components.snippets.tensors import tensors_code
from components.ui.code_panel import code_panel
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.lesson import Lesson, page_header
from components.ui.present import is_present, page_explanation
from components.ui.state import reset_button, setting, url_tabs
from components.ui.tensors import STEPS
from components.ui.tensors.axes import D, TenSettings, tensor_controls
from components.ui.tensors.shape_views import reduce_controls, reduce_view, reshape_controls, reshape_view
from components.ui.tensors.views import LAST_GOOD, chained_view, index_controls, index_view

page_header("ten", Lesson("ten", TenSettings, STEPS))
reset_button("ten", TenSettings)
side = None if is_present() else st.sidebar.container()  # the tensor's settings: drawn by the open tab's section
tabs = url_tabs({"index": t("ten.tab_index"), "shape": t("ten.tab_shape")}, "ten_view")


def tensor() -> tuple:
    """``A``, its axes and where it came from (the code panel's first lines), from the sidebar."""
    a, axes = tensor_controls(side)
    return a, axes, (setting("ten_source", D.source), tuple(a.shape), setting("ten_seed", D.seed))


def indexing() -> None:
    a, axes, source = tensor()
    text, write = index_controls()
    picked = index_view(a, axes, text, write)
    st.subheader(t("ten.chained_title"))
    chained_view(picked, a)
    code_panel(tensors_code(*source, picked.index.text, write=write), "tensors.py")


def shapes() -> None:
    a, axes, source = tensor()
    st.subheader(t("ten.reduce_title"))
    how, dim, keepdim = reduce_controls(a, axes)
    reduce_view(a, axes, how, dim, keepdim)
    st.subheader(t("ten.reshape_title"))
    op, text = reshape_controls()
    args = reshape_view(a, op, text)
    code_panel(tensors_code(*source, st.session_state.get(LAST_GOOD, D.expr), reduce=(how, dim, keepdim),
                            reshape=(op, args)), "tensors.py")  # fmt: skip


if tabs["index"].open:
    with tabs["index"]:
        section(indexing)
if tabs["shape"].open:
    with tabs["shape"]:
        section(shapes)
page_explanation("tensors")
