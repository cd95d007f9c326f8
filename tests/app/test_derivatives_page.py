"""The Derivatives page through AppTest: renders, reacts, refuses bad formulas without crashing."""

from __future__ import annotations

import math

import pytest

from tests.app.conftest import charts, figure, metric, ok, open_page


def test_defaults_render_with_the_right_numbers():
    at = open_page("derivatives")
    ok(at)
    # x³ − 3x at 1.5: f = -1.125, f' = 3.75; step 0.5: Δy = f(2) - f(1.5) = 3.125
    assert metric(at, "f(x₀)") == "-1.125"
    assert metric(at, "f′(x₀) (autograd)") == "3.75"
    assert metric(at, "Δy (true change)") == "3.125"
    assert metric(at, "dy (differential)") == "1.875"


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
        ("2x", "2*x"),
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


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_singularity_does_not_crash():
    at = open_page("derivatives", deriv_f1="custom", deriv_f1_text="1/x", deriv_x0="0")
    ok(at)
    assert metric(at, "f(x₀)") in ("inf", "nan")


@pytest.mark.parametrize(
    ("lang", "text", "said", "not_said"),
    [
        ("en", "1/x", ["f is not defined at x = 0", "evaluates to inf", "no derivative"], ["kink", "subgradient"]),
        ("zh", "1/x", ["f 在 x = 0 处没有定义", "inf"], ["次梯度", "不可导"]),
        (
            "en",
            "sqrt(x)",
            ["f has no derivative at x = 0", "not defined just left of x₀", "vertical tangent", "returns inf"],
            ["subgradient", "nan", "1e+03"],
        ),
        ("zh", "sqrt(x)", ["f 在 x = 0 处没有导数", "左侧紧邻处没有定义", "切线是竖直的"], ["次梯度", "nan"]),
    ],
)
def test_undefined_points_are_said_as_such(lang, text, said, not_said):
    at = open_page("derivatives", lang=lang, deriv_f1="custom", deriv_f1_text=text, deriv_x0="0")
    ok(at)
    (warning,) = warnings(at)
    assert all(s in warning for s in said), warning
    assert not any(s in warning for s in not_said), warning


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "slope from the left is -1, from the right 1"), ("zh", "左侧斜率为 -1")]
)
def test_kink_message_keeps_its_one_sided_slopes(lang, said):
    at = open_page("derivatives", lang=lang, deriv_f1="abs", deriv_x0="0")
    ok(at)
    (warning,) = warnings(at)
    assert said in warning


def test_relu_kink_says_zero_not_minus_zero():
    at = open_page("derivatives", deriv_f1="relu", deriv_x0="0")
    (warning,) = warnings(at)
    assert "from the left is 0," in warning


def test_autograd_nan_is_explained():
    at = open_page("derivatives", deriv_f1="custom", deriv_f1_text="x*sqrt(x**2)", deriv_x0="0")
    ok(at)
    (warning,) = warnings(at)
    assert "Autograd returns nan at x = 0" in warning


def test_smooth_point_has_no_warning():
    at = open_page("derivatives", deriv_f1="custom", deriv_f1_text="1/x", deriv_x0="0.5")
    ok(at)
    assert warnings(at) == []
    assert float(metric(at, "f′(x₀) (autograd)")) == pytest.approx(-4.0)  # -1/x² at 0.5


def test_step_slider_runs_from_small_to_large_and_links_still_work():
    at = open_page("derivatives", deriv_dx="0.001")
    ok(at)
    slider = at.select_slider(key="deriv_dx")
    values = [float(v) for v in slider.options]
    assert values == sorted(values) and values[0] == 0.001 and values[-1] == 2.0
    assert slider.value == 0.001
    # x³ − 3x at 1.5, step 0.001: Δy/Δx = 3x² − 3 + 3x·Δx + Δx² = 3.75 + 0.0045 + 0.000001
    assert float(metric(at, "Δy/Δx (secant)")) == pytest.approx(3.754501, rel=1e-6)


def test_secant_slope_metric():
    at = open_page("derivatives")
    assert metric(at, "Δy/Δx (secant)") == "6.25"  # (f(2) − f(1.5)) / 0.5 = (2 + 1.125) / 0.5


def test_extremes():
    at = open_page("derivatives", deriv_f1="exp", deriv_x0="3", deriv_dx="2")
    ok(at)
    assert float(metric(at, "f(x₀)")) == pytest.approx(20.086, rel=1e-3)


def open_2d(**query):
    """The two-variable tab (lazy tabs: choose it through session state, as a click would)."""
    at = open_page("derivatives", **query)
    at.session_state["deriv_view"] = "f(x, y): partial derivatives & gradient"
    at.run()
    ok(at)
    return at


def test_gradient_tab_numbers():
    at = open_2d()
    # x² + 3 sin y at (1, 0.5): ∂f/∂x = 2, ∂f/∂y = 3 cos 0.5
    assert metric(at, "∂f/∂x") == "2"
    assert float(metric(at, "∂f/∂y")) == pytest.approx(3 * math.cos(0.5), abs=1e-3)
    d = float(metric(at, "∇f·u"))
    assert d == pytest.approx((2 + 3 * math.cos(0.5)) / math.sqrt(2), abs=1e-3)  # θ = 45°


def test_gradient_tab_with_field_and_extremes():
    at = open_2d(deriv_f2="himmelblau", deriv_px="5", deriv_py="-5", deriv_field="true", deriv_theta="-180")
    assert metric(at, "∂f/∂x") != ""
    assert len(charts(at)) == 3


def test_gradient_tab_bad_formula_and_singularity():
    at = open_2d(deriv_f2="custom", deriv_f2_text="1/(x*y)", deriv_px="0", deriv_py="0")
    assert metric(at, "∂f/∂x") in ("nan", "-inf", "inf")
    at.text_input(key="deriv_f2_text").set_value("x.__class__").run()
    ok(at)
    assert any("not allowed" in e.value for e in at.error)


@pytest.mark.parametrize(
    ("lang", "text", "said"),
    [
        ("en", "1/(x*y)", "f is not defined at (0, 0): it evaluates to inf there"),
        ("zh", "1/(x*y)", "f 在 (0, 0) 处没有定义"),
        ("en", "sqrt(x**2 + y**2)", "The gradient does not exist at (0, 0): autograd returns ∂f/∂x = nan"),
        ("zh", "sqrt(x**2 + y**2)", "梯度在 (0, 0) 处不存在"),
    ],
)
def test_gradient_tab_says_when_f_or_its_gradient_is_not_finite(lang, text, said):
    at = open_page("derivatives", lang=lang, deriv_f2="custom", deriv_f2_text=text, deriv_px="0", deriv_py="0")
    at.session_state["deriv_view"] = (
        "f(x, y): partial derivatives & gradient" if lang == "en" else "二元函数：偏导数与梯度"
    )
    at.run()
    ok(at)
    (warning,) = warnings(at)
    assert said in warning


def test_gradient_tab_colours_ignore_the_pole():
    at = open_2d(deriv_f2="custom", deriv_f2_text="1/(x*y)", deriv_px="0", deriv_py="0")
    contour = figure(at)["data"][0]
    assert contour["zauto"] is False and abs(contour["zmax"]) < 1e3 and abs(contour["zmin"]) < 1e3


def test_gradient_tab_smooth_point_has_no_warning_and_short_labels():
    at = open_2d()
    assert warnings(at) == []
    helps = {m.label: m.help for m in at.metric}
    assert sorted(helps) == sorted(["∂f/∂x", "∂f/∂y", "|∇f|", "∇f·u"])
    assert "steepest slope" in helps["|∇f|"] and "directional derivative" in helps["∇f·u"]  # the long names


def test_chinese():
    at = open_page("derivatives", lang="zh")
    ok(at)
    assert at.title[0].value == "导数与梯度"


def test_zoom_keeps_the_numbers_and_narrows_the_picture():
    at = open_page("derivatives", deriv_zoom="true", deriv_dx="0.01")
    ok(at)
    assert metric(at, "f′(x₀) (autograd)") == "3.75"
    spec = figure(at)
    lo, hi = spec["layout"]["xaxis"]["range"]
    assert lo == pytest.approx(1.47) and hi == pytest.approx(1.53)


@pytest.mark.parametrize(("spelling", "dx"), [("2", 2.0), ("2.0", 2.0), ("2e0", 2.0), ("1", 1.0), ("1e-3", 0.001)])
def test_a_hand_typed_step_in_any_spelling_is_the_step_shown(spelling, dx):
    """Streamlit's own binding matched only the option's label ("2.0"): ``deriv_dx=2`` silently became 0.5."""
    at = open_page("derivatives", deriv_dx=spelling)
    ok(at)
    assert at.select_slider(key="deriv_dx").value == dx
    assert float(metric(at, "Δy/Δx (secant)")) == pytest.approx(((1.5 + dx) ** 3 - 3 * (1.5 + dx) + 1.125) / dx)
    assert not at.info  # nothing replaced, nothing to say


def test_an_invalid_step_falls_back_and_says_so():
    at = open_page("derivatives", deriv_dx="3", deriv_x0="abc")
    ok(at)
    assert at.select_slider(key="deriv_dx").value == 0.5
    (notice,) = [i.value for i in at.info]
    assert "deriv\\_dx" in notice or "deriv_dx" in notice


def test_number_widgets_take_any_spelling_too():
    at = open_page("derivatives", deriv_x0="1", deriv_view="2d", deriv_px="1e0", deriv_py="-5e-1", deriv_theta="9e1")
    ok(at)
    assert at.slider(key="deriv_px").value == 1.0 and at.slider(key="deriv_py").value == -0.5
    assert at.slider(key="deriv_theta").value == 90


def test_the_zoom_switch_has_a_caption_not_a_tooltip():
    at = open_page("derivatives")
    assert at.toggle(key="deriv_zoom").help in (None, "")
    assert any("looks straight" in c.value for c in at.caption)
    at = open_page("derivatives", deriv_view="2d")
    assert all(not w.help for w in at.toggle if str(w.key).startswith("deriv_"))


def test_no_negative_zero_in_metrics():
    """x² at 0: autograd's slope is 0; the gradient of x·y at the origin is (0, 0)."""
    at = open_page("derivatives", deriv_f1="custom", deriv_f1_text="-x**2", deriv_x0="0")
    ok(at)
    at2 = open_page("derivatives", deriv_view="2d", deriv_f2="custom", deriv_f2_text="-x*y", deriv_px="0", deriv_py="0")
    ok(at2)
    for m in [*at.metric, *at2.metric]:
        assert not m.value.startswith("-0") or float(m.value) != 0, (m.label, m.value)
