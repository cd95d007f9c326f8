"""Computation graphs and backpropagation, read from PyTorch's real autograd graph.

A formula in the safe expression language is evaluated once on float64 leaf tensors while a
``TorchDispatchMode`` records every ATen op with its tensor inputs and its output. The structure is then read
from ``output.grad_fn.next_functions`` (an ``AccumulateGrad`` node's ``.variable`` is the leaf); inputs that
carry no gradient (constant leaves, and ops computed only from them) are attached from the recording.
Backward runs with hooks on the real ``grad_fn`` nodes, so the step-through shows the engine's own order and
numbers. Nothing here re-implements a derivative.

Why ATen level and not ``TorchFunctionMode``: ``3 / x`` is ``Tensor.__rtruediv__``, which Python implements
as ``x.reciprocal() * 3``: one torch function call, two autograd nodes. The dispatch level sees both.
"""

from __future__ import annotations

import builtins
import io
import keyword
import re
import tokenize
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from components.compute.expressions import CONSTANTS, FUNCTIONS, ExpressionError, parse_expression

MAX_LEAVES = 8
# Names of the code panels' own variables and modules, and Python's builtins: not allowed as leaves.
RESERVED = frozenset({"torch", "math", "loss", "out", "forward", "fix", "fixes", "leaf", "grads", "accumulated",
                      "call"}) | frozenset(dir(builtins))  # fmt: skip
MAX_VECTOR = 1000  # elements in one vector leaf
Values = dict[str, float | list[float]]


@dataclass(frozen=True)
class Preset:
    """A ready-made formula: ``text`` in the safe language, default leaf values in call order, and the leaves
    that require gradients by default."""

    text: str
    leaves: dict[str, float]
    requires_grad: tuple[str, ...]


PRESETS: dict[str, Preset] = {
    # Residual wx + b - y = -0.75, so pow passes 2·(-0.75) = -1.5 and mul turns it into -1.5 × x = -4.5: every
    # factor of the chain rule shows (with a residual of 0.5 every upstream gradient would be 1).
    "linear": Preset("(w*x + b - y)**2", {"w": 0.5, "x": 3.0, "b": 0.25, "y": 2.5}, ("w", "b")),
    "neuron": Preset("(sigmoid(w*x + b) - y)**2", {"w": 0.8, "x": 1.5, "b": -0.5, "y": 1.0}, ("w", "b")),
    "softmax_ce": Preset(  # cross-entropy of logits (w1*x, w2*x) for class 1
        "-log(exp(w1*x) / (exp(w1*x) + exp(w2*x)))", {"w1": 0.3, "x": 2.0, "w2": 0.8}, ("w1", "w2")
    ),
    "tiny_net": Preset(
        "(v1*tanh(w1*x + b1) + v2*tanh(w2*x + b2) - y)**2",
        {"v1": 0.5, "w1": 1.0, "x": 0.8, "b1": 0.1, "v2": -0.7, "w2": -1.2, "b2": 0.3, "y": 0.6},
        ("v1", "w1", "b1", "v2", "w2", "b2"),
    ),
}


def leaf_names(text: str) -> tuple[str, ...]:
    """The variables of a formula, in order of first appearance.

    Args:
        text: a formula in the safe expression language, e.g. ``"(w*x + b - y)**2"``.

    Returns:
        The names that are neither functions nor constants of the language, e.g. ``("w", "x", "b", "y")``.

    Raises:
        ExpressionError: the text is refused by the language, or uses no variable (reason ``no_leaves``),
            more than :data:`MAX_LEAVES` (reason ``too_many_leaves``, detail: the first name over the limit) or a
            :data:`RESERVED` name (reason ``reserved``).
    """
    found: dict[str, int] = {}  # name -> column of first appearance
    for name, col in _name_tokens(text):
        found.setdefault(name, col)
    used = parse_expression(text, tuple(found)).used_variables()  # validates everything; raises ExpressionError
    names = tuple(n for n in found if n in used)
    taken = [n for n in names if n in RESERVED]
    if taken:  # the code panel is a Python script: a leaf called "loss" or "torch" would overwrite its names
        message = f"{taken[0]!r} is a name the generated PyTorch code needs; call the variable differently"
        raise ExpressionError("reserved", taken[0], message, found[taken[0]])
    if not names:
        raise ExpressionError("no_leaves", "", f"the formula has no variable, so no graph to show. Got {text!r}")
    if len(names) > MAX_LEAVES:
        extra = names[MAX_LEAVES]
        message = f"at most {MAX_LEAVES} variables in one formula; {extra!r} is one too many. Got {text!r}"
        raise ExpressionError("too_many_leaves", extra, message, found[extra])
    return names


def _name_tokens(text: str) -> list[tuple[str, int]]:
    """Identifier tokens that could be variables: not keywords, functions, constants, calls or ``_private``."""
    tokens: list[tokenize.TokenInfo] = []
    try:  # one line, as the language reads it, so columns are indices in the text
        for tok in tokenize.generate_tokens(io.StringIO(re.sub(r"[\r\n]", " ", text)).readline):
            tokens.append(tok)
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # unbalanced brackets and the like: parse_expression says what is wrong
    names = []
    for tok, nxt in zip(tokens, [*tokens[1:], None], strict=True):
        name = unicodedata.normalize("NFKC", tok.string)  # as ast does: "ｘ" is "x"
        called = nxt is not None and nxt.string == "("
        if tok.type != tokenize.NAME or called or keyword.iskeyword(name) or name.startswith("_"):
            continue
        if name.isidentifier() and name not in FUNCTIONS and name not in CONSTANTS:
            names.append((name, tok.start[1]))
    return names


@dataclass(frozen=True, eq=False)
class Node:
    """One node of the computation graph.

    Attributes:
        id: stable within a graph: ``"n0"``, ``"n1"``... (leaves first, then ops in forward order).
        kind: ``"leaf"``, ``"op"`` or ``"output"`` (the final op).
        label: a leaf's name, or the op's torch name (``"mul"``, ``"pow"``, ``"sigmoid"``...), taken from its
            ``grad_fn`` class, or from the ATen op when it has none.
        grad_fn: the real ``grad_fn`` class name (``"MulBackward0"``); ``""`` for leaves and for ops computed
            only from constants.
        value: forward value, detached, shape ``()`` or ``(N,)``.
        grad: ``d output / d value`` after backward, or ``None`` off every gradient path (or without backward).
        requires_grad: whether the tensor requires grad; leaves without it are constants.
    """

    id: str
    kind: str
    label: str
    grad_fn: str
    value: torch.Tensor
    grad: torch.Tensor | None
    requires_grad: bool


@dataclass(frozen=True, eq=False)
class BackwardStep:
    """One node executed by the autograd engine during ``backward()``.

    Attributes:
        node: the node id. Leaves appear too (their ``AccumulateGrad`` node), with ``passed == ()``.
        upstream: the gradient arriving at the node's output (the ``grad_outputs`` of its ``grad_fn``).
        passed: per input edge that carries gradient, in ``next_functions`` order:
            ``(input node id, local derivative d out / d in, gradient passed on)``. The local derivative is the
            same real ``grad_fn`` applied to an upstream of ones before backward; ``upstream * local == passed``
            holds up to float64 rounding (exactly for most ops).
    """

    node: str
    upstream: torch.Tensor
    passed: tuple[tuple[str, torch.Tensor, torch.Tensor], ...]


@dataclass(frozen=True, eq=False)
class Graph:
    """A traced formula: nodes, forward edges ``(input id, consumer id)``, the output id and the backward
    steps in the engine's order (empty when the output is not a scalar or nothing requires grad).
    An input used twice (``w*w``) gives two edges."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]
    output: str
    steps: tuple[BackwardStep, ...]

    def node(self, node_id: str) -> Node:
        """The node with id ``node_id``."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(f"no node {node_id!r}. Got ids {[n.id for n in self.nodes]}")


class _Recorder(TorchDispatchMode):
    """Records ``(op name, tensor args, output)`` for every ATen op; keeps the tensors alive so ids stay unique."""

    def __init__(self) -> None:
        super().__init__()
        self.ops: list[tuple[str, tuple[torch.Tensor, ...], torch.Tensor]] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if isinstance(out, torch.Tensor):
            self.ops.append((func.overloadpacket.__name__, tuple(a for a in args if isinstance(a, torch.Tensor)), out))
        return out


def _make_leaves(names: tuple[str, ...], values: Values, requires_grad: Collection[str]) -> dict[str, torch.Tensor]:
    """float64 leaves, scalar or 1-D, in call order; names absent from ``names`` are ignored."""
    missing = [n for n in names if n not in values]
    if missing:
        raise ValueError(f"every leaf {names} needs a value; missing {missing}. Got values for {sorted(values)}")
    leaves = {}
    for name in names:
        try:
            t = torch.tensor(values[name], dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError):
            t = None
        if t is None or t.dim() > 1 or not 0 < t.numel() <= MAX_VECTOR:
            raise ValueError(f"{name!r} must be a number or a list of 1 to {MAX_VECTOR} numbers. Got {values[name]!r}")
        leaves[name] = t.requires_grad_(name in requires_grad)
    shapes = [tuple(t.shape) for t in leaves.values()]
    try:
        torch.broadcast_shapes(*shapes)
    except RuntimeError:
        raise ValueError(f"vector leaves must all have the same length. Got shapes {shapes}") from None
    return leaves


def _forward(text: str, values: Values, requires_grad: Collection[str]) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    names = leaf_names(text)
    leaves = _make_leaves(names, values, set(requires_grad))
    with torch.enable_grad():
        return leaves, parse_expression(text, names)(*leaves.values())


class _Walk:
    """Nodes and edges: gradient inputs from ``next_functions``, constant inputs from the recording.

    Keys: ``0..L-1`` leaves, ``L..`` recorded ops, so sorting keys gives leaves then forward order.
    """

    def __init__(self, leaves: list[torch.Tensor], ops: list[tuple[str, tuple[torch.Tensor, ...], torch.Tensor]]):
        self.n_leaves, self.ops = len(leaves), ops
        self.tensors = leaves + [out for _, _, out in ops]
        self.key_of: dict[int, int] = {}
        for k, t in enumerate(self.tensors):
            self.key_of.setdefault(id(t), k)
        self.fns = {k: t.grad_fn for k, t in enumerate(self.tensors) if t.grad_fn is not None}
        self.fn_key: dict[int, int] = {}
        for k, fn in self.fns.items():  # self.fns keeps every wrapper alive, so ids stay unique
            self.fn_key.setdefault(id(fn), k)
        self.derived = set(range(self.n_leaves))  # keys computed from the leaves (not from folded constants)
        for k, (_, args, _) in enumerate(ops, self.n_leaves):
            if any(self.key_of.get(id(a)) in self.derived for a in args):
                self.derived.add(k)
        self.accs: dict[int, torch.autograd.graph.Node] = {}  # leaf key -> its AccumulateGrad node
        self.next_key: dict[tuple[int, int], int] = {}  # (op key, next_functions index) -> input key

    def inputs(self, k: int) -> list[int]:
        """Input keys of node ``k``, in argument order (repeated when an input is used twice)."""
        if k < self.n_leaves:
            return []
        _, args, out = self.ops[k - self.n_leaves]
        found = []  # (argument position, input key)
        for i, (nxt, _) in enumerate(out.grad_fn.next_functions if out.grad_fn is not None else ()):
            if nxt is None:
                continue
            var = getattr(nxt, "variable", None)  # AccumulateGrad: the leaf itself
            key = self.key_of.get(id(var)) if var is not None else self.fn_key.get(id(nxt))
            if key is None:
                raise RuntimeError(f"autograd node {type(nxt).__name__} does not belong to the traced formula")
            if var is not None:
                self.accs[key] = nxt
            self.next_key[(k, i)] = key
            found.append((next((j for j, a in enumerate(args) if a is self.tensors[key]), i), key))
        for j, a in enumerate(args):
            key = self.key_of.get(id(a))
            if not a.requires_grad and key in self.derived:
                found.append((j, key))
        return [key for _, key in sorted(found, key=lambda p: p[0])]

    def walk(self, out: torch.Tensor) -> tuple[int, dict[int, list[int]]]:
        """The output key and the inputs of every node it depends on, plus every leaf."""
        if id(out) not in self.key_of:
            raise RuntimeError("the formula's output was not recorded")
        root = self.key_of[id(out)]
        inputs: dict[int, list[int]] = {k: [] for k in range(self.n_leaves)}
        stack, seen = [root], set()
        while stack:
            k = stack.pop()
            if k not in seen:
                seen.add(k)
                inputs[k] = self.inputs(k)
                stack += [i for i in inputs[k] if i not in seen]
        return root, dict(sorted(inputs.items()))


def trace(text: str, values: Values, requires_grad: Collection[str]) -> Graph:
    """Evaluate a formula on leaf tensors and read its real autograd graph, then backpropagate.

    Args:
        text: a formula in the safe language, e.g. ``"(w*x + b - y)**2"``.
        values: a number or a list of numbers (a 1-D leaf) per leaf; extra names are ignored.
        requires_grad: leaves that require gradients; extra names are ignored.

    Returns:
        The :class:`Graph`. When the output is a scalar (one element) and something requires grad,
        ``output.backward()`` runs and grads and steps are filled in; otherwise grads are ``None``, steps empty.

    Raises:
        ExpressionError: the formula is refused (see :func:`leaf_names`).
        ValueError: a value is missing or malformed, or vector leaves differ in length.
    """
    names = leaf_names(text)
    leaves = _make_leaves(names, values, set(requires_grad))
    expr = parse_expression(text, names)
    with torch.enable_grad(), _Recorder() as recorder:
        out = expr(*leaves.values())
    walk = _Walk(list(leaves.values()), recorder.ops)
    root, inputs = walk.walk(out)
    ids = {k: f"n{j}" for j, k in enumerate(inputs)}
    steps: tuple[BackwardStep, ...] = ()
    if out.numel() == 1 and out.requires_grad:
        steps = _backward(walk, [k for k in inputs if k in walk.fns], ids, out)
    nodes = []
    for k in inputs:
        t, is_leaf = walk.tensors[k], k < walk.n_leaves
        fn = "" if is_leaf or t.grad_fn is None else type(t.grad_fn).__name__
        label = names[k] if is_leaf else re.sub(r"Backward\d*$", "", fn).lower() if fn else walk.ops[k - len(names)][0]
        grad = None if not steps or t.grad is None else t.grad.detach().clone()
        kind = "leaf" if is_leaf else "output" if k == root else "op"
        nodes.append(Node(ids[k], kind, label, fn, t.detach().clone(), grad, t.requires_grad))
    edges = tuple((ids[i], ids[k]) for k, ins in inputs.items() for i in ins)
    return Graph(tuple(nodes), edges, ids[root], steps)


def _backward(walk: _Walk, ops: list[int], ids: dict[int, str], out: torch.Tensor) -> tuple[BackwardStep, ...]:
    """``out.backward()`` with hooks on every ``grad_fn`` and ``AccumulateGrad`` node, in engine order."""
    local = {}
    with torch.no_grad():  # before backward frees the saved tensors: the real formula with upstream 1
        for k in ops:
            res = walk.fns[k](torch.ones_like(walk.tensors[k]))
            local[k] = (res,) if isinstance(res, torch.Tensor) else tuple(res)
    log: list[tuple[int, tuple, tuple]] = []
    hooked = {**{k: walk.fns[k] for k in ops}, **walk.accs}
    handles = [fn.register_hook(lambda gi, go, k=k: log.append((k, gi, go))) for k, fn in hooked.items()]
    for k in ops:
        walk.tensors[k].retain_grad()
    try:
        out.backward()
    finally:
        for h in handles:
            h.remove()
    steps = []
    for k, grad_inputs, grad_outputs in log:
        passed = []
        for i, g in enumerate(grad_inputs if k in local else ()):
            if (k, i) in walk.next_key:
                g = torch.zeros_like(local[k][i]) if g is None else g.detach().clone()
                passed.append((ids[walk.next_key[(k, i)]], local[k][i].detach().clone(), g))
        steps.append(BackwardStep(ids[k], grad_outputs[0].detach().clone(), tuple(passed)))
    return tuple(steps)


def scalar_error(text: str, values: Values, requires_grad: Collection[str]) -> str | None:
    """The real message of ``out.backward()`` on the formula's output, or ``None`` if it worked.

    A vector output gives torch's ``"grad can be implicitly created only for scalar outputs"``; an output
    that nothing requires grad for gives ``"element 0 of tensors does not require grad ..."``.
    """
    _, out = _forward(text, values, requires_grad)
    try:
        out.backward()
    except RuntimeError as err:
        return str(err)
    return None


def fixes(text: str, values: Values, requires_grad: Collection[str]) -> dict[str, dict[str, torch.Tensor]]:
    """The three ways to backpropagate from a vector output, each on fresh leaves.

    Returns:
        ``{"sum": ..., "mean": ..., "ones": ...}``, each ``{leaf name: grad}`` for the leaves that require grad,
        after ``out.sum().backward()``, ``out.mean().backward()`` and ``out.backward(gradient=ones_like(out))``.
        Empty dicts when no leaf requires grad.
    """
    reductions = {"sum": lambda o: o.sum().backward(), "mean": lambda o: o.mean().backward()}
    reductions["ones"] = lambda o: o.backward(gradient=torch.ones_like(o))
    result = {}
    for name, run in reductions.items():
        leaves, out = _forward(text, values, requires_grad)
        if out.requires_grad:
            run(out)
        result[name] = {n: t.grad.clone() for n, t in leaves.items() if t.grad is not None}
    return result


def accumulate(
    text: str, values: Values, requires_grad: Collection[str], times: int = 2, zero: bool = False
) -> list[dict[str, torch.Tensor]]:
    """Call ``backward()`` ``times`` times on the same leaves (fresh forward each time): ``.grad`` adds up.

    Args:
        times: number of backward calls, at least 1.
        zero: set every leaf's ``.grad`` to ``None`` before each backward, as ``optimizer.zero_grad()`` does.

    Returns:
        ``{leaf name: grad}`` after each call, for the leaves that require grad.

    Raises:
        ValueError: ``times < 1``, or the output is not a scalar, or nothing requires grad.
    """
    if times < 1:
        raise ValueError(f"times must be at least 1. Got {times}")
    leaves, out = _forward(text, values, requires_grad)
    if out.numel() != 1 or not out.requires_grad:
        raise ValueError(f"accumulate needs a scalar output that requires grad. Got shape {tuple(out.shape)}")
    expr, history = parse_expression(text, tuple(leaves)), []
    for _ in range(times):
        if zero:
            for t in leaves.values():
                t.grad = None
        with torch.enable_grad():
            expr(*leaves.values()).backward()
        history.append({n: t.grad.clone() for n, t in leaves.items() if t.grad is not None})
    return history
