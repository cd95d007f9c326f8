"""The Tensor indexing page's shape tab: a reduction along an axis (the axis that disappears), and reshape /
permute / transpose (the shape, the strides, whether the memory is shared)."""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from components.compute import tensors as T
from components.compute.indexing import shares_storage
from components.ui.i18n import t
from components.ui.lesson import masked
from components.ui.state import bound, url_choice
from components.ui.tensors.axes import D, shape_refusal, tensor_picture

ARGS = {"reshape": "6, 4", "view": "-1", "permute": "2, 0, 1", "transpose": "0, 1", "flatten": "1",
        "unsqueeze": "0", "squeeze": "", "transpose_view": "-1", "contiguous_view": "-1"}  # fmt: skip
LAST_ARGS = "ten_args_last_good"


def dims_of(a: torch.Tensor) -> list[str]:
    return ["all"] + [str(k) for k in range(a.ndim)]


def reduce_controls(a: torch.Tensor, axes: T.Axes) -> tuple[str, int | None, bool]:
    dims = dims_of(a)
    if (
        "ten_dim" in st.session_state and st.session_state["ten_dim"] not in dims
    ):  # a custom tensor with fewer axes than the link's dim
        st.session_state["ten_dim"] = dims[-1]
    c = st.columns(3)
    how = url_choice(c[0].selectbox, t("ten.reduce"), list(T.REDUCTIONS), "ten_reduce", D.reduce,
                     format_func=lambda k: f"{k}()")  # fmt: skip
    dim = url_choice(c[1].selectbox, t("ten.dim"), dims, "ten_dim", D.dim if D.dim in dims else dims[-1],
                     format_func=lambda k: _dim_label(k, axes))  # fmt: skip
    keepdim = c[2].toggle(t("ten.keepdim"), D.keepdim, **bound("ten_keepdim"))
    c[2].caption(t("ten.keepdim_help"))
    return how, None if dim == "all" else int(dim), keepdim


def _dim_label(k: str, axes: T.Axes) -> str:
    if k == "all":
        return t("ten.dim_all")
    return f"dim={k} · {t(f'ten.axis.{axes.names[int(k)]}')}"


def _result_axes(axes: T.Axes, dim: int, keepdim: bool) -> T.Axes:
    """The axes left after reducing ``dim`` (kept as a nameless axis of length 1 with ``keepdim``)."""
    kept = (("dim",), (None,)) if keepdim else ((), ())
    return T.Axes((*axes.names[:dim], *kept[0], *axes.names[dim + 1 :]),
                  (*axes.labels[:dim], *kept[1], *axes.labels[dim + 1 :]))  # fmt: skip


def reduce_view(a: torch.Tensor, axes: T.Axes, how: str, dim: int | None, keepdim: bool) -> torch.Tensor:
    values, where = T.reduce(a, how, dim, keepdim)
    st.session_state["ten_out_reduce"] = (values, where)  # what the page shows (tests read it)
    code = T.reduce_code(how, dim, keepdim)
    if dim is None:
        st.markdown(t("ten.reduce_all", how=how, n=a.numel()))
    else:
        st.markdown(t("ten.reduce_idea", d=dim, what=t(f"ten.axis.{axes.names[dim]}"), n=a.shape[dim], how=how))
    if values.ndim >= 1 and dim is not None:
        with st.container(key="ten_reduced"):
            st.html(tensor_picture(values, np.full(values.shape, "", dtype=object), _result_axes(axes, dim, keepdim),
                                   name="s"))  # fmt: skip
    m = st.columns(2)
    m[0].metric(t("ten.m_before_after"), f"{tuple(a.shape)} → {masked(str(tuple(values.shape)))}")
    m[1].metric(t("ten.m_dtype"), str(values.dtype).removeprefix("torch."))
    printed = f"s = {code}\nprint(s)\n{masked(str(values))}"
    if where is not None:
        printed += f"\nprint(A.{how}(dim={dim}{', keepdim=True' if keepdim else ''}).indices)\n{masked(str(where))}"
    st.code(printed, language="python")
    if how == "mean":
        st.markdown(t("ten.int_mean", error=T.int_mean_error(a)))
    return values


def _load_args() -> None:
    st.session_state["ten_args"] = ARGS[st.session_state["ten_op"]]


def reshape_controls() -> tuple[str, str]:
    a, b = st.columns(2)
    op = url_choice(a.selectbox, t("ten.op"), list(T.SHAPE_OPS), "ten_op", D.op,
                    format_func=lambda k: T.shape_code(k, ("…",)), on_change=_load_args)  # fmt: skip
    text = b.text_input(t("ten.args"), D.args, max_chars=40, help=t("ten.args_help"), **bound("ten_args"))
    return op, text


def reshape_view(a: torch.Tensor, op: str, text: str) -> tuple[int, ...] | None:
    """The reshape drawn (or PyTorch's refusal); returns the arguments read (``None``: not readable)."""
    try:
        args = T.parse_args(text)
    except T.ShapeProblem as err:
        st.error(shape_refusal(err), icon=":material/error:")
        return None
    code = T.shape_code(op, args)
    try:
        b = T.reshape(a, op, args)
        st.session_state["ten_out_reshape"] = b  # what the page shows (tests read it)
    except T.ShapeProblem as err:
        st.session_state["ten_out_reshape"] = err.detail
        st.error(t("ten.shape_refused", code=code, error=err.detail), icon=":material/error:")
        if op == "transpose_view":
            st.markdown(t("ten.view_hint"))
        return args
    m = st.columns(4)
    m[0].metric(t("ten.m_shape"), masked(str(tuple(b.shape))))
    m[1].metric(t("ten.m_stride"), str(b.stride()), help=t("ten.m_stride_help"))
    m[2].metric(t("ten.m_contiguous"), t("ten.yes" if b.is_contiguous() else "ten.no"))
    m[3].metric(t("ten.m_storage"), t("ten.view" if shares_storage(b, a) else "ten.copy"))
    st.code(f"B = {code}\nprint(B)\n{masked(str(b))}", language="python")
    st.markdown(t("ten.order", a=_first(a), b=_first(b)))
    return args


def _first(x: torch.Tensor, n: int = 8) -> str:
    values = x.reshape(-1)[:n].tolist()
    return ", ".join(str(v) for v in values) + (", …" if x.numel() > n else "")
