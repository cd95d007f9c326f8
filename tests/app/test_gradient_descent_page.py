"""The Gradient descent page through AppTest: defaults, extremes, typed surfaces, a simulated click."""

from __future__ import annotations

import json

import pytest

from components.compute.descent import SURFACES
from tests.app.conftest import ok, open_page


def table(at) -> list[dict]:
    return at.dataframe[0].value.to_dict("records")


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
    assert any("write 2*x" in e.value for e in at.error)
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


def test_a_click_on_the_contour_moves_the_start():
    at = open_page("gradient_descent")
    at.session_state["gd_pick"] = {"selection": {"points": [{"x": 0.5, "y": 2.0}]}}
    at.run()
    ok(at)
    path = at.session_state["gd_paths"][0]
    assert (float(path.xs[0]), float(path.ys[0])) == pytest.approx((0.5, 2.0))
    assert at.slider(key="gd_x0").value == pytest.approx(0.5)


def test_step_slider_cuts_the_drawn_path():
    at = open_page("gradient_descent", gd_step="10")
    ok(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
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
