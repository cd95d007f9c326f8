"""The Derivatives page through AppTest: renders, reacts, refuses bad formulas without crashing."""

from __future__ import annotations

import json
import math

import pytest

from tests.app.conftest import metric, open_page


def ok(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


def test_defaults_render_with_the_right_numbers():
    at = open_page("derivatives")
    ok(at)
    # x³ − 3x at 1.5: f = -1.125, f' = 3.75; step 0.5: Δy = f(2) - f(1.5) = 3.125
    assert metric(at, "f(x₀)") == "-1.125"
    assert metric(at, "f′(x₀) (autograd)") == "3.75"
    assert metric(at, "Δy = f(x₀+Δx) − f(x₀)") == "3.125"
    assert metric(at, "dy = f′(x₀)·Δx") == "1.875"


def test_smaller_step_shrinks_the_gap():
    at = open_page("derivatives")
    big = float(metric(at, "|Δy − dy|"))
    at.select_slider(key="deriv_dx").set_value(0.01).run()
    ok(at)
    assert float(metric(at, "|Δy − dy|")) < big / 100


def test_kink_is_said():
    at = open_page("derivatives", deriv_f1="abs", deriv_x0="0")
    ok(at)
    assert any("not differentiable" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x +", "ends too early"),
        ("2x", "write 2*x"),
        ("__import__('os')", "__import__"),
        ("z**2", "Unknown name"),
        ("9**9**9", "too big"),
    ],
)
def test_bad_formula_keeps_the_last_good_one(text, message):
    at = open_page("derivatives", deriv_f1="custom")
    at.text_input(key="deriv_f1_text").set_value("x**2").run()
    assert metric(at, "f′(x₀) (autograd)") == "3"
    at.text_input(key="deriv_f1_text").set_value(text).run()
    ok(at)
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert metric(at, "f′(x₀) (autograd)") == "3"  # still x²


def test_singularity_does_not_crash():
    at = open_page("derivatives", deriv_f1="custom", deriv_f1_text="1/x", deriv_x0="0")
    ok(at)
    assert metric(at, "f(x₀)") in ("inf", "nan")


def test_extremes():
    at = open_page("derivatives", deriv_f1="exp", deriv_x0="3", deriv_dx="2")
    ok(at)
    assert float(metric(at, "f(x₀)")) == pytest.approx(20.086, rel=1e-3)


def open_2d(**query):
    """The two-variable tab (lazy tabs: choose it through session state, as a click would)."""
    at = open_page("derivatives", **query)
    at.session_state["deriv_view"] = "Two variables: partial derivatives & gradient"
    at.run()
    ok(at)
    return at


def test_gradient_tab_numbers():
    at = open_2d()
    # x² + 3 sin y at (1, 0.5): ∂f/∂x = 2, ∂f/∂y = 3 cos 0.5
    assert metric(at, "∂f/∂x") == "2"
    assert float(metric(at, "∂f/∂y")) == pytest.approx(3 * math.cos(0.5), abs=1e-3)
    d = float(metric(at, "Directional derivative ∇f·u"))
    assert d == pytest.approx((2 + 3 * math.cos(0.5)) / math.sqrt(2), abs=1e-3)  # θ = 45°


def test_gradient_tab_with_field_and_extremes():
    at = open_2d(deriv_f2="himmelblau", deriv_px="5", deriv_py="-5", deriv_field="true", deriv_theta="-180")
    assert metric(at, "∂f/∂x") != ""
    charts = at.get("plotly_chart")
    assert len(charts) == 3


def test_gradient_tab_bad_formula_and_singularity():
    at = open_2d(deriv_f2="custom", deriv_f2_text="1/(x*y)", deriv_px="0", deriv_py="0")
    assert metric(at, "∂f/∂x") in ("nan", "-inf", "inf")
    at.text_input(key="deriv_f2_text").set_value("x.__class__").run()
    ok(at)
    assert any("not allowed" in e.value for e in at.error)


def test_chinese():
    at = open_page("derivatives", lang="zh")
    ok(at)
    assert at.title[0].value == "导数与梯度"


def test_zoom_keeps_the_numbers_and_narrows_the_picture():
    at = open_page("derivatives", deriv_zoom="true", deriv_dx="0.01")
    ok(at)
    assert metric(at, "f′(x₀) (autograd)") == "3.75"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    lo, hi = spec["layout"]["xaxis"]["range"]
    assert lo == pytest.approx(1.47) and hi == pytest.approx(1.53)
