"""A safe expression language: formulas typed by users become functions of torch tensors.

The text is only *parsed* (``ast.parse`` runs nothing), every node is checked against a whitelist and the
tree is compiled into small closures that call torch, so results broadcast and are differentiable.
Grammar: numbers, the given variables, ``pi``, ``e``, binary ``+ - * / **``, unary ``+ -``, parentheses and
calls of :data:`FUNCTIONS` by plain name. ``^`` means power (``x^2`` is ``x**2``) because students type it;
the language has no xor, so the translation cannot change a meaning. Newlines count as spaces. Constant
parts are folded once in float64 and refused when not finite or absurdly large.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

MAX_DEPTH = 40  # nesting of sub-expressions, and of brackets in the text
MAX_NODES = 200  # sub-expressions in one formula
MAX_EXPONENT = 1e6  # |constant exponent|: 9**9**9 is refused here, never computed
MAX_MAGNITUDE = 1e300  # |any literal or folded constant|
_MAX_INT = 10**20  # integer literals of more than 20 digits are refused

FUNCTIONS: dict[str, Callable[..., torch.Tensor]] = {
    "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "exp": torch.exp, "log": torch.log,
    "sqrt": torch.sqrt, "abs": torch.abs, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
    "minimum": torch.minimum, "maximum": torch.maximum,
}  # fmt: skip
ARITY = {"minimum": 2, "maximum": 2}  # every other function takes one argument
CONSTANTS = {"pi": math.pi, "e": math.e}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_Fn = Callable[[dict[str, torch.Tensor]], torch.Tensor]


class ExpressionError(ValueError):
    """A formula was refused.

    Attributes:
        reason: stable code for the UI: ``empty``, ``too_long``, ``syntax``, ``not_allowed``, ``unknown_name``,
            ``unknown_function``, ``bad_call``, ``too_big``, ``too_deep`` or ``not_finite``.
        detail: the offending piece (``"__import__"``, ``"z"``, ``"//"``, ``"1e400"``...), ``""`` if none.
        offset: 0-based column in the original text where the problem starts, or ``None`` if unknown.
    """

    def __init__(self, reason: str, detail: str, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.reason, self.detail, self.offset = reason, detail, offset


@dataclass(frozen=True)
class Expression:
    """A parsed, validated formula; call it with one value per variable.

    Attributes:
        text: the original text.
        variables: the variables it may use, in call order, e.g. ``("x", "y")``.
    """

    text: str
    variables: tuple[str, ...]
    _fn: float | _Fn = field(repr=False, compare=False)
    _used: frozenset[str] = field(repr=False, compare=False)

    def __call__(self, *values: torch.Tensor | float) -> torch.Tensor:
        """Evaluate on broadcastable inputs.

        Args:
            *values: one tensor or number per variable, in the order of ``variables``; shapes broadcast.

        Returns:
            Tensor of the broadcast shape of all inputs, float64 if any input is float64, else float32.
            Singularities give inf/nan as torch does. Differentiable w.r.t. every input that requires grad.
        """
        if len(values) != len(self.variables):
            raise TypeError(f"expected {len(self.variables)} values for {self.variables}. Got {len(values)}")
        tensors = [v if isinstance(v, torch.Tensor) else torch.as_tensor(v) for v in values]
        dtype = torch.float64 if any(t.dtype == torch.float64 for t in tensors) else torch.float32
        env = {name: t if t.dtype == dtype else t.to(dtype) for name, t in zip(self.variables, tensors, strict=True)}
        if isinstance(self._fn, float):
            out = torch.tensor(self._fn, dtype=dtype, device=tensors[0].device if tensors else None)
        else:
            out = self._fn(env)
        for name, t in env.items():  # keep unused inputs in the graph so .backward()/autograd.grad always work
            if name not in self._used and t.requires_grad:
                out = out + 0.0 * t
        if any(out is t for t in env.values()):  # "x" or "+x": never hand back the caller's own tensor
            out = out.clone()
        shapes = {t.shape for t in env.values()}  # one shape (the optimizers' case) needs no broadcasting rules
        shape = next(iter(shapes)) if len(shapes) == 1 else torch.broadcast_shapes(*shapes)
        # A full grid, not a stride-0 view, so callers may write into the result.
        return out if out.shape == shape else out.expand(shape).contiguous()

    def used_variables(self) -> frozenset[str]:
        """Returns the variables that actually appear in the text."""
        return self._used


def parse_expression(text: str, variables: tuple[str, ...] = ("x",), max_length: int = 200) -> Expression:
    """Parse and validate a formula.

    Args:
        text: what the user typed, e.g. ``"(1-x)**2 + 100*(y-x^2)**2"``.
        variables: names the formula may use, in the order ``Expression.__call__`` takes them.
        max_length: longest accepted text, in characters (checked before parsing).

    Returns:
        The compiled :class:`Expression`.

    Raises:
        ExpressionError: the text is refused; ``reason``, ``detail`` and ``offset`` say why and where.
        ValueError: a variable name is not an identifier or clashes with a function or constant.
    """
    for name in variables:
        if not name.isidentifier() or name in FUNCTIONS or name in CONSTANTS:
            raise ValueError(f"variables must be identifiers other than functions and constants. Got {name!r}")
    if not text.strip():
        raise ExpressionError("empty", "", f"expression is empty. Got {text!r}")
    if len(text) > max_length:
        message = f"expression too long: at most {max_length} characters. Got {len(text)}"
        raise ExpressionError("too_long", text[max_length:][:20], message, max_length)
    compiler = _Compiler(text, variables)
    fn = compiler.build(compiler.parse().body)
    return Expression(text, tuple(variables), fn, frozenset(compiler.used))


class _Compiler:
    """Turns a whitelisted ``ast`` tree into closures; maps ast columns back to the text for messages."""

    def __init__(self, text: str, variables: tuple[str, ...]) -> None:
        self.text, self.variables, self.used = text, variables, set()
        # back[i]: index in the original text of char i of the source given to ast ("^" became "**").
        self.back = [j for j, c in enumerate(text) for _ in range(2 if c == "^" else 1)] + [len(text)]
        source = re.sub(r"[\r\n]", " ", text).replace("^", "**")  # one line, so one column space
        self.src = source.lstrip()  # ast.parse refuses leading spaces ("unexpected indent")
        self.lead, self.utf8 = len(source) - len(self.src), self.src.encode("utf-8", "surrogatepass")

    def error(self, reason: str, detail: str, body: str, at: int | None) -> ExpressionError:
        where = "" if at is None else f" (column {at})"
        return ExpressionError(reason, detail, f"{body}{where}. Got {self.text!r}", at)

    def pos(self, col: int | None, in_bytes: bool = True) -> int | None:
        """Original-text index of a column of the parsed source (ast counts UTF-8 bytes, SyntaxError chars)."""
        if col is None:
            return None
        col = len(self.utf8[:col].decode("utf-8", "ignore")) if in_bytes else max(col, 0)
        return self.back[min(self.lead + col, len(self.back) - 1)]

    def span(self, start: int | None, end: int | None, strip: str = "") -> tuple[int | None, str]:
        """Index and text between two ast columns, less ``strip`` characters at both ends."""
        i, j = self.pos(start), self.pos(end)
        if i is None or j is None:
            return i, ""
        piece = self.text[i:j]
        return i + len(piece) - len(piece.lstrip(strip)), piece.strip(strip)[:30]

    def parse(self) -> ast.Expression:
        depth = 0
        for i, c in enumerate(self.text):  # brackets create no ast nodes, so bound them on the text
            depth += (c in "([{") - (c in ")]}")
            if depth > MAX_DEPTH:
                raise self.error("too_deep", c, f"brackets nested more than {MAX_DEPTH} deep", i)
        try:
            tree = ast.parse(self.src, mode="eval")
        except SyntaxError as err:  # offset 0: at the end ("x +"); None: unknown (null bytes)
            at = len(self.text) if err.offset == 0 else self.pos(err.offset and err.offset - 1, in_bytes=False)
            raise self.error("syntax", "" if at is None else self.text[at : at + 1], err.msg, at) from None
        except (ValueError, OverflowError, RecursionError, MemoryError) as err:  # surrogates, parser limits
            raise self.error("syntax", "", str(err) or type(err).__name__, None) from None
        stack, count = [(tree.body, 1)], 0
        while stack:  # iterative, so a pathological tree cannot overflow the Python stack here
            node, depth = stack.pop()
            count += 1
            if depth > MAX_DEPTH or count > MAX_NODES:
                at, seg = self.span(node.col_offset, node.end_col_offset)
                limits = f"at most {MAX_DEPTH} levels and {MAX_NODES} parts"
                raise self.error("too_deep", seg, f"expression too deep or too big ({limits})", at)
            stack += [(n, depth + 1) for n in ast.iter_child_nodes(node) if isinstance(n, ast.expr)]
        return tree

    def build(self, node: ast.expr) -> float | _Fn:
        """Validate ``node`` and return its folded value (a float) or a closure ``env -> tensor``."""
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return self.apply(_UNARY[type(node.op)], [self.build(node.operand)], node)
        if isinstance(node, ast.BinOp) and type(node.op) in (*_BINARY, ast.Pow):
            left, right = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Pow) and isinstance(right, float) and abs(right) > MAX_EXPONENT:
                at, seg = self.span(node.right.col_offset, node.right.end_col_offset)
                raise self.error("too_big", seg, f"exponent {right:g} is too big (at most {MAX_EXPONENT:g})", at)
            return self.apply(_BINARY.get(type(node.op), operator.pow), [left, right], node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.not_allowed(node)

    def number(self, node: ast.Constant) -> float:
        at, seg = self.span(node.col_offset, node.end_col_offset)
        if isinstance(node.value, int) and abs(node.value) >= _MAX_INT:
            raise self.error("too_big", seg, "integer has more than 20 digits", at)
        value = float(node.value)
        if not math.isfinite(value):
            raise self.error("not_finite", seg, f"number {seg!r} is not finite", at)
        if abs(value) > MAX_MAGNITUDE:
            raise self.error("too_big", seg, f"number {seg!r} is too big (at most {MAX_MAGNITUDE:g})", at)
        return value

    def name(self, node: ast.Name) -> float | _Fn:
        if node.id in self.variables:
            self.used.add(node.id)
            return lambda env, name=node.id: env[name]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        at = self.pos(node.col_offset)
        if node.id in FUNCTIONS:
            raise self.error("bad_call", node.id, f"{node.id!r} is a function: write {node.id}(...)", at)
        if node.id.startswith("_"):
            raise self.error("not_allowed", node.id, f"{node.id!r} is not allowed", at)
        allowed = ", ".join((*self.variables, *CONSTANTS))
        raise self.error("unknown_name", node.id, f"unknown name {node.id!r}; allowed names are {allowed}", at)

    def call(self, node: ast.Call) -> float | _Fn:
        func, at = node.func, self.pos(node.col_offset)
        if isinstance(func, ast.Attribute):  # torch.sin(x), x.__class__()...
            raise self.not_allowed(func)
        name = func.id if isinstance(func, ast.Name) else self.span(func.col_offset, func.end_col_offset)[1]
        if not isinstance(func, ast.Name) or name in self.variables or name in CONSTANTS:
            # "x(1-x)", "2(x+1)": a missing "*", the most common slip
            raise self.error("bad_call", name, f"{name!r} is not a function; write * to multiply", at)
        if name not in FUNCTIONS:
            if name.startswith("_"):
                raise self.error("not_allowed", name, f"{name!r} is not allowed", at)
            allowed = ", ".join(FUNCTIONS)
            raise self.error("unknown_function", name, f"unknown function {name!r}; allowed are {allowed}", at)
        bad = [(kw.arg or "**", kw, "takes positional arguments only") for kw in node.keywords]
        bad += [("*", arg, "does not accept *arguments") for arg in node.args if isinstance(arg, ast.Starred)]
        if bad:
            detail, where, what = bad[0]
            raise self.error("bad_call", detail, f"{name!r} {what}", self.pos(where.col_offset))
        arity = ARITY.get(name, 1)
        if len(node.args) != arity:
            plural = "" if arity == 1 else "s"
            raise self.error("bad_call", name, f"{name!r} takes {arity} argument{plural}, not {len(node.args)}", at)
        args = [self.build(a) for a in node.args]
        f = FUNCTIONS[name]  # torch.minimum(x, 2.0) needs a tensor 2.0; all-constant calls are folded anyway
        return self.apply(_tensor_args(f) if any(isinstance(a, float) for a in args) else f, args, node)

    def apply(self, f: Callable[..., torch.Tensor], args: list[float | _Fn], node: ast.expr) -> float | _Fn:
        """Fold ``f(*args)`` when every argument is constant, else return a closure computing it."""
        if all(isinstance(a, float) for a in args):
            with torch.no_grad():  # float64 maths is O(1) whatever the values: no int-power blow-up
                value = float(f(*(torch.tensor(a, dtype=torch.float64) for a in args)))
            at, seg = self.span(node.col_offset, node.end_col_offset)
            if not math.isfinite(value):
                raise self.error("not_finite", seg, f"constant part {seg!r} is {value}", at)
            if abs(value) > MAX_MAGNITUDE:
                raise self.error("too_big", seg, f"constant part {seg!r} exceeds {MAX_MAGNITUDE:g}", at)
            return value
        # One closure per shape of call, no generator: evaluation runs once per optimizer step.
        if len(args) == 1:
            (a,) = args
            return lambda env: f(a(env))
        a, b = args
        if isinstance(a, float):
            return lambda env: f(a, b(env))
        if isinstance(b, float):
            return lambda env: f(a(env), b)
        return lambda env: f(a(env), b(env))

    def not_allowed(self, node: ast.expr) -> ExpressionError:
        """The error for a refused node; operators are named by the text between their operands."""
        at, detail = self.span(node.col_offset, node.end_col_offset)
        gaps = {
            ast.Attribute: lambda n: (n.value.end_col_offset, n.end_col_offset),
            ast.BinOp: lambda n: (n.left.end_col_offset, n.right.col_offset),
            ast.Compare: lambda n: (n.left.end_col_offset, n.comparators[0].col_offset),
            ast.BoolOp: lambda n: (n.values[0].end_col_offset, n.values[1].col_offset),
            ast.UnaryOp: lambda n: (n.col_offset, n.operand.col_offset),
        }
        if type(node) in gaps:
            at, detail = self.span(*gaps[type(node)](node), strip=" \t\r\n\f()")
        hint = f"use numbers, + - * / ** (or ^), parentheses and the functions {', '.join(FUNCTIONS)}"
        return self.error("not_allowed", detail, f"{detail!r} is not allowed; {hint}", at)


def _tensor_args(f: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """Wrap ``f`` so float arguments become tensors like the tensor ones (``torch.minimum`` needs tensors)."""

    def call(*values: torch.Tensor | float) -> torch.Tensor:
        ref = next(v for v in values if isinstance(v, torch.Tensor))
        return f(*(torch.as_tensor(v, dtype=ref.dtype, device=ref.device) for v in values))

    return call
