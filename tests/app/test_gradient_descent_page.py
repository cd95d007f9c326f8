"""The Gradient descent page through AppTest: defaults, extremes, typed surfaces, a simulated click."""

from __future__ import annotations

import json

import pytest

from components.compute.descent import SURFACES, RunSpec, bowl_function, descend
from components.ui.gradient_descent.controls import snap
from tests.app.conftest import figure, ok, open_page
from tests.markdown_tables import read_tables


def table(at) -> list[dict]:
    assert not at.dataframe and not at.table  # a table of text, which the projector CSS can size
    (rows,) = read_tables(at)
    return rows


def test_defaults_render_two_runs():
    at = open_page("gradient-descent".replace("-", "_"))
    ok(at)
    rows = table(at)
    assert [r["Run"] for r in rows] == ["1: SGD, lr 0.001", "2: SGD + momentum, lr 0.001"]
    assert len(at.session_state["gd_paths"]) == 2


def test_large_learning_rate_diverges_with_a_message():
    at = open_page("gradient_descent", gd_surface="bowl", gd_lr="10", gd_steps="500", gd_runs="1")
    ok(at)
    path = at.session_state["gd_paths"][0]
    assert path.diverged_at is not None
    assert any("diverged at step" in w.value for w in at.warning)
    assert "diverged at step" in table(at)[0]["Result"]


def test_four_runs_and_every_surface():
    for surface in ("bowl", "rosenbrock", "himmelblau", "saddle", "beale", "camel"):
        at = open_page("gradient_descent", gd_surface=surface, gd_runs="4", gd_steps="300")
        ok(at)
        assert len(table(at)) == 4


def test_typed_surface_syntax_error_and_singularity():
    at = open_page("gradient_descent", gd_surface="custom", gd_text="x**2 +")
    ok(at)
    assert any("ends too early" in e.value for e in at.error)
    at = open_page("gradient_descent", gd_surface="custom", gd_text="2x + y", gd_x0="0", gd_y0="1")
    assert any("2*x" in e.value and "2x" in e.value for e in at.error)
    at = open_page("gradient_descent", gd_surface="custom", gd_text="1/x + y**2", gd_x0="0", gd_y0="1")
    ok(at)
    assert at.session_state["gd_paths"][0].diverged_at == 0
    assert table(at)[0]["Result"] == "f is not defined at the start"
    assert any("not a finite number at the start point" in w.value for w in at.warning)


def test_diverged_runs_and_surfaces_without_minimum_say_so():
    at = open_page("gradient_descent", gd_surface="bowl", gd_lr="10", gd_runs="1")
    row = table(at)[0]
    assert row["Final loss"] == "—" and row["Result"].startswith("diverged at step")
    at = open_page("gradient_descent", gd_surface="saddle", gd_runs="1", gd_steps="30", gd_lr="0.01")
    assert table(at)[0]["Result"] == "still going down: this surface has no minimum to reach"


def test_the_click_listener_knows_the_charts_exact_ranges():
    """The browser converts a click with these ranges (tests/browser checks real clicks); the start marker is drawn."""
    at = open_page("gradient_descent", gd_surface="himmelblau", gd_x0="1.73", gd_y0="0.11")
    ok(at)
    (listener,) = [e for e in at.get("bidi_component") if e.proto.component_name == "ml_playground_plot_click"]
    assert json.loads(listener.proto.json) == {
        "chart": "gd_pick",
        "target": '.st-key-gd_pick .nsewdrag[data-subplot="xy"]',
        "x": [-5.0, 5.0],
        "y": [-5.0, 5.0],
    }
    spec = figure(at)
    assert spec["data"][0]["x"] == [1.73] and spec["data"][0]["y"] == [0.11]
    assert not any(len(d.get("x", [])) > 400 for d in spec["data"][:2])  # no click grid


@pytest.mark.parametrize(
    ("clicked", "start"),
    [((1.7300000001, 0.1099999), (1.73, 0.11)), ((-2.004, 3.2), (-2.0, 3.0)), ((0.0049, -0.0049), (0.0, -0.0))],
)
def test_a_click_snaps_to_the_sliders_step_inside_the_region(clicked, start):
    assert snap(*clicked, ((-2.0, 2.0), (-1.0, 3.0))) == start
    assert str(snap(0.001, -0.001, ((-2.0, 2.0), (-1.0, 3.0)))) == "(0.0, 0.0)"  # no -0.0 in the link


def test_step_slider_cuts_the_drawn_path():
    at = open_page("gradient_descent", gd_step="10")
    ok(at)
    spec = figure(at)
    first_run = spec["data"][2]
    assert len(first_run["x"]) == 11


def test_chinese():
    at = open_page("gradient_descent", lang="zh")
    ok(at)
    assert at.title[0].value == "梯度下降"


def test_a_new_surface_starts_from_its_own_start_point():
    at = open_page("gradient_descent")
    at.selectbox(key="gd_surface").set_value("himmelblau").run()
    ok(at)
    path = at.session_state["gd_paths"][0]
    assert (float(path.xs[0]), float(path.ys[0])) == SURFACES["himmelblau"].start
    assert not at.warning  # no "value set via Session State API" complaint


def test_a_link_to_a_surface_starts_from_its_start_unless_the_link_says_otherwise():
    at = open_page("gradient_descent", gd_surface="beale")
    path = at.session_state["gd_paths"][0]
    assert (float(path.xs[0]), float(path.ys[0])) == SURFACES["beale"].start
    at = open_page("gradient_descent", gd_surface="beale", gd_x0="2.5", gd_y0="-1")
    path = at.session_state["gd_paths"][0]
    assert (float(path.xs[0]), float(path.ys[0])) == (2.5, -1.0)


@pytest.mark.parametrize("spelling", ["0.1", "1e-1", ".1", "0.10", "1E-1"])
def test_a_hand_typed_learning_rate_in_any_spelling(spelling):
    at = open_page("gradient_descent", gd_lr=spelling, gd_runs="1")
    ok(at)
    assert at.select_slider(key="gd_lr").value == 0.1
    assert at.query_params["gd_lr"] == "0.1"  # rewritten to the option's own spelling
    assert not at.info  # nothing was replaced


def test_an_invalid_learning_rate_falls_back_and_says_so():
    at = open_page("gradient_descent", gd_lr="0.7", gd_runs="1")
    ok(at)
    assert at.select_slider(key="gd_lr").value == 0.001
    assert any("gd\\_lr" in i.value or "gd_lr" in i.value for i in at.info)


def test_momentum_knobs_are_in_the_link():
    query = {"gd_surface": "bowl", "gd_runs": "2", "gd_optimizer2": "nesterov", "gd_lr2": "0.02"}
    at = open_page("gradient_descent", **query, gd_knob2_momentum="0.5")
    ok(at)
    assert at.slider(key="gd_knob2_momentum").value == 0.5
    path = at.session_state["gd_paths"][1]
    expected = descend(bowl_function(10.0, 0), SURFACES["bowl"].start, RunSpec("nesterov", 0.02, 0.5, 300),
                       (SURFACES["bowl"].x_range, SURFACES["bowl"].y_range))  # fmt: skip
    assert path.xs.tolist() == pytest.approx(expected.xs.tolist())
    assert at.slider(key="gd_knob2_momentum").proto.query_param_key == "gd_knob2_momentum"  # bound: in the link
    at = open_page("gradient_descent", **query)
    assert at.slider(key="gd_knob2_momentum").value == 0.9 and "gd_knob2_momentum" not in at.query_params


def test_sgd_at_two_over_lambda_max_says_it_will_never_converge():
    """Bowl with condition 10 (λmax = 10), SGD with η = 0.2 = 2/λmax: |1 − η·λ| = 1, it bounces forever."""
    at = open_page("gradient_descent", gd_surface="bowl", gd_runs="1", gd_lr="0.2", gd_steps="500")
    ok(at)
    assert table(at)[0]["Result"].startswith("never converges")
    (note,) = [w.value for w in at.warning]
    assert "1 − 0.2·10 = -1" in note and "|1 − η·λ| = 1" in note and "2/λ = 0.2" in note
    at = open_page("gradient_descent", gd_surface="bowl", gd_runs="1", gd_lr="0.1", gd_steps="500")
    assert table(at)[0]["Result"].startswith("reached a minimum") and not at.warning
    at = open_page("gradient_descent", gd_surface="bowl", gd_runs="1", gd_lr="0.5")
    assert table(at)[0]["Result"].startswith("diverged at step")
    assert "|1 − η·λ| = 4 > 1" in at.warning[0].value


def test_switches_carry_no_help_tooltip():
    """Tapping a "?" next to a switch on a whiteboard flips the switch: the help is a caption instead."""
    at = open_page("gradient_descent")
    mine = [w for w in [*at.toggle, *at.checkbox] if str(w.key).startswith("gd_")]
    assert mine and all(not w.help for w in mine)
    assert any("narrow valleys" in c.value for c in at.caption)


def test_reset_puts_learning_rates_and_knobs_back():
    at = open_page("gradient_descent", gd_lr="0.1", gd_optimizer="momentum", gd_knob_momentum="0.5")
    at.button(key="gd_reset").click().run()
    ok(at)
    # the open code panel stays open: not a page setting
    assert at.select_slider(key="gd_lr").value == 0.001 and dict(at.query_params) == {"code": "true"}
    at.selectbox(key="gd_optimizer").set_value("momentum").run()
    assert at.slider(key="gd_knob_momentum").value == 0.9
