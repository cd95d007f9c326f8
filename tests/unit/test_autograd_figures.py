"""components.figures.autograd.tiny_dot: the DOT shows the forward values and, stage by stage, the backward
gradients of the 2-2-1 sigmoid network; every number is checked against a plain-Python hand computation of
the chain rule (no torch), and the default weights against Matt Mazur's published worked example.
"""

from __future__ import annotations

import math
import re

import pytest

from components.compute.autograd_graph import PRESETS, trace
from components.compute.tiny_net import TINY_DEFAULT, TINY_LR, TINY_TARGET, TINY_X, TinyNet, tiny_forward_backward
from components.figures.autograd import graph_dot, tiny_dot

WORDS = {"grad": "grad", "loss": "loss", "target": "target"}
HOT, DONE = "#d62728", "#1f77b4"
FOUR_DIGITS = 5.01e-4  # largest relative error of a number printed with 4 significant digits
OTHER_NET = TinyNet(w1=((0.5, -1.25), (0.75, 2.0)), b1=(-0.3, 0.125), w2=(-1.5, 0.875), b2=0.2)
OTHER_X, OTHER_TARGET = (1.5, -0.5), 0.9


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def by_hand(net: TinyNet, x: tuple[float, float], target: float) -> dict:
    """Forward and backward of ``loss = ½(σ(v·σ(W x + b) + c) − target)²`` with the chain rule, in floats."""
    z = [net.w1[j][0] * x[0] + net.w1[j][1] * x[1] + net.b1[j] for j in range(2)]
    h = [sigmoid(v) for v in z]
    out = sigmoid(net.w2[0] * h[0] + net.w2[1] * h[1] + net.b2)
    loss = 0.5 * (out - target) ** 2
    d_out = out - target  # d loss / d out, out being the sigmoid's output
    delta = d_out * out * (1 - out)  # d loss / d (the output's pre-activation)
    d_h = [delta * net.w2[j] for j in range(2)]
    d_z = [d_h[j] * h[j] * (1 - h[j]) for j in range(2)]
    return {
        "z": z,
        "h": h,
        "out": out,
        "loss": loss,
        "d_out": d_out,
        "d_h": d_h,
        "d_z": d_z,
        "w1": [[d_z[j] * x[i] for i in range(2)] for j in range(2)],
        "b1": d_z,
        "w2": [delta * h[j] for j in range(2)],
        "b2": delta,
    }


def dot_for(net=TINY_DEFAULT, x=TINY_X, target=TINY_TARGET, stage=0, words=WORDS, font_size=12) -> str:
    result = tiny_forward_backward(net, x, target, TINY_LR)
    return tiny_dot(net, x, target, result, stage, words, font_size)


def nodes(dot: str) -> dict[str, tuple[list[str], str]]:
    """Node id -> (label lines, the attributes after the label)."""
    found = {}
    for m in re.finditer(r'^\s+(\w+) \[label="([^"]*)"(.*)\];$', dot, re.M):
        found[m.group(1)] = (m.group(2).split("\\n"), m.group(3))
    return found


def edges(dot: str) -> dict[tuple[str, str], tuple[list[str], str]]:
    """(tail, head) -> (label lines or [], the attributes)."""
    found = {}
    for m in re.finditer(r"^\s+(\w+) -> (\w+)( \[.*\])?;$", dot, re.M):
        attrs = m.group(3) or ""
        label = re.search(r'label="([^"]*)"', attrs)
        found[(m.group(1), m.group(2))] = (label.group(1).split("\\n") if label else [], attrs)
    return found


def number_after(lines: list[str], prefix: str) -> float:
    """The number at the end of the single line starting with ``prefix``."""
    (line,) = [s for s in lines if s.startswith(prefix)]
    return float(line.rsplit(" ", 1)[1])


WEIGHT_EDGES = {  # edge -> (its label's name, how to read the weight from a TinyNet)
    ("x0", "z0"): ("w11", lambda n: n.w1[0][0]),
    ("x1", "z0"): ("w12", lambda n: n.w1[0][1]),
    ("x0", "z1"): ("w21", lambda n: n.w1[1][0]),
    ("x1", "z1"): ("w22", lambda n: n.w1[1][1]),
    ("h0", "out"): ("v1", lambda n: n.w2[0]),
    ("h1", "out"): ("v2", lambda n: n.w2[1]),
}


def test_hand_computation_reproduces_mazurs_example():
    # Matt Mazur, "A Step by Step Backpropagation Example": out_h1, out_h2, out_o1 and dE/dw5 (our v1).
    hand = by_hand(TINY_DEFAULT, TINY_X, TINY_TARGET)
    assert hand["h"] == pytest.approx([0.593269992, 0.596884378], abs=1e-9)
    assert hand["out"] == pytest.approx(0.75136507, abs=1e-8)
    assert hand["loss"] == pytest.approx(0.274811083, abs=1e-9)
    assert hand["w2"][0] == pytest.approx(0.082167041, abs=1e-9)


def test_dot_is_syntactically_plausible():
    dot = dot_for(stage=4)
    assert dot.startswith("digraph tiny {") and dot.endswith("}")
    assert dot.count("{") == dot.count("}") == 1
    assert dot.count('"') % 2 == 0
    assert "rankdir=LR;" in dot
    found = edges(dot)
    assert dot.count("->") == len(found) == 4 + 2 + 2 + 1
    expected = {*WEIGHT_EDGES, ("z0", "h0"), ("z1", "h1"), ("out", "loss")}
    assert set(found) == expected
    assert set(nodes(dot)) == {"x0", "x1", "z0", "z1", "h0", "h1", "out", "loss"}
    for line in dot.splitlines()[1:-1]:
        assert line.rstrip().endswith(";"), line


@pytest.mark.parametrize("size", [12, 18, 27])
def test_font_size_is_respected(size):
    dot = dot_for(font_size=size)
    assert f'node [fontname="Helvetica", fontsize={size}];' in dot
    assert f'edge [fontname="Helvetica", fontsize={size}];' in dot
    assert len(re.findall(r"fontsize=(\d+)", dot)) == 2


@pytest.mark.parametrize(("net", "x", "target"), [(TINY_DEFAULT, TINY_X, TINY_TARGET), (OTHER_NET, OTHER_X, 0.9)])
def test_forward_values_by_hand(net, x, target):
    hand = by_hand(net, x, target)
    found = nodes(dot_for(net, x, target))
    for i in range(2):
        assert found[f"x{i}"][0] == [f"x{i + 1}", f"{x[i]:.4g}"]
    for j in range(2):
        assert number_after(found[f"z{j}"][0], f"z{j + 1} = ") == pytest.approx(hand["z"][j], rel=FOUR_DIGITS)
        assert found[f"z{j}"][0][1] == f"(b{j + 1} = {net.b1[j]:.4g})"
        assert number_after(found[f"h{j}"][0], f"h{j + 1} = ") == pytest.approx(hand["h"][j], rel=FOUR_DIGITS)
    assert number_after(found["out"][0], "out = ") == pytest.approx(hand["out"], rel=FOUR_DIGITS)
    assert found["out"][0][1] == f"(c = {net.b2:.4g})"
    loss_lines = found["loss"][0]
    assert float(loss_lines[1].removeprefix("= ")) == pytest.approx(hand["loss"], rel=FOUR_DIGITS)
    assert loss_lines[2] == f"(target = {target:.4g})"


@pytest.mark.parametrize(("net", "x"), [(TINY_DEFAULT, TINY_X), (OTHER_NET, OTHER_X)])
def test_every_weight_value_is_on_its_edge(net, x):
    found = edges(dot_for(net, x, 0.5))
    for edge, (name, weight) in WEIGHT_EDGES.items():
        lines, _ = found[edge]
        assert lines[0] == f"{name} = {weight(net):.4g}"
    # read back from the picture, the weights into z_j and the bias give the value shown in z_j
    shown = nodes(dot_for(net, x, 0.5))
    for j in range(2):
        into = [float(found[(f"x{i}", f"z{j}")][0][0].rsplit(" ", 1)[1]) for i in range(2)]
        z = into[0] * x[0] + into[1] * x[1] + net.b1[j]  # OTHER_NET's weights print exactly
        assert number_after(shown[f"z{j}"][0], f"z{j + 1} = ") == pytest.approx(z, rel=FOUR_DIGITS)


def test_stage_zero_shows_no_gradient_and_no_highlight():
    dot = dot_for(stage=0)
    assert "grad" not in dot
    assert HOT not in dot and DONE not in dot


NODES_OF_LEVEL = {1: {"out"}, 2: {"h0", "h1"}, 3: {"z0", "z1"}}


@pytest.mark.parametrize("stage", [0, 1, 2, 3, 4])
def test_each_stage_reveals_exactly_its_layers(stage):
    found = nodes(dot_for(stage=stage))
    with_grad = {n for n, (lines, _) in found.items() if any(s.startswith("grad") for s in lines)}
    assert with_grad == set().union(*(NODES_OF_LEVEL[k] for k in range(1, min(stage, 3) + 1)))
    hot = {n for n, (_, attrs) in found.items() if f'color="{HOT}"' in attrs}
    done = {n for n, (_, attrs) in found.items() if f'color="{DONE}"' in attrs}
    assert hot == NODES_OF_LEVEL.get(stage, set())
    assert done == set().union(*(NODES_OF_LEVEL[k] for k in range(1, min(stage - 1, 3) + 1)))
    for n in hot:
        assert 'penwidth="3"' in found[n][1]
    weight_grads = {e for e, (lines, _) in edges(dot_for(stage=stage)).items() if any("grad" in s for s in lines)}
    assert weight_grads == (set(WEIGHT_EDGES) if stage == 4 else set())


@pytest.mark.parametrize(("net", "x", "target"), [(TINY_DEFAULT, TINY_X, TINY_TARGET), (OTHER_NET, OTHER_X, 0.9)])
def test_layer_gradients_by_hand(net, x, target):
    hand = by_hand(net, x, target)
    found = nodes(dot_for(net, x, target, stage=3))
    assert number_after(found["out"][0], "grad = ") == pytest.approx(hand["d_out"], rel=FOUR_DIGITS)
    for j in range(2):
        assert number_after(found[f"h{j}"][0], "grad = ") == pytest.approx(hand["d_h"][j], rel=FOUR_DIGITS)
        assert number_after(found[f"z{j}"][0], "grad = ") == pytest.approx(hand["d_z"][j], rel=FOUR_DIGITS)


def test_output_gradient_is_with_respect_to_the_sigmoid_output():
    # d loss / d out = out − target = 0.74136507 for Mazur's example, not (out − target)·out·(1 − out)
    found = nodes(dot_for(stage=1))
    assert number_after(found["out"][0], "grad = ") == pytest.approx(0.74136507, rel=FOUR_DIGITS)


@pytest.mark.parametrize(("net", "x", "target"), [(TINY_DEFAULT, TINY_X, TINY_TARGET), (OTHER_NET, OTHER_X, 0.9)])
def test_stage_four_every_weight_edge_shows_its_gradient(net, x, target):
    hand = by_hand(net, x, target)
    found = edges(dot_for(net, x, target, stage=4))
    expected = {
        ("x0", "z0"): hand["w1"][0][0],
        ("x1", "z0"): hand["w1"][0][1],
        ("x0", "z1"): hand["w1"][1][0],
        ("x1", "z1"): hand["w1"][1][1],
        ("h0", "out"): hand["w2"][0],
        ("h1", "out"): hand["w2"][1],
    }
    for edge, grad in expected.items():
        lines, attrs = found[edge]
        assert len(lines) == 2 and lines[1].startswith("grad ")
        assert float(lines[1].removeprefix("grad ")) == pytest.approx(grad, rel=FOUR_DIGITS), edge
        assert f'color="{HOT}"' in attrs and f'fontcolor="{HOT}"' in attrs
    for edge in (("z0", "h0"), ("z1", "h1"), ("out", "loss")):
        assert found[edge] == ([], "")  # not weights: no label, no colour


def test_translated_words():
    words = {"grad": "梯度", "loss": "损失", "target": "目标"}
    dot = dot_for(stage=4, words=words)
    assert "grad" not in dot
    assert dot.count("梯度") == 5 + 6  # out, h1, h2, z1, z2 and the six weight edges
    loss_lines = nodes(dot)["loss"][0]
    assert loss_lines[0] == "损失 = ½(out − 目标)²" and loss_lines[2].startswith("(目标 = ")


def test_graphs_can_run_top_to_bottom_for_a_projector():
    """Top to bottom is narrow: the graph need not shrink to fit a 1024 px projector, so its text stays large."""
    preset = PRESETS["linear"]
    graph = trace(preset.text, preset.leaves, set(preset.requires_grad))
    assert "rankdir=LR;" in graph_dot(graph) and "rankdir=TB;" in graph_dot(graph, rankdir="TB", font_size=21)
    assert "fontsize=21" in graph_dot(graph, rankdir="TB", font_size=21)
    r = tiny_forward_backward(TINY_DEFAULT, TINY_X, TINY_TARGET, TINY_LR)
    words = {"grad": "grad", "loss": "loss", "target": "target"}
    assert "rankdir=TB;" in tiny_dot(TINY_DEFAULT, TINY_X, TINY_TARGET, r, 4, words, 21, "TB")


def test_numbers_in_graphs_never_show_a_negative_zero():
    graph = trace("w*x", {"w": -1.0, "x": 0.0}, {"w", "x"})  # w.grad = x = 0, the product is -0.0
    assert float(graph.node(graph.output).value) == 0 and str(float(graph.node(graph.output).value)) == "-0.0"
    dot = graph_dot(graph)
    assert "value = 0" in dot and not re.search(r"= -0(?![.\d])", dot)
