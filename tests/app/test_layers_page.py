"""The Layers page in AppTest: every preset, an invalid stack, refused lists keep the last good one, train vs
eval numbers, 中文 and the projector."""

from __future__ import annotations

import pytest

from components.compute.layers import PRESET_SHAPES, PRESETS
from tests.app.conftest import figure, metric, ok, open_page, texts


def _preset(name: str, **extra: str) -> dict[str, str]:
    return {"lay_preset": name, "lay_layers": PRESETS[name], "lay_shape": PRESET_SHAPES[name], **extra}


def test_defaults_build_the_mlp_and_count_it():
    at = open_page("layers")
    ok(at)
    assert metric(at, "Parameters (formulas)") == "212" == metric(at, "Counted: `sum(p.numel())`")
    assert metric(at, "Parameters in a plain list") == "0"
    assert any("model = nn.Sequential(*layers)" in c.value for c in at.code)
    assert any("Sequential(" in c.value and "(0): Linear(in_features=8, out_features=16" in c.value for c in at.code)
    assert any("list is not a Module subclass" in s for s in texts(at))


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.parametrize("view", ["build", "modes"])
def test_every_preset(name, view):
    at = open_page("layers", **_preset(name, lay_view=view))
    ok(at)
    if name == "broken":
        assert any("392x10" in e.value for e in at.error)


def test_choosing_a_preset_loads_its_list():
    at = open_page("layers")
    at.selectbox(key="lay_preset").set_value("cnn").run()
    ok(at)
    assert at.text_area(key="lay_layers").value == PRESETS["cnn"]
    assert at.session_state["lay_trace"].stages[-1].shape == (4, 10)


def test_a_refused_edit_keeps_the_last_good_list():
    at = open_page("layers")
    at.text_area(key="lay_layers").set_value("Linear(8, 16)\nLinear(16, 3)").run()
    ok(at)
    assert at.session_state["lay_trace"].stages[-1].shape == (4, 3)
    at.text_area(key="lay_layers").set_value("Linear(8, 16)\nos.system('rm')").run()
    ok(at)
    assert any("is not a layer" in e.value for e in at.error)
    assert at.session_state["lay_trace"].stages[-1].shape == (4, 3)  # still the last good list


def test_modes_numbers():
    at = open_page("layers", lay_view="modes")
    ok(at)
    md = at.session_state["lay_modes"]
    assert md.train_diff > 0 and md.eval_diff == 0
    assert metric(at, "eval: pass 1 vs pass 2") == "0"
    assert len(figure(at, "lay_dropout")["data"]) == 3
    at = open_page("layers", **_preset("linear", lay_view="modes"))
    assert metric(at, "train vs eval") == "0" and any("needs no training mode" in s.value for s in at.success)


def test_extremes_and_bad_links():
    ok(open_page("layers", lay_layers="Linear(4096, 1000)\nLinear(1000, 4096)", lay_shape="4096", lay_batch="64"))
    at = open_page("layers", lay_layers="Linear(4096, 4096)", lay_shape="4096")  # too many parameters
    ok(at)
    assert any("at most" in e.value for e in at.error)
    at = open_page("layers", lay_shape="1, 4096, 4096", lay_layers="Conv2d(1, 256, 3)")  # a huge input: refused
    ok(at)
    assert any("input values" in e.value for e in at.error)
    at = open_page("layers", lay_view="modes", lay_shape="1, 200, 200", lay_layers="Conv2d(1, 256, 3)")
    ok(at)  # 4 x 40,000 input values are fine, 256 channels of them are not
    assert any("would make up to" in e.value for e in at.error)
    ok(open_page("layers", lay_batch="999", lay_seed="-4", lay_view="nowhere", lay_preset="bogus"))


def test_chinese_and_projector():
    for view in ("build", "modes"):
        at = open_page("layers", lay_view=view, lang="zh", projector="1", **_preset("batchnorm"))
        ok(at)
    assert any("滑动" in s for s in texts(at))


def test_batchnorm_with_a_batch_of_one_says_why_instead_of_a_traceback():
    at = open_page("layers", **_preset("batchnorm", lay_view="modes", lay_batch="1"))
    ok(at)
    assert any("more than one value per channel" in w.value for w in at.warning)


def test_a_mismatch_says_which_number_fits():
    at = open_page("layers", **_preset("broken"))
    assert any("must be 1152, not 392" in e.value for e in at.error)
