"""Tensor indexing: a typed index expression on a tensor ``A``, parsed by a whitelist (never ``eval``), applied by
PyTorch, and the cells it picked traced back to ``A``.

The grammar: ``A`` followed by subscripts, chained (``A[1][0][:]``) or as a tuple (``A[:, 1, 1]``). An index
item is an integer (``-1`` too), a slice ``start:stop:step`` of integers, ``...``, ``None``, a flat list of
integers or of ``True``/``False``, or a boolean mask: a comparison of ``A`` (or an indexed ``A``) with an integer
(``A > 90``, ``A[1] == 88``), combined with ``&``, ``|`` and ``~``. Anything else is refused with a reason.

Which cells were picked: the same index applied to the tensor of flat positions ``arange(A.numel())`` gives, for
every element of the result, the cell of ``A`` it came from (``origins``).
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from typing import Any

import torch

MAX_TEXT = 200
MAX_NODES = 120
MAX_LIST = 16
MAX_INT = 10_000
_COMPARE = {ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Eq: operator.eq, ast.NotEq: operator.ne}  # fmt: skip
_COMBINE = {ast.BitAnd: operator.and_, ast.BitOr: operator.or_}


class IndexProblem(ValueError):
    """A refused or failed index: ``reason`` is a catalog key under ``ten.error``; ``column`` (from 1) points at
    the offending piece where there is one; ``detail`` is the piece's text or PyTorch's own message."""

    def __init__(self, reason: str, detail: str = "", column: int | None = None):
        super().__init__(f"{reason}: {detail} (column {column})")
        self.reason, self.detail, self.column = reason, detail, column


@dataclass(frozen=True)
class Mask:
    """A boolean mask: ``op`` is ``cmp`` (``left`` an :class:`Index`, ``value`` an int, ``how`` the operator),
    ``and``/``or`` (``left``, ``right`` masks) or ``not`` (``left``)."""

    op: str
    left: Any
    right: Any = None
    how: str = ""
    value: int = 0


@dataclass(frozen=True)
class Index:
    """``A`` then ``subs``: one tuple of items per pair of brackets (``A[1][0]`` has two, ``A[1, 0]`` one)."""

    subs: tuple[tuple[Any, ...], ...]
    text: str = ""

    @property
    def chained(self) -> bool:
        return len(self.subs) > 1


def parse_index(text: str) -> Index:
    """Parse ``text`` (e.g. ``"A[:, 1, 1]"``) by the whitelist grammar.

    Raises:
        IndexProblem: what was expected, and where.
    """
    text = text.strip()
    if not text:
        raise IndexProblem("empty")
    if len(text) > MAX_TEXT:
        raise IndexProblem("too_long", str(MAX_TEXT))
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise IndexProblem("syntax", (err.text or "").strip(), err.offset) from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise IndexProblem("too_long", str(MAX_TEXT))
    return Index(_chain(tree.body), text)


def _where(node: ast.AST) -> int | None:
    return getattr(node, "col_offset", -1) + 1 or None


def _chain(node: ast.expr) -> tuple[tuple[Any, ...], ...]:
    subs: list[tuple[Any, ...]] = []
    while isinstance(node, ast.Subscript):
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        subs.append(tuple(_item(e) for e in items))
        node = node.value
    if not (isinstance(node, ast.Name) and node.id == "A"):
        raise IndexProblem("not_a", ast.unparse(node), _where(node))
    return tuple(reversed(subs))


def _int(node: ast.expr) -> int | None:
    """An integer literal (``-1`` included), else ``None``."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign, node = (-1 if isinstance(node.op, ast.USub) else 1), node.operand
    if isinstance(node, ast.Constant) and type(node.value) is int:
        if node.value > MAX_INT:
            raise IndexProblem("big_int", str(node.value), _where(node))
        return sign * node.value
    return None


def _item(node: ast.expr) -> Any:
    number = _int(node)
    if number is not None:
        return number
    if isinstance(node, ast.Slice):
        parts = []
        for part in (node.lower, node.upper, node.step):
            value = None if part is None else _int(part)
            if part is not None and value is None:
                raise IndexProblem("slice_part", ast.unparse(part), _where(part))
            parts.append(value)
        return slice(*parts)
    if isinstance(node, ast.Constant) and (node.value is None or node.value is Ellipsis):
        return node.value
    if isinstance(node, ast.List):
        return _list(node)
    combined = isinstance(node, ast.BinOp) and type(node.op) in _COMBINE
    if combined or isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert)):
        return _mask(node)
    raise IndexProblem("item", ast.unparse(node), _where(node))


def _list(node: ast.List) -> list[int] | list[bool]:
    if not node.elts or len(node.elts) > MAX_LIST:
        raise IndexProblem("list_size", str(MAX_LIST), _where(node))
    if all(isinstance(e, ast.Constant) and type(e.value) is bool for e in node.elts):
        return [e.value for e in node.elts]
    values = [_int(e) for e in node.elts]
    if any(v is None for v in values):
        bad = next(e for e, v in zip(node.elts, values, strict=True) if v is None)
        raise IndexProblem("list_item", ast.unparse(bad), _where(bad))
    return values


def _mask(node: ast.expr) -> Mask:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        return Mask("not", _mask(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _COMBINE:
        return Mask("and" if isinstance(node.op, ast.BitAnd) else "or", _mask(node.left), _mask(node.right))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        value = _int(node.comparators[0])
        if value is None:
            raise IndexProblem("mask_value", ast.unparse(node.comparators[0]), _where(node.comparators[0]))
        how = type(node.ops[0]).__name__
        return Mask("cmp", Index(_chain(node.left), ast.unparse(node.left)), how=how, value=value)
    raise IndexProblem("mask", ast.unparse(node), _where(node))


def _torch_item(item: Any, a: torch.Tensor) -> Any:
    if isinstance(item, Mask):
        return mask_values(item, a)
    return item


def mask_values(mask: Mask, a: torch.Tensor) -> torch.Tensor:
    """The boolean tensor a :class:`Mask` stands for, computed on ``a``."""
    if mask.op == "not":
        return ~mask_values(mask.left, a)
    if mask.op in ("and", "or"):
        return _COMBINE[ast.BitAnd if mask.op == "and" else ast.BitOr](
            mask_values(mask.left, a), mask_values(mask.right, a)
        )
    return _COMPARE[getattr(ast, mask.how)](apply_index(mask.left, a), mask.value)


def apply_index(index: Index, a: torch.Tensor, values: torch.Tensor | None = None) -> torch.Tensor:
    """``a`` indexed by ``index``, bracket by bracket as Python does; masks are computed on ``values`` (default
    ``a``: ``origins`` indexes the positions with the masks of the values).

    Raises:
        IndexProblem: ``torch`` with PyTorch's own message (an index out of range, a negative step...).
    """
    values = a if values is None else values
    r = a
    try:
        for sub in index.subs:
            items = tuple(_torch_item(i, values) for i in sub)
            r = r[items[0] if len(items) == 1 else items]
    except (IndexError, ValueError, RuntimeError, TypeError) as err:
        raise IndexProblem("torch", str(err).split("\n")[0]) from None
    return r


def origins(index: Index, a: torch.Tensor) -> torch.Tensor:
    """For each element of ``A[index]``, the flat position in ``a`` of the cell it came from (same shape)."""
    positions = torch.arange(a.numel()).reshape(a.shape)
    return apply_index(index, positions, values=a)


def shares_storage(result: torch.Tensor, a: torch.Tensor) -> bool:
    """Whether ``result`` is a view of ``a`` (writing into it changes ``a``)."""
    return result.untyped_storage().data_ptr() == a.untyped_storage().data_ptr()


def write_through(index: Index, a: torch.Tensor, value: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``B = a.clone(); r = B[index]; r.fill_(value)``: returns ``B`` and the cells of ``B`` that changed."""
    b = a.clone()
    apply_index(index, b).fill_(value)
    return b, b != a


def other_form(index: Index) -> Index | None:
    """The chained form of a one-bracket tuple index, or the tuple form of a chain of one-item brackets."""
    if len(index.subs) == 1 and len(index.subs[0]) > 1:
        text = "A" + "".join(f"[{_unparse(i)}]" for i in index.subs[0])
        return Index(tuple((i,) for i in index.subs[0]), text)
    if index.chained and all(len(s) == 1 for s in index.subs):
        items = tuple(s[0] for s in index.subs)
        return Index((items,), "A[" + ", ".join(_unparse(i) for i in items) + "]")
    return None


def _unparse(item: Any) -> str:
    if isinstance(item, slice):
        parts = ["" if v is None else str(v) for v in (item.start, item.stop, item.step)]
        return ":".join(parts[:2]) + (f":{parts[2]}" if item.step is not None else "")
    if item is Ellipsis:
        return "..."
    if isinstance(item, Mask):
        return unparse_mask(item)
    return repr(item)


def unparse_mask(mask: Mask) -> str:
    if mask.op == "not":
        return f"~({unparse_mask(mask.left)})"
    if mask.op in ("and", "or"):
        sign = "&" if mask.op == "and" else "|"
        return f"({unparse_mask(mask.left)}) {sign} ({unparse_mask(mask.right)})"
    symbol = {"Gt": ">", "GtE": ">=", "Lt": "<", "LtE": "<=", "Eq": "==", "NotEq": "!="}[mask.how]
    return f"{mask.left.text} {symbol} {mask.value}"
