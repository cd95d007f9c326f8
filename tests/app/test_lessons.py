"""Lesson steps, the presentation view and the share link on every page (issue 9)."""

from __future__ import annotations

import pytest

from components.ui.pages import PAGES
from tests.app.conftest import figure, ok, open_page
from tests.lesson_steps import STEPS

LESSON_PAGES = [(p.module, p.i18n) for p in PAGES if p.i18n in STEPS]


def _markdown(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_every_page_has_a_lesson_of_three_to_five_steps():
    assert all(3 <= len(steps) <= 5 for steps in STEPS.values())


@pytest.mark.parametrize(("page", "prefix"), LESSON_PAGES)
def test_each_step_in_the_link_opens_with_its_settings_and_words(page, prefix):
    from components.ui.i18n import catalog

    en = catalog("en")
    for k, step in enumerate(STEPS[prefix], start=1):
        at = open_page(page, step=str(k))
        ok(at)
        text = _markdown(at)
        assert en[f"lessons.{prefix}.{step.id}.title"] in text and en[f"lessons.{prefix}.{step.id}.ask"] in text
        assert f"Step {k}/{len(STEPS[prefix])}" in text
        for key, value in step.settings.items():
            held = at.session_state[key]
            if key.endswith("_view"):  # tabs hold the label of the open tab; the link holds the id
                assert at.query_params.get(key) in (value, [value]) or value in ("1d", "graph", "inspector")
                continue
            assert held == value or str(held) == str(value), (page, k, key, held, value)
        assert at.query_params["step"] == [str(k)] or at.query_params["step"] == str(k)


@pytest.mark.parametrize(("page", "prefix"), LESSON_PAGES)
@pytest.mark.parametrize("bad", ["9", "0.5", "two", "-1"])
def test_a_step_that_does_not_exist_falls_back_with_a_note(page, prefix, bad):
    at = open_page(page, step=bad)
    ok(at)
    assert any("has no lesson step" in str(i.value) for i in at.info), [str(i.value) for i in at.info]
    assert "step" not in at.query_params


def test_next_and_previous_walk_the_steps_and_keep_the_link():
    at = open_page("convolution")
    at.button(key="lesson_next").click().run()
    ok(at)
    first = STEPS["conv"][0]
    assert at.session_state["conv_kernel"] == first.settings["conv_kernel"]
    assert at.query_params["step"] in ("1", ["1"])
    at.button(key="lesson_next").click().run()
    assert (
        at.session_state["conv_kernel"] == "sobel_x" and at.session_state["conv_size"] == 3
    )  # step 2: defaults + its own
    at.button(key="lesson_prev").click().run()
    at.button(key="lesson_prev").click().run()
    ok(at)
    assert "step" not in at.query_params
    assert at.session_state["conv_kernel"] == "sobel_x"  # back at the page's defaults


def test_a_link_holds_the_step_and_the_teacher_s_changes_on_top():
    # Copied at step 1 (box blur 5x5, padding 2) after the teacher set size 7:
    at = open_page("convolution", step="1", conv_size="7")
    ok(at)
    assert at.session_state["conv_size"] == 7 and at.session_state["conv_kernel"] == "box_blur"
    assert at.session_state["conv_padding"] == 2  # the step's, the link left it out
    assert any("Step 1/5" in str(m.value) for m in at.markdown)


def test_a_step_setting_put_back_to_the_page_default_is_named_in_the_link():
    at = open_page("convolution")
    at.button(key="lesson_next").click().run()
    assert at.session_state["conv_padding"] == 2 and "step_off" not in at.query_params
    at.slider(key="conv_padding").set_value(1).run()  # the page's default padding
    ok(at)
    assert at.query_params["step_off"] in ("conv_padding", ["conv_padding"])
    again = open_page("convolution", step="1", step_off="conv_padding")  # the copied link, reopened
    ok(again)
    assert again.session_state["conv_padding"] == 1 and again.session_state["conv_size"] == 5
    at.slider(key="conv_padding").set_value(3).run()
    assert "step_off" not in at.query_params


@pytest.mark.parametrize("page", [p.module for p in PAGES if p.url_path])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presentation_view_hides_the_sidebar_and_the_explanation(page, lang):
    at = open_page(page, present="1", step="1", lang=lang)
    ok(at)
    assert at.toggle(key="present").value is True
    sidebar_widgets = [
        w for kind in ("slider", "selectbox", "toggle", "checkbox", "radio") for w in at.sidebar.get(kind)
    ]
    assert sidebar_widgets == [], [w.key for w in sidebar_widgets]
    from components.ui.i18n import TEXT

    first_line = (TEXT / lang / f"{page}.md").read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
    assert first_line not in _markdown(at)  # the explanation is left to the teacher
    assert any(e.label.startswith(("All settings", "全部设置")) for e in at.expander)


def test_presentation_strip_holds_the_step_s_controls():
    at = open_page("convolution", present="1", step="4")
    ok(at)
    assert at.slider(key="conv_stride").value == 2
    assert not at.sidebar.get("slider")


def test_share_link_holds_every_setting():
    from components.ui.share import qr_png

    at = open_page("convolution", conv_stride="2", step="2")
    ok(at)
    assert not [c for c in at.code if "conv_stride=2" in c.value]  # closed: nothing made on every rerun
    at.button(key="share").click().run()  # the teacher opens "Share"
    ok(at)
    code = [c.value for c in at.code if "conv_stride=2" in c.value]
    assert code and "step=2" in code[0]
    png = qr_png(code[0])
    assert png.startswith(b"\x89PNG")


def test_predict_first_hides_the_key_number_until_revealed_and_again_at_the_next_step():
    from tests.app.conftest import metric

    def test_curve(at) -> list:
        spec = figure(at)
        (curve,) = [d for d in spec["data"] if d.get("name") == "test loss"]
        return [v for v in curve["y"] if v is not None]

    at = open_page("overfitting", predict="1")
    ok(at)
    assert metric(at, "Test loss") == "?" and metric(at, "Train loss") != "?"
    assert test_curve(at) == []  # the curve would give the test loss away
    at.button(key="lesson_reveal").click().run()
    ok(at)
    assert len(test_curve(at)) > 100
    assert metric(at, "Test loss") not in ("?", "")
    float(metric(at, "Test loss"))
    at.button(key="lesson_next").click().run()  # a new experiment: predict again
    ok(at)
    assert metric(at, "Test loss") == "?"


def test_predict_first_hides_the_inspected_output_pixel():
    at = open_page("convolution", predict="1")
    ok(at)
    key_numbers = [m for m in at.metric if m.label == "Sum of products" or m.label.startswith("Output pixel [")]
    assert len(key_numbers) == 2 and all(m.value == "?" for m in key_numbers)
    assert any(r"&= ?" in str(x.value) for x in at.latex)  # the sum line hides its result too
    at.button(key="lesson_reveal").click().run()
    key_numbers = [m for m in at.metric if m.label == "Sum of products" or m.label.startswith("Output pixel [")]
    assert all(m.value != "?" for m in key_numbers) and not any(r"&= ?" in str(x.value) for x in at.latex)
    assert key_numbers[0].value == key_numbers[1].value


def test_predict_first_on_derivatives_leaves_no_way_to_work_dy_out():
    """Δy is shown (the true change); dy, the slope and |Δy − dy| are hidden (Δy and the gap give dy)."""
    from components.ui.i18n import catalog
    from tests.app.conftest import metric

    en = catalog("en")
    at = open_page("derivatives", predict="1")
    ok(at)
    assert metric(at, en["deriv.m_dy"]) != "?"
    assert all(metric(at, en[k]) == "?" for k in ("deriv.m_slope", "deriv.m_differential", "deriv.m_gap"))
