"""The Autograd page through AppTest: presets, stepping, hostile formulas, the errors lab, the tiny net, 中文."""

from __future__ import annotations

import math
import re

import pytest

from components.compute.autograd_graph import PRESETS
from components.ui.autograd.views import formula_tag
from tests.app.conftest import ok, open_page
from tests.markdown_tables import read_tables


def dot(at) -> str:
    return at.get("graphviz_chart")[0].proto.spec


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_draws_its_graph_and_gradients(preset):
    at = open_page("autograd", ag_preset=preset)
    ok(at)
    graph = at.session_state["ag_graph"]
    assert dot(at).startswith("digraph") and len(graph.steps) > 0
    shown = {m.label: m.value for m in at.metric}
    for name in PRESETS[preset].requires_grad:
        leaf = next(n for n in graph.nodes if n.kind == "leaf" and n.label == name)
        assert float(shown[f"∂loss/∂{name}"]) == pytest.approx(leaf.grad.item(), rel=1e-4)


def test_stepping_reveals_gradients_node_by_node():
    at = open_page("autograd")
    assert "grad =" not in dot(at)  # step 0: the forward pass only
    at.slider(key=f"ag_step_{formula_tag(PRESETS['linear'].text)}").set_value(2).run()
    ok(at)
    assert dot(at).count("grad =") == 2 and "#d62728" in dot(at)
    assert any("upstream" in str(m.value) for m in at.markdown)


@pytest.mark.parametrize(
    "text", ["__import__('os')", "w**", "x.__class__", "1/x", "a+b+c+d+e+f+g+h+i", "2 + 3", "", "sqrt(-w)"]
)
def test_typed_formulas_never_crash(text):
    at = open_page("autograd", ag_preset="custom", ag_text=text)
    ok(at)
    assert dot(at).startswith("digraph")


def test_errors_lab_shows_the_real_error_and_three_fixes():
    at = open_page("autograd")
    at.session_state["ag_view"] = "Why backward needs a scalar"
    at.run()
    ok(at)
    assert not at.error  # nothing is run before the button is pressed
    at.button(key="ag_backward").click().run()
    ok(at)
    assert any("grad can be implicitly created only for scalar outputs" in e.value for e in at.error)
    fixes = at.session_state["ag_fixes"]
    assert torch_equal(fixes["mean"]["w"] * 3, fixes["sum"]["w"]) and torch_equal(fixes["ones"]["w"], fixes["sum"]["w"])
    plain = at.session_state["ag_accumulated"]
    assert torch_equal(plain[1]["w"], 2 * plain[0]["w"])


def torch_equal(a, b) -> bool:
    return bool((a - b).abs().max() < 1e-12)


def test_tiny_network_step_lowers_the_loss():
    at = open_page("autograd", ag_stage="4")
    at.session_state["ag_view"] = "Backprop in a tiny network"
    at.run()
    ok(at)
    r = at.session_state["ag_tiny"]
    assert r.new_loss < r.loss
    assert "grad" in at.get("graphviz_chart")[0].proto.spec


def test_chinese():
    at = open_page("autograd", lang="zh")
    ok(at)
    assert at.title[0].value == "计算图与反向传播"


def test_a_new_formula_starts_from_its_own_values_and_step_zero():
    """Widgets are keyed by formula: a browser would otherwise keep showing the previous formula's values."""
    at = open_page("autograd")
    at.slider(key=f"ag_step_{formula_tag(PRESETS['linear'].text)}").set_value(6).run()
    at.selectbox(key="ag_preset").set_value("softmax_ce").run()
    ok(at)
    tag = formula_tag(PRESETS["softmax_ce"].text)
    assert at.number_input(key=f"ag_v_x_{tag}").value == PRESETS["softmax_ce"].leaves["x"] == 2.0
    assert at.slider(key=f"ag_step_{tag}").value == 0


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def neuron_grad_w(w: float, x: float = 1.5, b: float = -0.5, y: float = 1.0) -> float:
    s = sigmoid(w * x + b)
    return 2 * (s - y) * s * (1 - s) * x


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_link_restores_the_leaf_values():
    """Reopening a link with w = 2.5 showed the default's ∂loss/∂w = −0.2207 instead of −0.0040."""
    at = open_page("autograd", ag_preset="neuron", ag_v_w="2.5")
    ok(at)
    assert float(metrics(at)["∂loss/∂w"]) == pytest.approx(neuron_grad_w(2.5), rel=1e-4)
    assert metrics(at)["∂loss/∂w"].startswith("-0.0040")
    tag = formula_tag(PRESETS["neuron"].text)
    assert at.number_input(key=f"ag_v_w_{tag}").value == 2.5
    assert at.query_params["ag_v_w"] == "2.5"


def test_a_link_restores_requires_grad_switches_and_the_backward_step():
    at = open_page("autograd", ag_preset="neuron", ag_g_x="1", ag_g_b="0", ag_step="3", ag_v_x="2e0")
    ok(at)
    shown = metrics(at)
    assert set(shown) == {"∂loss/∂w", "∂loss/∂x"}  # x requires grad, b does not
    assert float(shown["∂loss/∂w"]) == pytest.approx(neuron_grad_w(0.8, x=2.0), rel=1e-4)
    tag = formula_tag(PRESETS["neuron"].text)
    assert at.slider(key=f"ag_step_{tag}").value == 3
    assert any("Backward step 3 of" in str(m.value) for m in at.markdown)
    assert not at.info  # every value was valid


def test_changes_go_into_the_link_and_a_new_formula_drops_them():
    at = open_page("autograd")
    tag = formula_tag(PRESETS["linear"].text)
    at.number_input(key=f"ag_v_w_{tag}").set_value(1.25).run()
    at.checkbox(key=f"ag_g_x_{tag}").check().run()
    at.slider(key=f"ag_step_{tag}").set_value(2).run()
    assert {k: at.query_params[k] for k in ("ag_v_w", "ag_g_x", "ag_step")} == {
        "ag_v_w": "1.25",
        "ag_g_x": "1",
        "ag_step": "2",
    }
    at.number_input(key=f"ag_v_w_{tag}").set_value(PRESETS["linear"].leaves["w"]).run()
    assert "ag_v_w" not in at.query_params  # back at the default: out of the link
    at.selectbox(key="ag_preset").set_value("neuron").run()
    ok(at)
    assert not [k for k in at.query_params if k.startswith(("ag_v_", "ag_g_", "ag_step"))]
    assert float(metrics(at)["∂loss/∂w"]) == pytest.approx(neuron_grad_w(0.8), rel=1e-4)  # the new defaults


def test_invalid_or_foreign_leaf_values_fall_back_and_say_so():
    at = open_page("autograd", ag_preset="neuron", ag_v_w="abc", ag_v_zz="3", ag_g_b="maybe", ag_step="99")
    ok(at)
    (notice,) = [i.value for i in at.info]
    for name in ("ag_v_w", "ag_v_zz", "ag_g_b", "ag_step"):
        assert name.replace("_", "\\_") in notice or name in notice
    assert float(metrics(at)["∂loss/∂w"]) == pytest.approx(neuron_grad_w(0.8), rel=1e-4)
    assert not [k for k in at.query_params if k.startswith(("ag_v_", "ag_g_", "ag_step"))]


def test_results_are_static_tables_with_short_numbers():
    at = open_page("autograd", ag_view="errors", ag_vector_leaf="x", ag_vector="1, 2, 3")
    at.button(key="ag_backward").click().run()
    ok(at)
    at_tiny = open_page("autograd", ag_view="tiny")
    ok(at_tiny)
    tables, tiny = read_tables(at), read_tables(at_tiny)
    assert not at.dataframe and not at_tiny.dataframe and len(tables) == 2 and len(tiny) == 1
    cells = [v for tb in tables + tiny for row in tb for v in row.values()]
    numbers = [n for c in cells for n in re.findall(r"-?\d+\.\d+", c)]
    assert numbers and all(len(n.lstrip("-").replace(".", "").lstrip("0")) <= 5 for n in numbers), numbers
    assert not [c for c in cells if re.search(r"(^|[^\d.])-0(\.0*)?($|[^\d.])", c)]  # no negative zero


def test_default_linear_values_show_the_multiplication_of_the_chain_rule():
    at = open_page("autograd")
    tag = formula_tag(PRESETS["linear"].text)
    at.slider(key=f"ag_step_{tag}").set_value(5).run()  # the mul node: upstream × local = passed
    ok(at)
    step = "\n".join(str(m.value) for m in at.markdown)
    assert "| w | -1.5 | 3 | **-4.5** |" in step
    assert metrics(at) == {"∂loss/∂w": "-4.5", "∂loss/∂b": "-1.5"}


def test_reset_gives_the_leaves_fresh_widgets_with_their_defaults():
    """A browser keeps showing a widget's dropped value: after a reset the leaves get new keys (and defaults)."""
    at = open_page("autograd", ag_preset="neuron", ag_v_w="2.5", ag_step="2")
    before = {n.key for n in at.number_input}
    at.button(key="ag_reset").click().run()
    ok(at)
    after = {n.key for n in at.number_input}
    assert before.isdisjoint(after) and metrics(at) == {"∂loss/∂w": "-4.5", "∂loss/∂b": "-1.5"}
    assert not [k for k in at.query_params if k.startswith(("ag_v_", "ag_g_", "ag_step"))]


@pytest.mark.parametrize("view", ["graph", "errors", "tiny"])
def test_switches_carry_no_help_tooltip(view):
    """Tapping a "?" next to a switch on a whiteboard flips it."""
    at = open_page("autograd", ag_view=view)
    ok(at)
    mine = [w for w in [*at.toggle, *at.checkbox] if str(w.key).startswith("ag_")]
    assert all(not w.help for w in mine)
