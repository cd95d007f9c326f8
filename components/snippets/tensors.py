"""The Tensor indexing page's "PyTorch code": the tensor, the typed index with its result and whether it is a
view, the write through it; on the shape tab the reduction and the reshape, with the page's settings."""

from __future__ import annotations

from components.compute import tensors as T


def _tensor(source: str, shape: tuple[int, ...], seed: int) -> str:
    if source == "scores":
        rows = ",\n    ".join(repr(student) for student in T.SCORES.tolist())
        return (
            "# The notes' scores: axis 0 the student (2), axis 1 the subject (math, English, PE), axis 2 the exam (4)\n"
            f"A = torch.tensor([\n    {rows},\n])"
        )
    return (
        f"g = torch.Generator().manual_seed({seed})\n"
        f"A = torch.randint(0, 100, {shape!r}, generator=g)  # integers in [0, 99]"
    )


def tensors_code(
    source: str,
    shape: tuple[int, ...],
    seed: int,
    expr: str,
    write: bool = False,
    reduce: tuple[str, int | None, bool] | None = None,
    reshape: tuple[str, tuple[int, ...] | None] | None = None,
) -> str:
    """Source that recomputes ``A``, ``r`` (the index's result) and ``is_view``; with ``write``, ``changed`` (the
    cells of ``A`` that ``r.fill_(0)`` changed); with ``reduce``, ``s`` (and ``where`` for max/min along a dim);
    with ``reshape`` (``args`` ``None``: not readable, left out), ``B`` or ``error`` (PyTorch's refusal)."""
    parts = [f"import torch\n\n{_tensor(source, shape, seed)}\nprint(A.shape)  # {tuple(shape)}"]
    if reduce is None:
        parts.append(_index(expr, write))
    else:
        parts.append(_reduce(*reduce))
    if reshape is not None and reshape[1] is not None:
        parts.append(_reshape(*reshape))
    return "\n\n".join(parts) + "\n"


def _index(expr: str, write: bool) -> str:
    text = f"""# Indexing: each [...] is applied in turn, left to right
r = {expr}
print(r)
print(r.shape)

# A view shares A's memory (basic indexing: ints, slices, ..., None); advanced indexing (lists, masks) copies
is_view = r.untyped_storage().data_ptr() == A.untyped_storage().data_ptr()
print("view of A" if is_view else "copy")"""
    if write:
        text += """

# Write through r: into a view, A changes; into a copy, A stays as it was
before = A.clone()
r.fill_(0)
changed = A != before
print(int(changed.sum()), "cells of A changed")
print(A)"""
    return text


def _reduce(how: str, dim: int | None, keepdim: bool) -> str:
    text = "# Reduce along an axis: that axis disappears (keepdim=True keeps it with size 1)\n"
    text += f"s = {T.reduce_code(how, dim, keepdim)}"
    if how == "mean":
        text = "# mean needs floating point: A.mean() on integers raises a RuntimeError\n" + text
    text += "\nprint(s)\nprint(s.shape)"
    if how in ("max", "min") and dim is not None:
        keep = ", keepdim=True" if keepdim else ""
        text += f"\nwhere = A.{how}(dim={dim}{keep}).indices  # where each {how} is along dim {dim}\nprint(where)"
    return text


def _reshape(op: str, args: tuple[int, ...]) -> str:
    code = T.shape_code(op, args)
    return f"""# Reshape: the same numbers in the same order, another shape (permute/transpose change the strides)
try:
    B = {code}
    print(B.shape, B.stride(), B.is_contiguous())
    print(B)
except (RuntimeError, IndexError, TypeError) as err:  # PyTorch refuses: the shape does not fit, view() of a
    # non-contiguous tensor, a dim out of range
    B, error = None, str(err)
    print(type(err).__name__, error)"""
