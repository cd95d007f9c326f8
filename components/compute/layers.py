"""Layers & train/eval: a model built from a list of layers, traced shape by shape, counted parameter by parameter,
and run in ``train()`` and ``eval()`` mode side by side.

The list is typed, one layer per line (``Linear(8, 16)``, ``ReLU()``, ``Dropout(0.5)``...), and parsed by a strict
grammar: a known layer name, then numbers, ``True``/``False`` or ``name=value`` for that layer's own arguments
only — never ``eval``. ``nn.Sequential(*layers)`` builds the model; the star unpacks the list into separate
arguments (``nn.Sequential(layers)`` is refused by PyTorch, with the error shown).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import torch
from torch import nn

MAX_LAYERS = 12
MAX_SIZE = 4096  # features, channels or pixels along one side
MAX_PARAMS = 5_000_000
MAX_ELEMENTS = 2_000_000  # of any activation in the traced batch
# name -> (class, positional argument names, {argument: type}); the types: int, float (p, momentum), bool
LAYERS: dict[str, tuple[type[nn.Module], tuple[str, ...], dict[str, type]]] = {
    "Linear": (nn.Linear, ("in_features", "out_features"), {"in_features": int, "out_features": int, "bias": bool}),
    "Conv2d": (nn.Conv2d, ("in_channels", "out_channels", "kernel_size"),
               {"in_channels": int, "out_channels": int, "kernel_size": int, "stride": int, "padding": int,
                "bias": bool}),
    "ReLU": (nn.ReLU, (), {}),
    "Tanh": (nn.Tanh, (), {}),
    "Sigmoid": (nn.Sigmoid, (), {}),
    "Flatten": (nn.Flatten, (), {}),
    "Dropout": (nn.Dropout, ("p",), {"p": float}),
    "BatchNorm1d": (nn.BatchNorm1d, ("num_features",), {"num_features": int, "momentum": float}),
    "BatchNorm2d": (nn.BatchNorm2d, ("num_features",), {"num_features": int, "momentum": float}),
    "MaxPool2d": (nn.MaxPool2d, ("kernel_size",), {"kernel_size": int, "stride": int}),
}  # fmt: skip
_LINE = re.compile(r"^\s*(?:nn\.)?([A-Za-z0-9]+)\s*\((.*)\)\s*,?\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_KEYWORD = re.compile(r"^([a-z_]+)\s*=\s*(.+)$")


class LayerError(ValueError):
    """A refused layer list: ``reason`` is a catalog key under ``lay.error``, ``line`` the line (from 1)."""

    def __init__(self, reason: str, line: int = 0, **details: object):
        super().__init__(f"{reason} (line {line}): {details}")
        self.reason, self.line, self.details = reason, line, details


@dataclass(frozen=True)
class LayerSpec:
    name: str
    args: tuple[tuple[str, object], ...]  # (argument, value), in the order typed

    def code(self) -> str:
        positional = LAYERS[self.name][1]
        parts, named = [], False
        for k, (arg, value) in enumerate(self.args):
            named = named or k >= len(positional) or positional[k] != arg
            parts.append(f"{arg}={value!r}" if named else repr(value))
        return f"nn.{self.name}({', '.join(parts)})"

    def build(self) -> nn.Module:
        return LAYERS[self.name][0](**dict(self.args))


def _value(text: str, kind: type, arg: str, line: int) -> object:
    text = text.strip()
    if kind is bool:
        if text not in ("True", "False"):
            raise LayerError("not_bool", line, arg=arg, text=text)
        return text == "True"
    if not _NUMBER.match(text):
        raise LayerError("not_number", line, arg=arg, text=text)
    number = float(text)
    if kind is int:
        if number != int(number) or not 1 <= number <= MAX_SIZE:
            raise LayerError("bad_int", line, arg=arg, text=text, max=MAX_SIZE)
        return int(number)
    if arg == "p" and not 0 <= number < 1:
        raise LayerError("bad_p", line, text=text)
    if arg == "momentum" and not 0 < number <= 1:
        raise LayerError("bad_momentum", line, text=text)
    return number


def parse_line(text: str, line: int) -> LayerSpec:
    m = _LINE.match(text)
    if not m:
        raise LayerError("syntax", line, text=text.strip())
    name, inside = m.group(1), m.group(2).strip()
    if name not in LAYERS:
        raise LayerError("unknown", line, name=name, known=", ".join(LAYERS))
    _, positional, kinds = LAYERS[name]
    args: dict[str, object] = {}
    named = False
    pieces = [p for p in inside.split(",")] if inside else []
    for k, piece in enumerate(pieces):
        if not piece.strip():
            raise LayerError("syntax", line, text=text.strip())
        kw = _KEYWORD.match(piece.strip())
        if kw:
            arg, raw, named = kw.group(1), kw.group(2), True
            if not kinds:
                raise LayerError("no_arguments", line, name=name)
            if arg not in kinds:
                raise LayerError("bad_argument", line, name=name, arg=arg, allowed=", ".join(kinds))
        elif named:  # a positional argument after a keyword one
            raise LayerError("syntax", line, text=text.strip())
        elif not kinds:
            raise LayerError("no_arguments", line, name=name)
        elif k >= len(positional):
            raise LayerError("too_many", line, name=name, n=len(positional))
        else:
            arg, raw = positional[k], piece
        if arg in args:
            raise LayerError("twice", line, arg=arg)
        args[arg] = _value(raw, kinds[arg], arg, line)
    missing = [a for a in positional if a not in args]
    if missing:
        raise LayerError("missing", line, name=name, args=", ".join(missing))
    return LayerSpec(name, tuple(args.items()))


def parse_layers(text: str) -> list[LayerSpec]:
    """One layer per non-empty line (``#`` starts a comment); at most :data:`MAX_LAYERS`."""
    specs = []
    for i, raw in enumerate(text.splitlines(), start=1):
        body = raw.split("#", 1)[0].strip()
        if body:
            specs.append(parse_line(body, i))
    if not specs:
        raise LayerError("empty")
    if len(specs) > MAX_LAYERS:
        raise LayerError("too_long", n=len(specs), max=MAX_LAYERS)
    return specs


def parse_shape(text: str) -> tuple[int, ...]:
    """The shape of one example, e.g. ``"8"`` or ``"1, 28, 28"``: 1 to 3 sizes in ``[1, 4096]``."""
    parts = [p.strip() for p in text.replace("×", ",").replace("x", ",").split(",") if p.strip()]
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() and 1 <= int(p) <= MAX_SIZE for p in parts):
        raise LayerError("bad_shape", text=text.strip())
    return tuple(int(p) for p in parts)


def build(specs: list[LayerSpec], seed: int = 0) -> nn.Sequential:
    """``nn.Sequential(*layers)`` with the initial weights from ``seed`` (the global RNG left as it was).

    Raises:
        LayerError: ``too_big`` over :data:`MAX_PARAMS` parameters (counted before anything is allocated).
    """
    total = sum(param_count(s)[1] for s in specs)
    if total > MAX_PARAMS:
        raise LayerError("too_big", n=total, max=MAX_PARAMS)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(*[s.build() for s in specs])


def param_count(spec: LayerSpec) -> tuple[str, int, int]:
    """The parameter count as its formula with the numbers, the count, and the buffer elements — from the
    layer's arguments alone (the tests compare it with ``sum(p.numel())`` of the built layer)."""
    a = dict(spec.args)
    if spec.name == "Linear":
        i, o, bias = a["in_features"], a["out_features"], a.get("bias", True)
        return (f"in·out + out = {i}·{o} + {o}" if bias else f"in·out = {i}·{o}"), i * o + (o if bias else 0), 0
    if spec.name == "Conv2d":
        i, o, k, bias = a["in_channels"], a["out_channels"], a["kernel_size"], a.get("bias", True)
        text = f"out·in·k·k + out = {o}·{i}·{k}·{k} + {o}" if bias else f"out·in·k·k = {o}·{i}·{k}·{k}"
        return text, o * i * k * k + (o if bias else 0), 0
    if spec.name.startswith("BatchNorm"):
        c = a["num_features"]
        return f"2C = 2·{c}", 2 * c, 2 * c + 1  # running mean and var, and num_batches_tracked
    return "0", 0, 0


@dataclass(frozen=True)
class Stage:
    """One layer of the trace: its code, the output shape, its parameter formula, count and buffers."""

    code: str
    shape: tuple[int, ...]
    formula: str
    params: int
    counted: int  # sum(p.numel() for p in layer.parameters())
    buffers: int


@dataclass(frozen=True)
class Trace:
    stages: list[Stage]
    failed_at: int | None = None  # the index of the layer that raised, else None
    error: str = ""
    total: int = 0
    counted: int = 0
    incoming: tuple[int, ...] = ()  # the shape the failing layer got


def batch_input(shape: tuple[int, ...], batch: int, seed: int) -> torch.Tensor:
    """``batch`` random examples of ``shape`` from ``seed``: the batch the page traces.

    Raises:
        LayerError: ``too_big_input`` over :data:`MAX_ELEMENTS` values (counted before anything is allocated).
    """
    n = batch * math.prod(shape)
    if n > MAX_ELEMENTS:
        raise LayerError("too_big_input", n=n, max=MAX_ELEMENTS)
    return torch.randn(batch, *shape, generator=torch.Generator().manual_seed(seed))


def output_bound(spec: LayerSpec, shape: tuple[int, ...]) -> int:
    """At least as many values as the layer's output for an input of ``shape`` (an exact count for Linear, the
    padded picture's size for Conv2d; the other layers never grow their input)."""
    a = dict(spec.args)
    if spec.name == "Linear":
        return math.prod(shape[:-1]) * a["out_features"]
    if spec.name == "Conv2d" and len(shape) == 4:
        p = 2 * a.get("padding", 0)
        return shape[0] * a["out_channels"] * (shape[2] + p) * (shape[3] + p)
    return math.prod(shape)


def trace(model: nn.Sequential, specs: list[LayerSpec], x: torch.Tensor) -> Trace:
    """Push ``x`` through the layers one at a time (eval mode, no autograd), recording each output's shape; a
    layer that raises (a shape mismatch) stops the trace with PyTorch's own message.

    Raises:
        LayerError: ``too_big_output``, before running a layer whose output could exceed :data:`MAX_ELEMENTS`.
    """
    model.eval()
    stages, h = [], x
    with torch.no_grad():
        for i, (layer, spec) in enumerate(zip(model, specs, strict=True)):
            formula, n, _ = param_count(spec)
            bound = output_bound(spec, tuple(h.shape))
            if bound > MAX_ELEMENTS:
                raise LayerError("too_big_output", k=i, n=bound, max=MAX_ELEMENTS)
            try:
                h = layer(h)
            except (RuntimeError, ValueError) as err:
                return Trace(stages, i, str(err).split("\n")[0], _total(specs), _counted(model), tuple(h.shape))
            counted = sum(p.numel() for p in layer.parameters())
            buffers = sum(b.numel() for b in layer.buffers())
            stages.append(Stage(spec.code(), tuple(h.shape), formula, n, counted, buffers))
    return Trace(stages, None, "", _total(specs), _counted(model))


def _total(specs: list[LayerSpec]) -> int:
    return sum(param_count(s)[1] for s in specs)


def _counted(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def star_error(specs: list[LayerSpec]) -> str:
    """What PyTorch says to ``nn.Sequential(layers)`` — the list itself instead of its items."""
    try:
        nn.Sequential([s.build() for s in specs[:1]])
    except TypeError as err:
        return str(err)
    return ""


class PlainList(nn.Module):
    """The mistake: layers kept in a Python list are invisible to ``parameters()`` and ``state_dict()``."""

    def __init__(self, layers: list[nn.Module]):
        super().__init__()
        self.layers = layers


class WithModuleList(nn.Module):
    def __init__(self, layers: list[nn.Module]):
        super().__init__()
        self.layers = nn.ModuleList(layers)


def registered(specs: list[LayerSpec]) -> tuple[int, int]:
    """Parameters that ``parameters()`` finds when the layers sit in a plain list vs an ``nn.ModuleList``."""
    with torch.random.fork_rng(devices=[]):
        plain = PlainList([s.build() for s in specs])
        listed = WithModuleList([s.build() for s in specs])
    return _counted(plain), _counted(listed)


# --- train() vs eval() -----------------------------------------------------------------------------------------


@dataclass
class Modes:
    """The same batch through the model in both modes.

    Attributes:
        train_diff: max |difference| between two forward passes in train mode (dropout draws new masks).
        eval_diff: the same in eval mode (0: deterministic).
        mode_diff: max |train output - eval output| (0 when there is neither Dropout nor BatchNorm).
        has_dropout, has_batchnorm: what the model holds.
        dropout: the first Dropout's ``(p, its input, train output, eval output)`` on the batch, or None.
        batchnorm: the first BatchNorm's statistics, or None: ``momentum``, the batch ``mean`` and unbiased
            ``var``, the running stats ``before`` and ``after`` one train pass, and the per-channel mean of
            its train and eval outputs.
        eval_grad: the first parameter's gradient norm after ``backward()`` in eval mode (autograd still records);
            the input's, for a model without parameters.
        no_grad_requires: ``requires_grad`` of the output under ``torch.no_grad()`` (False).
    """

    train_diff: float
    eval_diff: float
    mode_diff: float
    has_dropout: bool
    has_batchnorm: bool
    dropout: tuple[float, torch.Tensor, torch.Tensor, torch.Tensor] | None = None
    batchnorm: dict[str, object] | None = None
    eval_grad: float = 0.0
    eval_requires: bool = True
    no_grad_requires: bool = False


def _first(model: nn.Sequential, kinds: tuple[type, ...]) -> int | None:
    return next((i for i, m in enumerate(model) if isinstance(m, kinds)), None)


def modes(specs: list[LayerSpec], x: torch.Tensor, seed: int = 0) -> Modes:
    """Run a freshly built copy (weights from ``seed``) in train and eval mode; dropout masks from ``seed + 1``."""
    model = build(specs, seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 1)
        d = _first(model, (nn.Dropout,))
        b = _first(model, (nn.BatchNorm1d, nn.BatchNorm2d))
        out: Modes
        with torch.no_grad():
            model.eval()
            e1, e2 = model(x), model(x)
            bn_before = None
            if b is not None:
                bn = model[b]
                bn_before = (bn.running_mean.clone(), bn.running_var.clone())
                bn_input = model[:b](x)
            model.train()
            try:
                t1 = model(x)
            except ValueError as err:  # BatchNorm: "Expected more than 1 value per channel when training"
                raise LayerError("train_refused", error=str(err)) from err
            t2 = model(x)
            mode_diff = (t1 - e1).abs().max().item()
            out = Modes((t1 - t2).abs().max().item(), (e1 - e2).abs().max().item(), mode_diff, d is not None,
                        b is not None)  # fmt: skip
            if d is not None:
                model.eval()
                before = model[:d](x)
                model.train()
                out.dropout = (model[d].p, before, model[d](before), before)
            if b is not None:
                bn = model[b]
                dims = [0] if bn_input.dim() == 2 else [0, 2, 3]
                batch_mean = bn_input.mean(dims)
                batch_var = bn_input.var(dims, unbiased=True)
                fresh = build(specs, seed)[b]  # new running stats: one train pass from the start
                fresh.train()
                train_out = fresh(bn_input)
                after = (fresh.running_mean.clone(), fresh.running_var.clone())
                fresh.eval()
                eval_out = fresh(bn_input)
                out.batchnorm = {"momentum": bn.momentum, "mean": batch_mean, "var": batch_var,
                                 "before": bn_before, "after": after,
                                 "train_mean": train_out.mean(dims), "eval_mean": eval_out.mean(dims)}  # fmt: skip
        model.eval()
        leaf = x.detach().clone().requires_grad_(True)  # a gradient to show even for a model without weights
        with torch.enable_grad():
            y = model(leaf)
            out.eval_requires = y.requires_grad
            y.sum().backward()
        first = next(model.parameters(), leaf)
        out.eval_grad = first.grad.norm().item()
        with torch.no_grad():
            out.no_grad_requires = model(x).requires_grad
    return out


PRESETS = {
    "mlp": "Linear(8, 16)\nReLU()\nDropout(0.5)\nLinear(16, 4)",
    "batchnorm": "Linear(8, 16)\nBatchNorm1d(16)\nReLU()\nLinear(16, 4)",
    "cnn": "Conv2d(1, 8, 3, padding=1)\nBatchNorm2d(8)\nReLU()\nMaxPool2d(2)\nFlatten()\nLinear(392, 10)",
    "linear": "Linear(8, 4)",
    "broken": "Conv2d(1, 8, 3)\nReLU()\nFlatten()\nLinear(392, 10)",
}
PRESET_SHAPES = {"mlp": "8", "batchnorm": "8", "cnn": "1, 14, 14", "linear": "8", "broken": "1, 14, 14"}
