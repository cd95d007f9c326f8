"""The Tensor indexing page's tensors and what is done to them besides indexing: the notes' 2×3×4 scores, seeded
custom tensors, a selection described axis by axis, reductions along an axis, and reshape / permute / transpose.

A selection is described from the cells it picked (``indexing.origins``), not from the typed text, so the words
are true for any index: a block (every combination of the picked coordinates, e.g. "student 2 · math · all
exams") is named axis by axis; anything else (a mask's scattered cells) cell by cell.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import torch

# The notes' tensor: axis 0 the student (2), axis 1 the subject (math, English, PE), axis 2 the exam (4).
SCORES = torch.tensor(
    [[[83, 76, 89, 91], [78, 84, 79, 85], [89, 92, 87, 94]], [[91, 87, 92, 89], [85, 88, 87, 90], [90, 93, 91, 94]]]
)
SUBJECTS = ("math", "english", "pe")
MAX_DIMS = 4
MAX_SIDE = 6
MAX_CELLS = 288
REDUCTIONS = ("sum", "mean", "max", "min", "argmax")
SHAPE_OPS = (
    "reshape",
    "view",
    "permute",
    "transpose",
    "flatten",
    "unsqueeze",
    "squeeze",
    "transpose_view",
    "contiguous_view",
)
_CHAINS = {"transpose_view": "transpose(0, 1).view", "contiguous_view": "transpose(0, 1).contiguous().view"}


class ShapeProblem(ValueError):
    """A refused shape or argument list: ``reason`` a catalog key under ``ten.error``; ``detail`` the text or
    PyTorch's message."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Axes:
    """What each axis means: ``names`` catalog keys (``student``, ``subject``, ``exam`` or ``dim``), ``labels`` a
    tuple of label keys per axis where its positions have names (the subjects), else ``None``."""

    names: tuple[str, ...]
    labels: tuple[tuple[str, ...] | None, ...]


SCORE_AXES = Axes(("student", "subject", "exam"), (None, SUBJECTS, None))


def custom_axes(ndim: int) -> Axes:
    return Axes(("dim",) * ndim, (None,) * ndim)


def parse_shape(text: str) -> tuple[int, ...]:
    """``"2, 3, 4"`` → ``(2, 3, 4)``: 1 to ``MAX_DIMS`` sides of 1 to ``MAX_SIDE``, at most ``MAX_CELLS`` cells."""
    parts = [p for p in re.split(r"[\s,×x*]+", text.strip().strip("()[]")) if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise ShapeProblem("shape_text", text)
    shape = tuple(int(p) for p in parts)
    if len(shape) > MAX_DIMS or not all(1 <= s <= MAX_SIDE for s in shape) or math.prod(shape) > MAX_CELLS:
        raise ShapeProblem("shape_size", text)
    return shape


def custom_tensor(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    """Seeded integers in [0, 99] of ``shape`` (int64)."""
    g = torch.Generator().manual_seed(int(seed))
    return torch.randint(0, 100, shape, generator=g)


@dataclass(frozen=True)
class Selection:
    """The picked cells of ``A``. ``block``: one tuple per axis of the picked coordinates, in first-picked order,
    when the cells are every combination of them (else ``None``); ``cells``: the picked cells' coordinates in the
    result's order, repeats dropped; ``repeats``: whether a cell was picked more than once."""

    cells: tuple[tuple[int, ...], ...]
    block: tuple[tuple[int, ...], ...] | None
    repeats: bool


def select(origin: torch.Tensor, shape: tuple[int, ...]) -> Selection:
    """The :class:`Selection` from ``indexing.origins``' flat positions."""
    flat = origin.reshape(-1).tolist()
    unique = list(dict.fromkeys(flat))
    cells = tuple(tuple(int(c) for c in np.unravel_index(p, shape)) for p in unique) if unique else ()
    block = None
    if cells:
        per_axis = tuple(tuple(dict.fromkeys(c[k] for c in cells)) for k in range(len(shape)))
        if math.prod(len(a) for a in per_axis) == len(cells):
            block = per_axis
    return Selection(cells, block, len(flat) != len(unique))


def picked_mask(sel: Selection, shape: tuple[int, ...]) -> np.ndarray:
    """Boolean ``shape``: the picked cells."""
    mask = np.zeros(shape, dtype=bool)
    for c in sel.cells:
        mask[c] = True
    return mask


def reduce(a: torch.Tensor, how: str, dim: int | None, keepdim: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``a`` reduced by ``how`` along ``dim`` (``None``: all of it); mean on a float copy (integers have no mean
    in PyTorch). Returns the values and, for ``max``/``min`` along a dim, where they are (else ``None``)."""
    x = a.float() if how == "mean" else a
    if dim is None:
        return getattr(x, how)(), None
    out = getattr(x, how)(dim=dim, keepdim=keepdim)
    if how in ("max", "min"):
        return out.values, out.indices
    return out, None


def int_mean_error(a: torch.Tensor) -> str:
    """PyTorch's own refusal of ``a.mean()`` on integers (the first line)."""
    try:
        a.mean()
    except RuntimeError as err:
        return str(err).split("\n")[0]
    return ""


def reduce_code(how: str, dim: int | None, keepdim: bool) -> str:
    base = "A.float()" if how == "mean" else "A"
    if dim is None:
        return f"{base}.{how}()"
    values = ".values" if how in ("max", "min") else ""  # along a dim, max and min also say where
    return f"{base}.{how}(dim={dim}{', keepdim=True' if keepdim else ''}){values}"


def parse_args(text: str) -> tuple[int, ...]:
    """``"3, -1"`` → ``(3, -1)``: at most 6 integers of at most 4 digits."""
    parts = [p for p in re.split(r"[\s,]+", text.strip().strip("()[]")) if p]
    if len(parts) > 6 or not all(re.fullmatch(r"-?\d{1,4}", p) for p in parts):
        raise ShapeProblem("args_text", text)
    return tuple(int(p) for p in parts)


def shape_code(op: str, args: tuple[int, ...]) -> str:
    joined = ", ".join(str(a) for a in args)
    return f"A.{_CHAINS.get(op, op)}({joined})"


def reshape(a: torch.Tensor, op: str, args: tuple[int, ...]) -> torch.Tensor:
    """``a`` through one of ``SHAPE_OPS`` with ``args``.

    Raises:
        ShapeProblem: ``torch`` with PyTorch's message (a shape that does not fit, ``view`` of a transposed
            tensor, a dim out of range...).
    """
    if op not in SHAPE_OPS:
        raise ShapeProblem("op", op)
    try:
        if op in _CHAINS:
            a = a.transpose(0, 1).contiguous() if op == "contiguous_view" else a.transpose(0, 1)
            return a.view(*args)
        return getattr(a, op)(*args)
    except (RuntimeError, IndexError, TypeError, ValueError) as err:
        raise ShapeProblem("torch", str(err).split("\n")[0]) from None
