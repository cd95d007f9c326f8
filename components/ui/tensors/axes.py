"""The tensor ``A`` of the page (the notes' scores or a seeded custom tensor), its axes in words, and the picture
of a tensor with its picked cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st
import torch

from components.compute import tensors as T
from components.figures.tensor_grid import tensor_html
from components.ui.i18n import t
from components.ui.present import controls
from components.ui.state import bound, url_choice

SHOWN_CELLS = 8  # scattered cells named one by one in the words


@dataclass(frozen=True)
class TenSettings:
    view: str = "index"
    source: str = "scores"
    shape: str = "2, 3, 4"
    seed: int = 0
    preset: str = "notes_student"
    expr: str = "A[1][0][:]"
    write: bool = False
    reduce: str = "mean"
    dim: str = "2"
    keepdim: bool = False
    op: str = "permute"
    args: str = "2, 0, 1"


D = TenSettings()
LAST_SHAPE = "ten_shape_last_good"


def tensor_controls(where: Any = None) -> tuple[torch.Tensor, T.Axes]:
    """The tensor ``A`` and what its axes mean, from the sidebar (in ``where``, a sidebar container, if given;
    the presentation view: its folded panel)."""
    sb = controls(where)
    sb.subheader(t("ten.tensor"))
    source = url_choice(sb.radio, t("ten.source"), ["scores", "custom"], "ten_source", D.source,
                        format_func=lambda k: t(f"ten.sources.{k}"))  # fmt: skip
    if source == "scores":
        return T.SCORES, T.SCORE_AXES
    text = sb.text_input(t("ten.shape"), D.shape, help=t("ten.shape_help", dims=T.MAX_DIMS, side=T.MAX_SIDE,
                         cells=T.MAX_CELLS), **bound("ten_shape"))  # fmt: skip
    seed = sb.number_input(t("fit.seed"), 0, 9999, D.seed, **bound("ten_seed"))
    try:
        shape = T.parse_shape(text)
        st.session_state[LAST_SHAPE] = shape
    except T.ShapeProblem as err:
        sb.error(shape_refusal(err), icon=":material/error:")
        shape = st.session_state.get(LAST_SHAPE, T.parse_shape(D.shape))
    return T.custom_tensor(shape, int(seed)), T.custom_axes(len(shape))


def shape_refusal(err: T.ShapeProblem) -> str:
    return t(f"ten.shape_error.{err.reason}", detail=err.detail, dims=T.MAX_DIMS, side=T.MAX_SIDE, cells=T.MAX_CELLS)


def position(axes: T.Axes, axis: int, k: int) -> str:
    """Position ``k`` of ``axis`` in words: "student 2", "math", "exam 1", "dim 3 at 0"."""
    name = axes.names[axis]
    if axes.labels[axis] is not None:
        return t(f"ten.subjects.{axes.labels[axis][k]}")
    return t(f"ten.w.{name}_one", k=k + 1, i=k, d=axis)


def _along(axes: T.Axes, axis: int, ks: tuple[int, ...], size: int) -> str:
    name = axes.names[axis]
    if ks == tuple(range(size)) and size > 1:
        return t(f"ten.w.{name}_all", d=axis)
    if len(ks) == 1:
        return position(axes, axis, ks[0])
    if axes.labels[axis] is not None:
        return ", ".join(position(axes, axis, k) for k in ks)
    shown = ", ".join(str(k + 1 if name != "dim" else k) for k in ks)
    return t(f"ten.w.{name}_some", ks=shown, d=axis)


def selection_words(sel: T.Selection, axes: T.Axes, shape: tuple[int, ...]) -> str:
    """The picked cells in words: axis by axis for a block, cell by cell otherwise."""
    if not sel.cells:
        return t("ten.w.none")
    if sel.block is not None:
        text = " · ".join(_along(axes, k, ks, shape[k]) for k, ks in enumerate(sel.block))
    else:
        named = ["(" + ", ".join(position(axes, k, c[k]) for k in range(len(shape))) + ")" for c in sel.cells]
        more = "…" if len(named) > SHOWN_CELLS else ""
        text = t("ten.w.cells", n=len(sel.cells)) + " " + "; ".join(named[:SHOWN_CELLS]) + more
    return text + (" " + t("ten.w.repeats") if sel.repeats else "")


def axis_labels(axes: T.Axes, axis: int, size: int) -> list[str]:
    """Header labels of one axis: the index, and for the scores its meaning ("0 · math", "1 · exam 2")."""
    if axes.names[axis] == "dim":
        return [str(k) for k in range(size)]
    return [f"{k} · {position(axes, axis, k)}" for k in range(size)]


def tensor_picture(values: torch.Tensor, marks: np.ndarray, axes: T.Axes, name: str = "A") -> str:
    """``values`` drawn slab by slab with ``marks`` (``""``, ``"pick"``, ``"hit"``); the caption says which axis
    is what."""
    shape = tuple(values.shape)
    n = len(shape)
    rows = axis_labels(axes, n - 2, shape[-2]) if n >= 2 else [name]
    cols = axis_labels(axes, n - 1, shape[-1])
    lead = [np.unravel_index(k, shape[:-2]) for k in range(int(np.prod(shape[:-2])))] if n > 2 else [()]
    titles = []
    for idx in lead:
        where = ", ".join(str(int(i)) for i in idx)
        title = f"{name}[{where}]" if idx else ""
        if axes.names[0] == "student" and idx:
            title = f"{position(axes, 0, int(idx[0]))} · {title}"
        titles.append(title)
    parts = [t("ten.caption.slabs", dims=", ".join(str(k) for k in range(n - 2)))] if n > 2 else []
    if n >= 2:
        parts.append(t("ten.caption.rows", d=n - 2, what=t(f"ten.axis.{axes.names[n - 2]}")))
    parts.append(t("ten.caption.cols", d=n - 1, what=t(f"ten.axis.{axes.names[n - 1]}")))
    return tensor_html(values.numpy(), marks, titles, rows, cols, " · ".join(parts))
