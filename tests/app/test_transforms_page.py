"""The Transforms page in AppTest: the pipeline editor and its link, the strip, draws, mistakes, uploads, 中文."""

from __future__ import annotations

import pytest

from components.compute.transforms import MAX_STAGES
from components.ui.transforms.pipeline import DEFAULT, PRESETS
from tests.app.conftest import ok, open_page, png_bytes


def _strip(at) -> str:
    return next(h for h in at.get("html") if "mlp-strip" in h.proto.body).proto.body


def _buttons(at, prefix: str) -> list:
    return [b for b in at.sidebar.button if str(b.key).startswith(prefix)]


def test_defaults_show_every_stage():
    at = open_page("transforms")
    ok(at)
    strip = _strip(at)
    assert strip.count('class="mlp-card"') == 6  # the input and five stages
    for text in ("PIL.Image", "tv_tensors.Image", "float32", "3×224×224", "drew top ="):
        assert text in strip
    assert "tf_pipe" not in at.query_params  # the default pipeline needs no link parameter


def test_editing_the_pipeline_moves_the_link():
    at = open_page("transforms")
    _buttons(at, "tf_del_")[1].click().run()  # remove the flip
    assert at.query_params["tf_pipe"] == "rrc:224,0.08,1;image;dtype:1;norm:imagenet"
    _buttons(at, "tf_down_")[0].click().run()  # the crop after ToImage
    assert at.query_params["tf_pipe"] == "image;rrc:224,0.08,1;dtype:1;norm:imagenet"
    at.sidebar.selectbox(key="tf_add_name").set_value("gray").run()
    _buttons(at, "tf_add")[0].click().run()
    assert at.query_params["tf_pipe"].endswith(";gray:1")
    size = next(s for s in at.sidebar.slider if str(s.key).endswith("_size"))
    size.set_value(100).run()
    ok(at)
    assert "rrc:100,0.08,1" in at.query_params["tf_pipe"]
    assert "3×100×100" in _strip(at)


def test_eight_stages_at_most():
    at = open_page("transforms", tf_pipe=";".join(["hflip:0.5"] * MAX_STAGES))
    ok(at)
    assert not _buttons(at, "tf_add")
    assert any("8 stages" in str(c.value) for c in at.sidebar.caption)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset(preset):
    at = open_page("transforms", tf_pipe=PRESETS[preset], tf_view="batch")
    ok(at)


def test_the_uint8_mistake_shows_torchvision_s_error_and_the_fix():
    at = open_page("transforms", tf_pipe=PRESETS["uint8_norm"])
    strip = _strip(at)
    assert "TypeError: Input tensor should be a float tensor. Got torch.uint8." in strip
    assert "put ToDtype(float32, scale=True) before it" in strip


def test_the_big_crop_pads_and_says_so():
    strip = _strip(open_page("transforms", tf_pipe=PRESETS["big_crop"]))
    assert "CenterCrop pads with black" in strip and "3×1200×1200" in strip


def test_draw_again_moves_the_seed_and_the_draws():
    at = open_page("transforms")
    before = _strip(at)
    _buttons(at, "tf_again")[0].click().run()
    assert at.number_input(key="tf_seed").value == 1 and at.query_params["tf_seed"] == "1"
    assert _strip(at) != before


def test_batch_shows_eight_draws():
    at = open_page("transforms", tf_view="batch")
    ok(at)
    batch = next(h for h in at.get("html") if "Draw 8" in h.proto.body).proto.body
    assert batch.count("<img") == 8


def test_a_bad_link_falls_back_and_says_so():
    at = open_page("transforms", tf_pipe="resize:99999;rm -rf")
    ok(at)
    assert any("tf_pipe" in str(i.value) for i in at.info)
    assert _strip(at).count('class="mlp-card"') == 6 and DEFAULT


def test_an_upload():
    at = open_page("transforms")
    at.sidebar.get("file_uploader")[0].set_value(("p.png", png_bytes(300, 200), "image/png")).run()
    ok(at)
    assert "3×200×300" in _strip(at)


def test_chinese():
    at = open_page("transforms", lang="zh", tf_pipe=PRESETS["uint8_norm"])
    ok(at)
    assert at.title[0].value == "图像变换流水线"
    assert "Normalize 需要浮点数" in _strip(at)


def test_a_broken_upload_keeps_the_last_good_picture():
    at = open_page("transforms")
    at.sidebar.get("file_uploader")[0].set_value(("broken.jpg", b"\xff\xd8\xff garbage", "image/jpeg")).run()
    ok(at)
    assert at.error and "3×300×451" in _strip(at)  # still the cat
