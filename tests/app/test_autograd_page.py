"""The Autograd page through AppTest: presets, stepping, hostile formulas, the errors lab, the tiny net, 中文."""

from __future__ import annotations

import pytest

from components.compute.autograd_graph import PRESETS
from components.ui.autograd import formula_tag
from tests.app.conftest import ok, open_page


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
    at.session_state["ag_view"] = "Backprop through a tiny network"
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
