"""The autograd graph against finite differences, hand-derived formulas and graph invariants.

References are independent of the code under test: plain-Python maths, central differences (for an
intermediate node, its own forward value is nudged inside the formula by a dispatch mode), Matt Mazur's
published backpropagation example, and the topology of the graph itself.
"""

from __future__ import annotations

import math
import re

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from components.compute.autograd_graph import (
    MAX_LEAVES,
    PRESETS,
    Graph,
    accumulate,
    fixes,
    leaf_names,
    scalar_error,
    trace,
)
from components.compute.expressions import ExpressionError, parse_expression
from components.compute.tiny_net import TINY_DEFAULT, TINY_TARGET, TINY_X, TinyNet, tiny_forward_backward
from components.figures.autograd import graph_dot

sig = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731

# Formulas typed by a student: (text, values, requires_grad).
TYPED = [
    ("3/x + 2**x - (3 - x) + minimum(x, 2)*y", {"x": 1.5, "y": 2.0}, {"x", "y"}),
    ("w*w + sqrt(abs(w))*e", {"w": -1.3}, {"w"}),
    ("exp(-a)*cos(b)/(1 + a^2) + maximum(a, b)", {"a": 0.4, "b": 0.9}, {"a", "b"}),
    ("relu(p - 1)*log(q) - tan(p)*sin(q)", {"p": 1.2, "q": 2.5}, {"p", "q"}),
    ("-(x - y)**3 / 2", {"x": 0.3, "y": 1.1}, {"x"}),
    ("x", {"x": 2.0}, {"x"}),
]
CASES = [(p.text, p.leaves, set(p.requires_grad)) for p in PRESETS.values()] + TYPED
CASE_IDS = [*PRESETS, *(t for t, _, _ in TYPED)]

# Hand-derived leaf gradients of every preset, from the leaf values.
HAND = {
    "linear": lambda w, x, b, y: {"w": 2 * (w * x + b - y) * x, "b": 2 * (w * x + b - y)},
    "neuron": lambda w, x, b, y: {
        "w": 2 * (sig(w * x + b) - y) * sig(w * x + b) * (1 - sig(w * x + b)) * x,
        "b": 2 * (sig(w * x + b) - y) * sig(w * x + b) * (1 - sig(w * x + b)),
    },
    "softmax_ce": lambda w1, x, w2: {"w1": -(1 - sig((w1 - w2) * x)) * x, "w2": (1 - sig((w1 - w2) * x)) * x},
    "tiny_net": lambda v1, w1, x, b1, v2, w2, b2, y: _tiny_hand(v1, w1, x, b1, v2, w2, b2, y),
}
HAND_VALUE = {
    "linear": lambda w, x, b, y: (w * x + b - y) ** 2,
    "neuron": lambda w, x, b, y: (sig(w * x + b) - y) ** 2,
    "softmax_ce": lambda w1, x, w2: -math.log(math.exp(w1 * x) / (math.exp(w1 * x) + math.exp(w2 * x))),
    "tiny_net": lambda v1, w1, x, b1, v2, w2, b2, y: (
        (v1 * math.tanh(w1 * x + b1) + v2 * math.tanh(w2 * x + b2) - y) ** 2
    ),
}


def _tiny_hand(v1, w1, x, b1, v2, w2, b2, y):
    h1, h2 = math.tanh(w1 * x + b1), math.tanh(w2 * x + b2)
    r2 = 2 * (v1 * h1 + v2 * h2 - y)
    return {
        "v1": r2 * h1,
        "w1": r2 * v1 * (1 - h1**2) * x,
        "b1": r2 * v1 * (1 - h1**2),
        "v2": r2 * h2,
        "w2": r2 * v2 * (1 - h2**2) * x,
        "b2": r2 * v2 * (1 - h2**2),
    }


# Independent evaluation of an op node from its input nodes' values (only when every operand is a node).
OPS = {
    "mul": (2, lambda a, b: a * b),
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "div": (2, lambda a, b: a / b),
    "minimum": (2, min),
    "maximum": (2, max),
    "neg": (1, lambda a: -a),
    "exp": (1, math.exp),
    "log": (1, math.log),
    "sin": (1, math.sin),
    "cos": (1, math.cos),
    "tan": (1, math.tan),
    "tanh": (1, math.tanh),
    "sigmoid": (1, sig),
    "sqrt": (1, math.sqrt),
    "abs": (1, abs),
    "relu": (1, lambda a: max(a, 0.0)),
    "reciprocal": (1, lambda a: 1 / a),
    "clone": (1, lambda a: a),
}


class _Nudge(TorchDispatchMode):
    """Records every floating ATen output; adds ``eps`` to the one numbered ``index``."""

    def __init__(self, index: int = -1, eps: float = 0.0) -> None:
        super().__init__()
        self.index, self.eps, self.outputs = index, eps, []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if isinstance(out, torch.Tensor) and out.is_floating_point():
            if len(self.outputs) == self.index:
                out = out + self.eps
            self.outputs.append((func.overloadpacket.__name__, out.clone()))
        return out


def _evaluate(text: str, values: dict, index: int = -1, eps: float = 0.0) -> tuple[float, list]:
    names = leaf_names(text)
    with torch.no_grad(), _Nudge(index, eps) as mode:
        out = parse_expression(text, names)(*(torch.tensor(values[n], dtype=torch.float64) for n in names))
    return float(out), mode.outputs


def _incoming(graph: Graph) -> dict[str, list[str]]:
    result = {n.id: [] for n in graph.nodes}
    for src, dst in graph.edges:
        result[dst].append(src)
    return result


def _consumers(graph: Graph) -> dict[str, list[str]]:
    result = {n.id: [] for n in graph.nodes}
    for src, dst in graph.edges:
        result[src].append(dst)
    return result


# ---------------------------------------------------------------------------------------------- names, presets


def test_presets_are_consistent():
    assert set(PRESETS) == {"linear", "neuron", "softmax_ce", "tiny_net"} == set(HAND)
    for p in PRESETS.values():
        assert tuple(p.leaves) == leaf_names(p.text)
        assert set(p.requires_grad) <= set(p.leaves) and p.requires_grad
    linear = PRESETS["linear"]
    assert linear.text == "(w*x + b - y)**2"
    assert linear.leaves == {"w": 0.5, "x": 3.0, "b": 0.25, "y": 2.5} and set(linear.requires_grad) == {"w", "b"}


@pytest.mark.parametrize("name", ["linear", "neuron"])
def test_preset_defaults_show_every_factor_of_the_chain_rule(name):
    """Past the output (whose upstream is 1 by definition) no upstream gradient is 1, and at least one step
    multiplies an upstream by a local derivative that is neither 1 nor -1: the "×" is visible."""
    preset = PRESETS[name]
    graph = trace(preset.text, preset.leaves, set(preset.requires_grad))
    ops = [s for s in graph.steps if s.passed and s.node != graph.output]
    assert ops and all(abs(float(s.upstream)) != 1.0 for s in ops)
    assert any(abs(float(local)) != 1.0 for s in ops for _, local, _ in s.passed)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("sin(x) + pi*y + x*e", ("x", "y")),
        ("b*a + a^2", ("b", "a")),
        ("1e5*x + 2E-3", ("x",)),
        ("w*x\n+ b", ("w", "x", "b")),
        ("maximum(p, 0) * tanh(q)", ("p", "q")),
        ("a+b+c+d+f+g+h+k", ("a", "b", "c", "d", "f", "g", "h", "k")),
    ],
)
def test_leaf_names_in_order_of_first_appearance(text, names):
    assert leaf_names(text) == names


def test_more_than_eight_leaves_are_refused():
    assert MAX_LEAVES == 8
    with pytest.raises(ExpressionError) as info:
        leaf_names("a+b+c+d+f+g+h+k+m")
    assert info.value.reason == "too_many_leaves" and info.value.detail == "m" and info.value.offset == 16
    with pytest.raises(ExpressionError):
        trace("a+b+c+d+f+g+h+k+m", dict.fromkeys("abcdfghkm", 1.0), set())


HOSTILE = [
    "__import__('os').system('ls')",
    "x.__class__",
    "lambda: 1",
    "x if y else z",
    "[x for x in y]",
    "open('f')",
    "x; y",
    "(" * 60 + "x" + ")" * 60,
    "",
    "   ",
    "x" * 300,
    "9**9**9",
    "a.b",
    "f(x)",
    "x(y)",
    "sin",
    "'abc",
    "x\0",
    "x @ y",
    "x // y",
    "{x}",
    "x[0]",
    "x == y",
    "import os",
    "x +",
    "1/0 + x",
    "_x + 1",
    "sin(x, y)",
    "pi",
    "2 + 3",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_formulas_raise_expression_error_only(text):
    with pytest.raises(ExpressionError):
        leaf_names(text)
    with pytest.raises(ExpressionError):
        trace(text, {"x": 1.0, "y": 2.0, "z": 3.0, "a": 1.0, "b": 1.0}, {"x"})


def test_bad_values_are_clear_value_errors():
    with pytest.raises(ValueError, match="missing"):
        trace("w*x", {"w": 1.0}, {"w"})
    with pytest.raises(ValueError, match="same length"):
        trace("w*x", {"w": [1.0, 2.0], "x": [1.0, 2.0, 3.0]}, {"w"})
    for bad in ([[1.0]], [], "one", None):
        with pytest.raises(ValueError, match="Got"):
            trace("w*x", {"w": bad, "x": 1.0}, {"w"})


# ---------------------------------------------------------------------------------------------- gradients


@pytest.mark.parametrize(("text", "values", "grads"), CASES, ids=CASE_IDS)
def test_leaf_grads_match_central_differences(text, values, grads):
    graph = trace(text, values, grads)
    by_label = {n.label: n for n in graph.nodes if n.kind == "leaf"}
    assert set(by_label) == set(values)
    for name, node in by_label.items():
        if name not in grads:
            assert node.grad is None and not node.requires_grad
            continue
        h = 1e-6 * max(1.0, abs(values[name]))
        up, down = (
            _evaluate(text, {**values, name: values[name] + h})[0],
            _evaluate(text, {**values, name: values[name] - h})[0],
        )
        assert float(node.grad) == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-8), name
    assert float(graph.node(graph.output).grad) == 1.0


@pytest.mark.parametrize(("text", "values", "grads"), CASES, ids=CASE_IDS)
def test_intermediate_grads_match_central_differences_of_their_own_value(text, values, grads):
    graph = trace(text, values, grads)
    _, outputs = _evaluate(text, values)
    ops = [n for n in graph.nodes if n.kind != "leaf"]
    j = 0  # ops are in forward order: match them to the recorded ATen outputs as a subsequence
    for node in ops:
        while not (outputs[j][0] == node.label and torch.equal(outputs[j][1], node.value)):
            j += 1  # IndexError here means a node's value or label was not produced by the formula
        h = 1e-6 * max(1.0, abs(float(node.value)))
        up, down = _evaluate(text, values, j, h)[0], _evaluate(text, values, j, -h)[0]
        assert node.grad is not None, node
        assert float(node.grad) == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-8), node.label
        j += 1
    assert ops and ops[-1].kind == "output"


@pytest.mark.parametrize("name", PRESETS)
def test_preset_values_and_grads_match_hand_formulas(name):
    preset = PRESETS[name]
    graph = trace(preset.text, preset.leaves, set(preset.requires_grad))
    hand = HAND[name](*preset.leaves.values())
    for node in graph.nodes:
        if node.kind == "leaf":
            assert float(node.value) == preset.leaves[node.label]
            if node.label in preset.requires_grad:
                assert float(node.grad) == pytest.approx(hand[node.label], rel=1e-12)
    out = graph.node(graph.output)
    assert float(out.value) == pytest.approx(HAND_VALUE[name](*preset.leaves.values()), rel=1e-12)


def test_linear_and_neuron_intermediates_by_hand():
    w, x, b, y = PRESETS["linear"].leaves.values()
    graph = trace(PRESETS["linear"].text, PRESETS["linear"].leaves, {"w", "b"})
    ops = {n.label: n for n in graph.nodes if n.kind != "leaf"}
    assert [n.grad_fn for n in ops.values()] == ["MulBackward0", "AddBackward0", "SubBackward0", "PowBackward0"]
    r = w * x + b - y
    expected = {"mul": (w * x, 2 * r), "add": (w * x + b, 2 * r), "sub": (r, 2 * r), "pow": (r**2, 1.0)}
    for label, (value, grad) in expected.items():
        assert float(ops[label].value) == pytest.approx(value) and float(ops[label].grad) == pytest.approx(grad)
    w, x, b, y = PRESETS["neuron"].leaves.values()
    graph = trace(PRESETS["neuron"].text, PRESETS["neuron"].leaves, {"w", "b"})
    ops = {n.label: n for n in graph.nodes if n.kind != "leaf"}
    s = sig(w * x + b)
    assert float(ops["sigmoid"].value) == pytest.approx(s)
    assert float(ops["sigmoid"].grad) == pytest.approx(2 * (s - y))
    assert float(ops["add"].grad) == pytest.approx(2 * (s - y) * s * (1 - s))


# ---------------------------------------------------------------------------------------------- structure


@pytest.mark.parametrize(("text", "values", "grads"), CASES, ids=CASE_IDS)
def test_values_and_structure_form_a_dag_ending_at_the_output(text, values, grads):
    graph = trace(text, values, grads)
    ids = [n.id for n in graph.nodes]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"n\d+", i) for i in ids)
    incoming, consumers = _incoming(graph), _consumers(graph)
    assert all(src in incoming and dst in incoming for src, dst in graph.edges)
    assert [n.id for n in graph.nodes if n.kind == "output"] == [graph.output] and not consumers[graph.output]
    for node in graph.nodes:
        assert (node.kind == "leaf") == (not incoming[node.id]), node  # leaves and only leaves have no inputs
        assert node.id == graph.output or consumers[node.id], node  # nothing dangles
        arity, f = OPS.get(node.label, (None, None))
        if node.kind != "leaf" and arity == len(incoming[node.id]):  # every operand is a node: recompute
            args = [float(graph.node(i).value) for i in incoming[node.id]]
            assert float(node.value) == pytest.approx(f(*args), rel=1e-13, abs=1e-15), node.label
    order, ready = [], [i for i in ids if not incoming[i]]  # Kahn: a topological order exists
    remaining = {i: len(incoming[i]) for i in ids}
    while ready:
        order.append(node := ready.pop())
        for c in consumers[node]:
            remaining[c] -= 1
            if remaining[c] == 0:
                ready.append(c)
    assert len(order) == len(ids) and order[-1] == graph.output
    assert float(graph.node(graph.output).value) == pytest.approx(_evaluate(text, values)[0], rel=1e-15)


def test_constant_leaves_are_connected_to_the_op_that_used_them():
    graph = trace(PRESETS["linear"].text, PRESETS["linear"].leaves, {"w", "b"})
    leaves = {n.label: n for n in graph.nodes if n.kind == "leaf"}
    assert not leaves["x"].requires_grad and leaves["x"].grad is None and leaves["x"].grad_fn == ""
    consumers = _consumers(graph)
    assert [graph.node(c).label for c in consumers[leaves["x"].id]] == ["mul"]
    assert [graph.node(c).label for c in consumers[leaves["y"].id]] == ["sub"]
    assert _incoming(graph)[consumers[leaves["x"].id][0]] == [leaves["w"].id, leaves["x"].id]  # w*x: in order


def test_gradient_free_branches_keep_the_same_structure():
    preset = PRESETS["tiny_net"]
    full = trace(preset.text, preset.leaves, set(preset.requires_grad))
    part = trace(preset.text, preset.leaves, {"v1"})
    none = trace(preset.text, preset.leaves, set())
    assert full.edges == part.edges == none.edges and len(full.nodes) == len(part.nodes) == len(none.nodes) == 19
    assert [n.label for n in full.nodes] == [n.label for n in part.nodes] == [n.label for n in none.nodes]
    no_grad = [n for n in part.nodes if n.kind != "leaf" and n.grad_fn == ""]
    assert len(no_grad) == 7 and all(
        n.grad is None and not n.requires_grad for n in no_grad
    )  # 2 x (mul add tanh) + v2*h
    v1 = next(n for n in part.nodes if n.label == "v1")
    assert float(v1.grad) == pytest.approx(HAND["tiny_net"](*preset.leaves.values())["v1"], rel=1e-12)
    assert none.steps == () and all(n.grad is None and n.grad_fn == "" for n in none.nodes)
    assert {n.label for n in none.nodes if n.kind != "leaf"} == {"mul", "add", "tanh", "sub", "pow"}


def test_a_leaf_used_twice_gives_two_edges_and_summed_gradient():
    graph = trace("w*w", {"w": 3.0}, {"w"})
    assert graph.edges == (("n0", "n1"), ("n0", "n1"))
    (mul_step, leaf_step) = graph.steps
    assert [p[0] for p in mul_step.passed] == ["n0", "n0"] and float(leaf_step.upstream) == 6.0


# ---------------------------------------------------------------------------------------------- backward steps


@pytest.mark.parametrize(("text", "values", "grads"), CASES, ids=CASE_IDS)
def test_backward_steps_follow_the_topology_and_the_chain_rule(text, values, grads):
    graph = trace(text, values, grads)
    position = {s.node: i for i, s in enumerate(graph.steps)}
    assert len(position) == len(graph.steps) > 0  # every node executes once
    assert (
        set(position)
        == {n.id for n in graph.nodes if n.grad is not None}
        == {n.id for n in graph.nodes if n.requires_grad}
    )
    assert graph.steps[0].node == graph.output and float(graph.steps[0].upstream) == 1.0
    consumers, edges = _consumers(graph), set(graph.edges)
    received = {i: torch.zeros((), dtype=torch.float64) for i in position}
    for i, step in enumerate(graph.steps):
        node = graph.node(step.node)
        assert all(position[c] < i for c in consumers[step.node] if c in position), step.node
        assert torch.allclose(step.upstream, node.grad, rtol=1e-15, atol=0)
        assert (node.kind == "leaf") == (step.passed == ())
        for src, local, passed in step.passed:
            assert (src, step.node) in edges
            assert torch.allclose(step.upstream * local, passed, rtol=1e-12, atol=1e-15)
            received[src] = received[src] + passed
    for node_id, total in received.items():  # the gradient of a node is the sum of what its consumers passed
        if node_id != graph.output:
            assert torch.allclose(total, graph.node(node_id).grad, rtol=1e-12, atol=1e-15), node_id


def test_local_derivatives_are_the_textbook_ones():
    w, x, b, y = PRESETS["linear"].leaves.values()
    graph = trace(PRESETS["linear"].text, PRESETS["linear"].leaves, {"w", "b"})
    local = {(graph.node(s.node).label, graph.node(src).label): float(d) for s in graph.steps for src, d, _ in s.passed}
    assert local == {
        ("pow", "sub"): 2 * (w * x + b - y),
        ("sub", "add"): 1.0,
        ("add", "mul"): 1.0,
        ("add", "b"): 1.0,
        ("mul", "w"): x,
    }


# ---------------------------------------------------------------------------------------------- error lab


def test_vector_output_has_a_graph_but_no_backward():
    graph = trace("w*x + b", {"w": 2.0, "x": [1.0, 2.0, 3.0], "b": 1.0}, {"w", "b"})
    assert graph.steps == () and all(n.grad is None for n in graph.nodes)
    values = {n.label: n.value.tolist() for n in graph.nodes}
    assert values["mul"] == [2.0, 4.0, 6.0] and values["add"] == [3.0, 5.0, 7.0]


def test_scalar_error_is_torchs_own_message():
    message = scalar_error("w*x + b", {"w": 2.0, "x": [1.0, 2.0, 3.0], "b": 1.0}, {"w", "b"})
    assert "grad can be implicitly created only for scalar outputs" in message
    assert scalar_error(PRESETS["linear"].text, PRESETS["linear"].leaves, {"w"}) is None
    assert "does not require grad" in scalar_error("w*x", {"w": 1.0, "x": 2.0}, set())


def test_fixes_match_hand_computation():
    x, n = [1.0, 2.0, 4.0], 3
    result = fixes("w*x + b", {"w": 2.0, "x": x, "b": 1.0}, {"w", "b"})
    assert set(result) == {"sum", "mean", "ones"}
    assert float(result["sum"]["w"]) == sum(x) and float(result["sum"]["b"]) == n
    assert float(result["mean"]["w"]) == pytest.approx(sum(x) / n) and float(result["mean"]["b"]) == pytest.approx(1.0)
    assert float(result["ones"]["w"]) == sum(x) and float(result["ones"]["b"]) == n
    vec = fixes("w*x", {"w": [1.0, -1.0, 0.5], "x": x}, {"w"})  # vector parameter: one partial per element
    assert vec["sum"]["w"].tolist() == x == vec["ones"]["w"].tolist()
    assert vec["mean"]["w"].tolist() == pytest.approx([v / n for v in x])
    assert fixes("w*x", {"w": 1.0, "x": x}, set()) == {"sum": {}, "mean": {}, "ones": {}}


def test_accumulate_adds_up_unless_zeroed():
    preset = PRESETS["linear"]
    once = HAND["linear"](*preset.leaves.values())
    history = accumulate(preset.text, preset.leaves, {"w", "b"}, times=3)
    for k, grads in enumerate(history, 1):
        assert float(grads["w"]) == pytest.approx(k * once["w"]) and float(grads["b"]) == pytest.approx(k * once["b"])
    zeroed = accumulate(preset.text, preset.leaves, {"w", "b"}, times=3, zero=True)
    assert all(float(g["w"]) == pytest.approx(once["w"]) for g in zeroed)
    with pytest.raises(ValueError, match="times"):
        accumulate(preset.text, preset.leaves, {"w"}, times=0)
    with pytest.raises(ValueError, match="scalar"):
        accumulate("w*x", {"w": 1.0, "x": [1.0, 2.0]}, {"w"})


# ---------------------------------------------------------------------------------------------- tiny network


def _tiny_loss(net: TinyNet, x, target) -> float:
    hidden = [sig(sum(w * xi for w, xi in zip(row, x, strict=True)) + b) for row, b in zip(net.w1, net.b1, strict=True)]
    out = sig(sum(w * h for w, h in zip(net.w2, hidden, strict=True)) + net.b2)
    return 0.5 * (out - target) ** 2


def _nudged(net: TinyNet, field: str, index: tuple[int, ...], h: float) -> TinyNet:
    flat = {"w1": [list(r) for r in net.w1], "b1": list(net.b1), "w2": list(net.w2), "b2": net.b2}
    if field == "b2":
        flat["b2"] += h
    elif field == "w1":
        flat["w1"][index[0]][index[1]] += h
    else:
        flat[field][index[0]] += h
    return TinyNet(tuple(tuple(r) for r in flat["w1"]), tuple(flat["b1"]), tuple(flat["w2"]), flat["b2"])


def test_tiny_net_reproduces_mazurs_worked_example():
    r = tiny_forward_backward(TINY_DEFAULT, TINY_X, TINY_TARGET, 0.5)
    assert r.hidden_pre.tolist() == pytest.approx([0.3775, 0.3925])
    assert r.hidden.tolist() == pytest.approx([0.593269992, 0.596884378], abs=1e-9)
    assert r.out == pytest.approx(0.75136507, abs=1e-8) and r.loss == pytest.approx(0.274811083, abs=1e-9)
    assert float(r.grads["w2"][0]) == pytest.approx(0.082167041, abs=1e-9)
    assert r.new_net.w2[0] == pytest.approx(0.35891648, abs=1e-8)


def test_tiny_net_grads_and_layer_grads_match_finite_differences_and_the_chain():
    net, x, target = TINY_DEFAULT, TINY_X, TINY_TARGET
    r = tiny_forward_backward(net, x, target, 0.5)
    assert r.grads["w1"].shape == (2, 2) and r.grads["b1"].shape == (2,) and r.grads["w2"].shape == (2,)
    assert r.grads["b2"].shape == ()
    loss = lambda field, index, h: _tiny_loss(_nudged(net, field, index, h), x, target)  # noqa: E731
    positions = {"w1": [(0, 0), (0, 1), (1, 0), (1, 1)], "b1": [(0,), (1,)], "w2": [(0,), (1,)], "b2": [()]}
    for field, indices in positions.items():
        for index in indices:
            fd = (loss(field, index, 1e-6) - loss(field, index, -1e-6)) / 2e-6
            assert float(r.grads[field][index]) == pytest.approx(fd, rel=1e-6), (field, index)
    d_out, d_hidden, d_pre = r.layer_grads
    h = r.hidden.tolist()
    assert float(d_out) == pytest.approx(r.out - target)
    delta = (r.out - target) * r.out * (1 - r.out)
    assert d_hidden.tolist() == pytest.approx([delta * w for w in net.w2])
    assert d_pre.tolist() == pytest.approx([delta * w * hi * (1 - hi) for w, hi in zip(net.w2, h, strict=True)])
    assert d_pre.tolist() == pytest.approx(r.grads["b1"].tolist())  # b1 adds straight into hidden_pre


def test_tiny_net_sgd_step_and_first_order_prediction():
    net, x, target = TINY_DEFAULT, TINY_X, TINY_TARGET
    errors = {}
    for lr in (0.1, 0.01):
        r = tiny_forward_backward(net, x, target, lr)
        assert r.new_net.b2 == pytest.approx(net.b2 - lr * float(r.grads["b2"]), rel=1e-14)
        assert r.new_net.w1[1][0] == pytest.approx(net.w1[1][0] - lr * float(r.grads["w1"][1, 0]), rel=1e-14)
        assert r.new_loss < r.loss and r.new_loss == pytest.approx(_tiny_loss(r.new_net, x, target), rel=1e-12)
        change = r.new_loss - r.loss
        assert r.predicted_change < 0 and abs(change - r.predicted_change) < 0.05 * abs(change)
        errors[lr] = abs(change - r.predicted_change)
    assert errors[0.01] / errors[0.1] < 0.03  # second-order error: 10x smaller lr, ~100x smaller error
    with pytest.raises(ValueError, match="Got"):
        tiny_forward_backward(net, x, float("nan"), 0.1)


# ---------------------------------------------------------------------------------------------- DOT


@pytest.mark.parametrize(("text", "values", "grads"), CASES, ids=CASE_IDS)
def test_dot_names_every_node_and_edge(text, values, grads):
    graph = trace(text, values, grads)
    for source in (graph_dot(graph), graph_dot(graph, step=0), graph_dot(graph, step=len(graph.steps) - 1)):
        assert source.startswith("digraph") and source.rstrip().endswith("}")
        assert source.count("{") == source.count("}") == 1
        assert source.replace('\\"', "").count('"') % 2 == 0
        for node in graph.nodes:
            assert re.search(rf"^  {node.id} \[", source, re.M), node.id
        for src, dst in graph.edges:
            assert f"  {src} -> {dst}" in source
    assert graph_dot(graph).count("grad = ") == sum(n.grad is not None for n in graph.nodes)


def test_dot_step_highlights_and_reveals_gradients_gradually():
    graph = trace(PRESETS["linear"].text, PRESETS["linear"].leaves, {"w", "b"})
    first = graph_dot(graph, step=0)
    assert first.count("grad = ") == 1 and 'peripheries="2"' in first
    assert re.search(rf'^  {graph.output} \[.*color="#d62728", penwidth="3"', first, re.M)
    step = graph.steps[2]  # "add" passes gradient to "mul" and to "b"
    source = graph_dot(graph, step=2)
    for src, _, _ in step.passed:
        assert re.search(rf'^  {src} -> {step.node} \[color="#d62728".*label="-1.5"\]', source, re.M)  # 2·(-0.75)
    assert source.count("grad = ") == 3
    assert graph_dot(graph, step=len(graph.steps) - 1).count("grad = ") == len(graph.steps)
    translated = graph_dot(graph, labels={"value": "值", "grad": "梯度"})
    assert "值 = " in translated and "梯度 = " in translated and "value = " not in translated
    for bad in (-1, len(graph.steps)):
        with pytest.raises(ValueError, match="Got"):
            graph_dot(graph, step=bad)


def test_dot_styles_and_compact_vectors():
    graph = trace("w*x + b", {"w": 2.0, "x": [float(i) for i in range(10)], "b": 1.0}, {"w"})
    source = graph_dot(graph)
    assert re.search(
        r'^  n0 \[label="w\\nvalue = 2", shape="ellipse", style="filled", fillcolor="#ffe08a"\]', source, re.M
    )
    assert re.search(r'^  n1 \[label="x\\nvalue = \[0, 1, 2, …, 9\] \(10\)", shape="ellipse".*#e6e6e6', source, re.M)
    assert re.search(r'^  n3 \[label="mul\\nMulBackward0\\n.*shape="box"', source, re.M)
    third = graph_dot(trace("x/3", {"x": 1.0}, {"x"}))  # 4 significant digits
    assert "value = 0.3333\\n" in third and 'grad = 0.3333"' in third and "0.33333" not in third


@pytest.mark.parametrize("name", ["loss", "out", "torch", "print", "sum", "leaf"])
def test_names_the_code_panel_needs_are_refused_as_leaves(name):
    with pytest.raises(ExpressionError) as info:
        leaf_names(f"w*{name} + 1")
    assert info.value.reason == "reserved" and info.value.detail == name and info.value.offset == 2
