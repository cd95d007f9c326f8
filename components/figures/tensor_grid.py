"""A small tensor drawn with every value: one table per slab (the last two axes as rows and columns; the leading
axes give one slab each, side by side), the picked cells marked. Plain HTML for ``st.html``; the styles are in
``assets/css/base.css``.

Each value cell carries ``data-i`` (its flat position in the tensor), ``data-v`` (its value) and, when marked,
``data-mark`` (``pick`` or ``hit``: written through a view): what the picture shows can be read back exactly.
"""

from __future__ import annotations

import itertools
from html import escape

import numpy as np


def _value(v: float) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _slab(values: np.ndarray, marks: np.ndarray, start: int, title: str, rows: list[str], cols: list[str]) -> str:
    head = "".join(f"<th>{c}</th>" for c in cols)
    body = []
    n_cols = values.shape[1]
    for r in range(values.shape[0]):
        cells = []
        for c in range(n_cols):
            mark = marks[r, c]
            attr = f' data-mark="{mark}" class="mlp-{mark}"' if mark else ""
            v = values[r, c].item()
            cells.append(f'<td data-i="{start + r * n_cols + c}" data-v="{_value(v)}"{attr}>{_value(v)}</td>')
        body.append(f"<tr><th>{rows[r]}</th>{''.join(cells)}</tr>")
    caption = f"<figcaption>{title}</figcaption>" if title else ""
    return (
        f'<figure class="mlp-slab">{caption}<table><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></figure>"
    )


def tensor_html(
    values: np.ndarray,
    marks: np.ndarray,
    slab_titles: list[str],
    rows: list[str],
    cols: list[str],
    caption: str = "",
) -> str:
    """Every value of ``values`` (1-D to 4-D), marked where ``marks`` says.

    Args:
        values: the tensor's values, any shape with 1 to 4 axes.
        marks: same shape, ``""`` (plain), ``"pick"`` or ``"hit"``.
        slab_titles: one per slab, in ``itertools.product`` order of the leading axes (one title for 1-D/2-D).
        rows, cols: labels of the last two axes (1-D: one row label); HTML-safe text (they are escaped here).
        caption: a line over the slabs (which axis goes where).
    """
    values = np.asarray(values)
    marks = np.asarray(marks, dtype=object)
    shape = values.shape
    if values.ndim == 1:
        values, marks = values[None, :], marks[None, :]
    lead = values.shape[:-2]
    block = values.shape[-2] * values.shape[-1]
    slabs = []
    for k, idx in enumerate(itertools.product(*(range(n) for n in lead))):
        slabs.append(_slab(values[idx], marks[idx], k * block, escape(slab_titles[k]),
                           [escape(r) for r in rows], [escape(c) for c in cols]))  # fmt: skip
    head = f'<div class="mlp-tensor-caption">{escape(caption)}</div>' if caption else ""
    return f'<div class="mlp-tensor" data-shape="{",".join(map(str, shape))}">{head}{"".join(slabs)}</div>'
