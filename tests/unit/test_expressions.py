"""components.compute.expressions against NumPy formulas, analytic derivatives and a tree evaluator written here.

The references never go through the module's parser: NumPy versions are typed by hand, and the random
expressions of the property test are built twice from the same random tree, once as text and once as a
NumPy value.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import components.compute.expressions as expressions
from components.compute.expressions import FUNCTIONS, Expression, ExpressionError, parse_expression

# ast.parse warns about texts like "1if" (SyntaxWarning: invalid decimal literal); they are refused anyway.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

XY = ("x", "y")
_G = np.linspace(-2.7, 2.3, 11)
GX, GY = np.meshgrid(_G, _G + 0.05, indexing="ij")  # (11, 11) float64, no point exactly 0
POS = np.linspace(0.01, 3.0, 11)  # for sqrt and log
SMALL = np.linspace(-1.4, 1.4, 11)  # tan away from its poles at +-pi/2


def _np_sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _np_relu(a):
    return np.where(a < 0, 0.0, a)  # torch.relu keeps -0.0 and nan, like this


def _eval(expr: Expression, *arrays: np.ndarray) -> np.ndarray:
    return expr(*(torch.from_numpy(a) for a in arrays)).detach().numpy()


# ---------------------------------------------------------------------------------------------------------------
# Valid formulas against hand-written NumPy


TWO_VARIABLE = [
    ("x**2 + 3*sin(y)", lambda x, y: x**2 + 3 * np.sin(y)),
    ("(1-x)**2 + 100*(y-x**2)**2", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ("(1-x)^2 + 100*(y-x^2)^2", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ("(x**2+y-11)**2+(x+y**2-7)**2", lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2),
    ("minimum(x, y)", np.minimum),
    ("maximum(x, 0.5) - minimum(1, y)", lambda x, y: np.maximum(x, 0.5) - np.minimum(1, y)),
    ("x*y**2", lambda x, y: x * y**2),
    ("x / y - y / 2", lambda x, y: x / y - y / 2),
    ("exp(-(x^2 + y^2) / 2) * cos(3*x)", lambda x, y: np.exp(-(x**2 + y**2) / 2) * np.cos(3 * x)),
    ("  x\n + y", lambda x, y: x + y),  # leading spaces and a newline are plain spaces
    ("-2**2 + x - -y", lambda x, y: -4 + x + y),  # Python precedence: -(2**2)
]
ONE_VARIABLE = [
    ("x^3 - 3*x", _G, lambda x: x**3 - 3 * x),
    ("sigmoid(x)", _G, _np_sigmoid),
    ("relu(x)", _G, _np_relu),
    ("-x", _G, lambda x: -x),
    ("+x", _G, lambda x: x),
    ("2**-1 * x", _G, lambda x: 0.5 * x),
    ("pi*x", _G, lambda x: math.pi * x),
    ("e**x", _G, np.exp),
    ("abs(x)", _G, np.abs),
    ("tanh(x)", _G, np.tanh),
    ("sqrt(x)", POS, np.sqrt),
    ("log(x)", POS, np.log),
    ("tan(x)", SMALL, np.tan),
    ("1e-3 * x + 1_000", _G, lambda x: 0.001 * x + 1000),
    ("x ** 0.5", POS, np.sqrt),
    ("2 ^ x", _G, lambda x: 2.0**x),
]


@pytest.mark.parametrize(("text", "reference"), TWO_VARIABLE, ids=[t for t, _ in TWO_VARIABLE])
def test_two_variable_formulas_match_numpy(text, reference):
    expr = parse_expression(text, XY)
    np.testing.assert_allclose(_eval(expr, GX, GY), reference(GX, GY), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("text", "grid", "reference"), ONE_VARIABLE, ids=[t for t, _, _ in ONE_VARIABLE])
def test_one_variable_formulas_match_numpy(text, grid, reference):
    np.testing.assert_allclose(_eval(parse_expression(text), grid), reference(grid), rtol=1e-12, atol=1e-12)


def test_every_function_in_the_table_is_its_torch_function():
    expected = {
        "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "exp": torch.exp, "log": torch.log,
        "sqrt": torch.sqrt, "abs": torch.abs, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
        "minimum": torch.minimum, "maximum": torch.maximum,
    }  # fmt: skip
    assert expected == FUNCTIONS


def test_caret_is_power_and_keeps_the_text():
    expr = parse_expression("x^2 + 1", XY)
    assert expr.text == "x^2 + 1" and expr.variables == XY
    assert torch.equal(expr(torch.tensor([3.0]), torch.tensor([0.0])), torch.tensor([10.0]))


def test_used_variables():
    assert parse_expression("x**2 + 3", XY).used_variables() == frozenset({"x"})
    assert parse_expression("sin(y) * x", XY).used_variables() == frozenset(XY)
    assert parse_expression("pi * e", XY).used_variables() == frozenset()


def test_dtype_follows_inputs():
    expr = parse_expression("x + y", XY)
    f32, f64, i64 = torch.ones(2), torch.ones(2, dtype=torch.float64), torch.ones(2, dtype=torch.int64)
    assert expr(f32, f32).dtype == torch.float32
    assert expr(f32, f64).dtype == torch.float64
    assert expr(i64, i64).dtype == torch.float32  # integers are evaluated in float: no integer overflow
    assert expr(2, 3.5).dtype == torch.float32 and expr(2, 3.5).item() == 5.5
    big = parse_expression("x ** 40")(torch.tensor([10], dtype=torch.int64))
    assert big.dtype == torch.float32 and math.isinf(big.item())  # 1e40 overflows float32, no int wrap-around


def test_broadcasting_and_constant_formulas_fill_the_grid():
    x, y = torch.linspace(0, 1, 4)[:, None], torch.linspace(0, 1, 5)[None, :]
    assert parse_expression("x + y", XY)(x, y).shape == (4, 5)
    grid = parse_expression("x", XY)(x, y)  # y unused: still the full grid
    assert grid.shape == (4, 5) and torch.equal(grid, x.expand(4, 5))
    const = parse_expression("2*pi", XY)(x, y)
    assert const.shape == (4, 5) and torch.allclose(const, torch.full((4, 5), 2 * math.pi))
    const[0, 0] = 0.0  # a real grid, not a stride-0 view


def test_result_never_aliases_the_input():
    x = torch.tensor([1.0, 2.0])
    for text in ("x", "+x", "+(+x)"):
        out = parse_expression(text)(x)
        out += 1
        assert torch.equal(x, torch.tensor([1.0, 2.0])), text


def test_singularities_give_inf_and_nan_not_errors():
    x = torch.tensor([-1.0, 0.0, 1.0])
    assert torch.isinf(parse_expression("1/x")(x)[1])
    assert torch.isinf(parse_expression("log(x)")(x)[1])
    assert torch.isnan(parse_expression("sqrt(x)")(x)[0])


def test_equal_texts_are_equal_expressions():
    assert parse_expression("x+1") == parse_expression("x+1")
    assert hash(parse_expression("x+1")) == hash(parse_expression("x+1"))
    assert parse_expression("x+1") != parse_expression("x+1", XY)


def test_wrong_number_of_values_is_a_type_error():
    with pytest.raises(TypeError, match="Got 1"):
        parse_expression("x+y", XY)(torch.ones(2))


@pytest.mark.parametrize("variables", [("sin",), ("pi",), ("1x",), ("x", "e")])
def test_bad_variable_names_are_a_programming_error(variables):
    with pytest.raises(ValueError, match="Got") as info:
        parse_expression("1", variables)
    assert not isinstance(info.value, ExpressionError)


# ---------------------------------------------------------------------------------------------------------------
# Autograd against analytic derivatives and central differences


def _central_difference(expr, point, index, h=1e-6):
    up, down = list(point), list(point)
    up[index], down[index] = point[index] + h, point[index] - h
    as_t = [torch.tensor(v, dtype=torch.float64) for v in (up, down)]
    return ((expr(*as_t[0]) - expr(*as_t[1])) / (2 * h)).item()


def test_gradient_of_cubic_matches_analytic_and_finite_difference():
    expr = parse_expression("x^3 - 3*x")
    x = torch.tensor(_G, requires_grad=True)
    expr(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * _G**2 - 3, rtol=1e-12, atol=1e-12)
    for value in (-1.7, 0.3, 2.2):
        fd = _central_difference(expr, [value], 0)
        assert fd == pytest.approx(3 * value**2 - 3, rel=1e-6)


def test_partial_derivatives_of_two_variable_formula():
    expr = parse_expression("x*y**2 + sin(x)", XY)
    x = torch.tensor(GX, requires_grad=True)
    y = torch.tensor(GY, requires_grad=True)
    gx, gy = torch.autograd.grad(expr(x, y).sum(), [x, y])
    np.testing.assert_allclose(gy.numpy(), 2 * GX * GY, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gx.numpy(), GY**2 + np.cos(GX), rtol=1e-12, atol=1e-12)
    point = [0.7, -1.3]
    assert _central_difference(expr, point, 1) == pytest.approx(2 * 0.7 * -1.3, rel=1e-6)
    assert _central_difference(expr, point, 0) == pytest.approx(1.3**2 + math.cos(0.7), rel=1e-6)


def test_gradient_through_functions_and_constants():
    x = torch.tensor([0.4, 1.1], dtype=torch.float64, requires_grad=True)
    parse_expression("sigmoid(2*x) + e^x + minimum(x, 1)")(x).sum().backward()
    s = _np_sigmoid(2 * x.detach().numpy())
    expected = 2 * s * (1 - s) + np.exp(x.detach().numpy()) + np.array([1.0, 0.0])
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("text", ["5", "pi", "y"])
def test_backward_works_when_an_input_is_unused(text):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    out = parse_expression(text, XY)(x, torch.ones(2))
    out.sum().backward()  # must not raise "does not require grad"
    assert torch.equal(x.grad, torch.zeros(2))


# ---------------------------------------------------------------------------------------------------------------
# Refusals: reason, detail and where

LONG = "(" * 100 + "x" + ")" * 100
WIDE = "x" + "+x" * 150


def _balanced(depth: int) -> str:
    return "x" if depth == 0 else f"({_balanced(depth - 1)}*{_balanced(depth - 1)})"


REFUSED = [
    # text, variables, max_length, reason, detail, offset (None: not checked, except for empty text)
    ("", ("x",), 200, "empty", "", None),
    ("  \t ", ("x",), 200, "empty", "", None),
    ("x+" * 100 + "x", ("x",), 200, "too_long", "x", 200),
    ("x +", ("x",), 200, "syntax", "", 3),
    ("(x", ("x",), 200, "syntax", "(", 0),
    ("x + $", ("x",), 200, "syntax", "$", 4),
    ("__import__('os')", ("x",), 200, "not_allowed", "__import__", 0),
    ("x.__class__", ("x",), 200, "not_allowed", ".__class__", 1),
    ("().__class__", ("x",), 200, "not_allowed", ".__class__", 2),
    ("torch.sin(x)", ("x",), 200, "not_allowed", ".sin", 5),
    ("[x]", ("x",), 200, "not_allowed", "[x]", 0),
    ("x[0]", ("x",), 200, "not_allowed", "x[0]", 0),
    ("lambda: 1", ("x",), 200, "not_allowed", "lambda: 1", 0),
    ("x if x else 1", ("x",), 200, "not_allowed", "x if x else 1", 0),
    ("x < 1", ("x",), 200, "not_allowed", "<", 2),
    ("x and y", XY, 200, "not_allowed", "and", 2),
    ("not x", ("x",), 200, "not_allowed", "not", 0),
    ("'a'", ("x",), 200, "not_allowed", "'a'", 0),
    ("b'a'", ("x",), 200, "not_allowed", "b'a'", 0),
    ("1j", ("x",), 200, "not_allowed", "1j", 0),
    ("True", ("x",), 200, "not_allowed", "True", 0),
    ("None", ("x",), 200, "not_allowed", "None", 0),
    ("x // 2", ("x",), 200, "not_allowed", "//", 2),
    ("x % 2", ("x",), 200, "not_allowed", "%", 2),
    ("x @ y", XY, 200, "not_allowed", "@", 2),
    ("x & 1", ("x",), 200, "not_allowed", "&", 2),
    ("(x) | (1)", ("x",), 200, "not_allowed", "|", 4),
    ("~x", ("x",), 200, "not_allowed", "~", 0),
    ("(y := 1)", XY, 200, "not_allowed", "y := 1", 1),
    ("_x + 1", ("x",), 200, "not_allowed", "_x", 0),
    ("sin(x, y)", XY, 200, "bad_call", "sin", 0),
    ("sin()", ("x",), 200, "bad_call", "sin", 0),
    ("sin(x=1)", ("x",), 200, "bad_call", "x", 4),
    ("exp(**{})", ("x",), 200, "bad_call", "**", 4),
    ("minimum(x)", ("x",), 200, "bad_call", "minimum", 0),
    ("exp(*x)", ("x",), 200, "bad_call", "*", 4),
    ("1 + sin", ("x",), 200, "bad_call", "sin", 4),
    ("x(1 - x)", ("x",), 200, "bad_call", "x", 0),
    ("2(x + 1)", ("x",), 200, "bad_call", "2", 0),
    ("x + z", XY, 200, "unknown_name", "z", 4),
    ("foo(x)", ("x",), 200, "unknown_function", "foo", 0),
    ("eval('1')", ("x",), 200, "unknown_function", "eval", 0),
    ("9**9**9", ("x",), 200, "too_big", "9**9", 3),
    ("10**10**10", ("x",), 200, "too_big", "10**10", 4),
    ("x^10^10", ("x",), 200, "too_big", "10^10", 2),
    ("2**2000", ("x",), 200, "not_finite", "2**2000", 0),
    ("x + 2**1000", ("x",), 200, "too_big", "2**1000", 4),
    ("1e400", ("x",), 200, "not_finite", "1e400", 0),
    ("x * 1e301", ("x",), 200, "too_big", "1e301", 4),
    ("1" * 25, ("x",), 200, "too_big", "1" * 25, 0),
    ("x + 1/0", ("x",), 200, "not_finite", "1/0", 4),
    ("x + log(0)", ("x",), 200, "not_finite", "log(0)", 4),
    (LONG, ("x",), 1000, "too_deep", "(", 40),
    ("-" * 100 + "x", ("x",), 200, "too_deep", "-" * 30, 40),
    (WIDE, ("x",), 1000, "too_deep", None, None),  # detail: the part where a limit was crossed
    (_balanced(8), ("x",), 5000, "too_deep", None, None),  # 511 parts, only 9 levels deep
]


@pytest.mark.parametrize(
    ("text", "variables", "max_length", "reason", "detail", "offset"),
    REFUSED,
    ids=[r[0][:20] or "empty" for r in REFUSED],
)
def test_refusals_name_the_reason_the_piece_and_the_place(text, variables, max_length, reason, detail, offset):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, variables, max_length=max_length)
    err = info.value
    assert err.reason == reason
    if detail is not None:
        assert err.detail == detail
    if offset is not None:
        assert err.offset == offset
    assert err.offset is None or 0 <= err.offset <= len(text)
    assert isinstance(err, ValueError) and "Got " in str(err)


def test_offsets_count_characters_of_the_original_text():
    # "^" becomes "**" before parsing and "é" is two UTF-8 bytes: neither may shift the reported column.
    with pytest.raises(ExpressionError) as info:
        parse_expression("x^2 ^ 2 + é", XY)
    assert (info.value.reason, info.value.detail, info.value.offset) == ("unknown_name", "é", 10)
    with pytest.raises(ExpressionError) as info:
        parse_expression("x^2 // 3")
    assert (info.value.detail, info.value.offset) == ("//", 4)
    with pytest.raises(ExpressionError) as info:
        parse_expression("(x\n+ z)")
    assert (info.value.detail, info.value.offset) == ("z", 5)


def test_messages_point_at_the_problem():
    def message(text, variables=("x",)):
        with pytest.raises(ExpressionError) as info:
            parse_expression(text, variables)
        return str(info.value)

    assert message("__import__('os')").startswith("'__import__' is not allowed")
    assert message("z", XY).startswith("unknown name 'z'; allowed names are x, y, pi, e")
    assert message("foo(x)").startswith("unknown function 'foo'; allowed are sin, cos")
    assert message("sin(x, x)").startswith("'sin' takes 1 argument")
    assert message("maximum(x)").startswith("'maximum' takes 2 arguments")
    assert message("x" * 300).startswith("expression too long")
    assert message("x +").startswith("invalid syntax (column 3)")
    assert message("x // 2").startswith("'//' is not allowed")


def test_length_is_checked_before_parsing():
    with pytest.raises(ExpressionError) as info:
        parse_expression("(" * 5000, max_length=200)
    assert info.value.reason == "too_long"
    assert parse_expression("x + 1", max_length=5)(2.0).item() == 3.0  # exactly at the limit


@pytest.mark.parametrize("text", ["9**9**9", "10**10**10", "9^9^9^9", "(9**9)**(9**9)", "x**9**9**9"])
def test_exponent_towers_are_refused_fast(text):
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert time.perf_counter() - start < 0.5  # a guard against a hang, not a benchmark
    assert info.value.reason == "too_big"


def test_module_never_calls_eval_exec_or_compile():
    source = Path(expressions.__file__).read_text(encoding="utf-8")
    calls = re.findall(r"(?<![\w.])(eval|exec|compile)\s*\(", source)
    assert calls == []
    assert "import streamlit" not in source and "import plotly" not in source


# ---------------------------------------------------------------------------------------------------------------
# Properties

_TOKENS = [
    "x", "y", "z", "0", "1", "2", "9", "0.5", "1e400", "1e-3", "+", "-", "*", "/", "**", "^", "(", ")", ",", ".",
    " ", "sin(", "cos(", "exp(", "log(", "sqrt(", "abs(", "tanh(", "sigmoid(", "relu(", "minimum(", "maximum(",
    "pi", "e", "__class__", "__import__(", "_", "[", "]", "'", '"', "\\", "lambda", "if", "=", "//", "%", "@", "~",
]  # fmt: skip
_ALPHABET = "xy0123456789+-*/^()., sincoexplgqrtabhmdu_[]'\"\\"
ANY_TEXT = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=_ALPHABET, max_size=60),
    st.lists(st.sampled_from(_TOKENS), max_size=25).map("".join),
)
GRID32 = (torch.linspace(-3, 3, 7)[:, None], torch.linspace(-2, 2, 5)[None, :])
GRID64 = tuple(t.double() for t in GRID32)


def _parse_or_refuse(text, **kwargs):
    try:
        return parse_expression(text, XY, **kwargs)
    except ExpressionError as err:
        event(f"refused: {err.reason}")
        assert err.reason in {
            "empty", "too_long", "syntax", "not_allowed", "unknown_name", "unknown_function", "bad_call",
            "too_big", "too_deep", "not_finite",
        }  # fmt: skip
        assert err.offset is None or 0 <= err.offset <= len(text)
        assert isinstance(err.detail, str) and str(err)
        return None


@settings(deadline=2000, max_examples=300, database=None)
@given(ANY_TEXT)
def test_any_text_is_parsed_or_refused_and_parsed_text_evaluates(text):
    expr = _parse_or_refuse(text)
    if expr is None:
        return
    event("parsed")
    for grid, dtype in ((GRID32, torch.float32), (GRID64, torch.float64)):
        out = expr(*grid)  # may hold nan/inf, must not raise
        assert out.shape == (7, 5) and out.dtype == dtype


_OPERANDS = [
    "x", "y", "0", "1", "2.5", "9", "1e-300", "1e300", "1e6", "pi", "e", "(x-y)", "sin(x)", "log(y)", "sqrt(x)",
    "log(0*x)", "x/0", "exp(exp(y))", "minimum(x, 0)", "maximum(1, y)", "relu(-x)", "tan(pi/2*x)", "x**1e5",
]  # fmt: skip
_OPERATORS = ["+", "-", "*", "/", "**", "^", " - -", "*-", "**-"]
MOSTLY_VALID = st.recursive(
    st.sampled_from(_OPERANDS),
    lambda sub: st.one_of(
        st.tuples(sub, st.sampled_from(_OPERATORS), sub).map("".join),
        st.tuples(st.sampled_from([*FUNCTIONS, "-", ""]), sub).map(lambda p: f"{p[0]}({p[1]})"),
        st.tuples(st.sampled_from(["minimum", "maximum"]), sub, sub).map(lambda p: f"{p[0]}({p[1]}, {p[2]})"),
    ),
    max_leaves=8,
)


@settings(deadline=2000, max_examples=300, database=None)
@given(MOSTLY_VALID)
def test_parsed_formulas_evaluate_without_raising(text):
    expr = _parse_or_refuse(text, max_length=1000)
    if expr is None:
        return
    event("parsed")
    x = GRID64[0].clone().requires_grad_(True)
    out = expr(x, GRID64[1])
    assert out.shape == (7, 5) and out.dtype == torch.float64
    out.sum().backward()  # gradients may be nan/inf but must not raise
    assert x.grad.shape == x.shape
    assert expr(*GRID32).dtype == torch.float32


@settings(deadline=2000, max_examples=100, database=None)
@given(st.text(alphabet=_ALPHABET, min_size=150, max_size=600))
def test_long_text_is_bounded(text):
    _parse_or_refuse(text, max_length=600)


# Random valid trees: each node is built as text and as a NumPy function at the same time.


class _Node(NamedTuple):
    text: str
    numpy: Callable[[np.ndarray, np.ndarray], np.ndarray]
    const: float | None  # its value when it has no variables (the parser folds those parts)
    bad: bool  # some constant part is not finite or above 1e300: the parser must refuse the whole


_NP_UNARY = {
    "sin": np.sin, "cos": np.cos, "tanh": np.tanh, "exp": np.exp, "abs": np.abs, "sigmoid": _np_sigmoid,
    "relu": _np_relu, "sqrt": np.sqrt, "log": np.log, "-": np.negative,
}  # fmt: skip
_NP_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


def _node(text, fn, parts):
    const = None
    if all(p.const is not None for p in parts):
        with np.errstate(all="ignore"):
            const = float(fn(np.zeros(1), np.zeros(1))[0])
    bad = any(p.bad for p in parts) or (const is not None and not (math.isfinite(const) and abs(const) <= 1e300))
    return _Node(text, fn, const, bad)


def _leaf(choice):
    if isinstance(choice, str):
        return _Node(choice, lambda x, y: x if choice == "x" else y, None, False)
    return _Node(repr(choice), lambda x, y: np.full_like(x, choice), float(choice), False)


def _unary(name, a):
    text = f"-({a.text})" if name == "-" else f"{name}({a.text})"
    return _node(text, lambda x, y: _NP_UNARY[name](a.numpy(x, y)), [a])


def _binary(op, a, b):
    return _node(f"({a.text} {op} {b.text})", lambda x, y: _NP_BINARY[op](a.numpy(x, y), b.numpy(x, y)), [a, b])


def _power(a, exponent, caret):
    text = f"({a.text}){'^' if caret else '**'}{exponent}"
    return _node(text, lambda x, y: np.power(a.numpy(x, y), float(exponent)), [a])


LEAVES = st.one_of(st.sampled_from(["x", "y"]), st.integers(0, 9), st.floats(0.1, 5.0).map(lambda v: round(v, 2))).map(
    _leaf
)
TREES = st.recursive(
    LEAVES,
    lambda sub: st.one_of(
        st.builds(_unary, st.sampled_from(sorted(_NP_UNARY)), sub),
        st.builds(_binary, st.sampled_from(sorted(_NP_BINARY)), sub, sub),
        st.builds(_power, sub, st.integers(0, 3), st.booleans()),
    ),
    max_leaves=10,
)


@settings(deadline=2000, max_examples=300, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(TREES)
def test_random_valid_expressions_match_a_numpy_tree_evaluator(tree):
    try:
        expr = parse_expression(tree.text, XY, max_length=2000)
    except ExpressionError as err:
        assert tree.bad and err.reason in {"not_finite", "too_big"}, (tree.text, err)
        event("refused: a constant part is not finite")
        return
    assert not tree.bad, tree.text
    with np.errstate(all="ignore"):
        expected = tree.numpy(GX, GY)
    actual = _eval(expr, GX, GY)
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=tree.text)
