"""The Tensor indexing page in AppTest: the notes' lines and their words, presets, refusals that keep the last
good index, custom 4-D tensors, the shape tab's reductions and refusals, 中文 and the projector."""

from __future__ import annotations

import pytest

from components.ui.tensors.views import PRESETS
from tests.app.conftest import metric, ok, open_page, texts


def _picture(at) -> str:
    (body,) = [h.proto.body for h in at.get("html") if "mlp-tensor" in h.proto.body and "data-i" in h.proto.body][:1]
    return body


def test_defaults_show_the_notes_first_line_truthfully():
    at = open_page("tensors")
    ok(at)
    assert metric(at, "Result shape") == "(4,)" and metric(at, "View or copy") == "view"
    assert any("tensor([91, 87, 92, 89])" in c.value for c in at.code)
    assert any("**In words:** student 2 · math · all exams" in m.value for m in at.markdown)
    assert _picture(at).count('data-mark="pick"') == 4


def test_the_second_line_in_words():
    at = open_page("tensors", ten_expr="A[:, 1, 1]")
    ok(at)
    assert any("all students · English · exam 2" in m.value for m in at.markdown)
    assert any("tensor([84, 88])" in c.value for c in at.code)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset(name):
    at = open_page("tensors", ten_preset=name, ten_expr=PRESETS[name])
    ok(at)
    if name == "reverse":  # PyTorch refuses a negative step: its message, and the last good index stays
        assert any("step must be greater than zero" in e.value for e in at.error)


def test_choosing_a_preset_loads_its_index():
    at = open_page("tensors")
    at.selectbox(key="ten_preset").set_value("mask").run()
    ok(at)
    assert at.text_input(key="ten_expr").value == "A[A > 90]"
    assert metric(at, "View or copy") == "copy" and metric(at, "Result shape") == "(8,)"
    assert any("8 cells, not a block" in m.value for m in at.markdown)


@pytest.mark.parametrize(
    "text", ["__import__('os').system('ls')", "A.numpy()", "A[", "A[x]", "A[10**100]", "B[0]", "", "A" + "[0]" * 60]
)
def test_hostile_or_broken_text_keeps_the_last_good_index(text):
    at = open_page("tensors")
    at.text_input(key="ten_expr").set_value("A[0, 2]").run()
    at.text_input(key="ten_expr").set_value(text).run()
    ok(at)
    assert at.error and metric(at, "Result shape") == "(4,)"
    assert any("`A[0, 2]`" in c.value for c in at.caption)


def test_writing_through_a_view_and_a_copy():
    at = open_page("tensors", ten_expr="A[1][0][:]", ten_write="true")
    ok(at)
    assert _picture(at).count('data-mark="hit"') == 4
    assert any("changed **4** cells" in m.value for m in at.markdown)
    at = open_page("tensors", ten_expr="A[[0, 1], 1]", ten_write="true")
    assert _picture(at).count('data-mark="hit"') == 0 and any("**no** cell" in m.value for m in at.markdown)


def test_chained_vs_tuple_table():
    at = open_page("tensors", ten_expr="A[:][1]")
    ok(at)
    (table,) = [m.value for m in at.markdown if m.value.startswith("| Chained")]
    first = table.splitlines()[2]
    assert "A\\[:\\]\\[1\\]" in first and "A\\[:, 1\\]" in first and first.rstrip(" |").endswith("no")


@pytest.mark.parametrize(
    ("shape", "expr"), [("2, 2, 3, 3", "A[1, ..., None, 2]"), ("6", "A[[0, 5, 5]]"), ("6, 6, 4", "A[A > 50]")]
)
def test_custom_tensors(shape, expr):
    at = open_page("tensors", ten_source="custom", ten_shape=shape, ten_seed="42", ten_expr=expr)
    ok(at)
    n = 1
    for s in shape.split(","):
        n *= int(s)
    assert _picture(at).count("<td") == n


def test_a_refused_shape_keeps_the_last_good_one():
    at = open_page("tensors", ten_source="custom", ten_shape="3, 4")
    at.text_input(key="ten_shape").set_value("9, 9, 9, 9").run()
    ok(at)
    assert at.error and _picture(at).count("<td") == 12


def test_shape_tab_defaults_and_extremes():
    at = open_page("tensors", ten_view="shape")
    ok(at)
    assert metric(at, "Shape: A → s") == "(2, 3, 4) → (2, 3)" and metric(at, "Contiguous") == "no"
    assert any("could not infer output dtype" in m.value for m in at.markdown)
    at = open_page("tensors", ten_view="shape", ten_op="transpose_view", ten_args="-1", ten_dim="9")
    ok(at)
    assert any("view size is not compatible" in e.value for e in at.error)
    assert any(".contiguous()" in m.value for m in at.markdown)
    at.text_input(key="ten_args").set_value("1, 2, x").run()
    ok(at)
    assert any("up to six integers" in e.value for e in at.error)


def test_chinese_and_projector():
    at = open_page("tensors", lang="zh", projector="1", ten_expr="A[:, 1, 1]")
    ok(at)
    assert any("所有学生 · 英语 · 第 2 次考试" in m.value for m in at.markdown)
    assert not any("ten." in s for s in texts(at))
