"""The Convolution page through AppTest: renders, reacts, survives bad input."""

from __future__ import annotations

import re

import pytest

from components.compute.kernels import KERNELS
from tests.app.conftest import metric, open_page, png_bytes, texts

OUT = "Output W×H"
IN = "Input W×H"


def no_exception(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


def upload(at, name: str, data: bytes, mime: str = "image/png"):
    at.file_uploader(key="conv_upload").set_value((name, data, mime))
    at.run()
    return at


def test_defaults_render(conv):
    no_exception(conv)
    assert metric(conv, IN) == "451×300"
    assert metric(conv, OUT) == "451×300"  # 3x3, padding 1, stride 1 keeps the size
    assert len(conv.get("imgs")) >= 2 or len(conv.image) >= 2
    assert conv.code, "the PyTorch code panel is missing"


def test_stride_changes_size_shown(conv):
    conv.slider(key="conv_stride").set_value(2).run()
    no_exception(conv)
    assert metric(conv, OUT) == "226×150"
    conv.slider(key="conv_stride").set_value(8).run()
    assert metric(conv, OUT) == "57×38"


def test_extreme_settings(conv):
    conv.selectbox(key="conv_kernel").set_value("box_blur").run()
    conv.slider(key="conv_size").set_value(15).run()
    conv.slider(key="conv_stride").set_value(8).run()
    conv.slider(key="conv_dilation").set_value(4).run()
    no_exception(conv)
    # span 4*14+1 = 57, padding 1: (451 + 2 - 57) // 8 + 1 = 50, (300 + 2 - 57) // 8 + 1 = 31
    assert metric(conv, OUT) == "50×31"


def test_one_pixel_image_is_a_message_not_an_error(conv):
    upload(conv, "dot.png", png_bytes(1, 1))
    no_exception(conv)
    assert any("window spans 3 pixels" in w for w in texts(conv)) is False  # padding 1 makes 3x3 fit
    assert metric(conv, IN) == "1×1" and metric(conv, OUT) == "1×1"
    conv.slider(key="conv_padding").set_value(0).run()
    no_exception(conv)
    assert any("more than the padded input" in w.value for w in conv.warning)


@pytest.mark.parametrize("name", [*KERNELS])
def test_every_preset_renders(name):
    at = open_page("convolution", conv_kernel=name)
    no_exception(at)
    assert at.selectbox(key="conv_kernel").value == name


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_padding_modes(mode):
    at = open_page("convolution", conv_padding_mode=mode, conv_padding="3")
    no_exception(at)
    assert metric(at, OUT) == "455×304"


def test_reflect_padding_too_large_for_tiny_image(conv):
    upload(conv, "tiny.png", png_bytes(2, 2))
    conv.selectbox(key="conv_padding_mode").set_value("reflect").run()
    conv.slider(key="conv_padding").set_value(3).run()
    no_exception(conv)
    assert any("Reflect padding" in w.value for w in conv.warning)


def test_good_upload_is_shown(conv):
    upload(conv, "wide.png", png_bytes(64, 32))
    no_exception(conv)
    assert conv.selectbox(key="conv_image").value == "upload"
    assert metric(conv, IN) == "64×32"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not an image"),
        ("empty.png", b"", "empty"),
        ("truncated.png", png_bytes(300, 300)[:120], "damaged"),
        ("notes.png", b"just some text, not pixels", "not an image"),
    ],
)
def test_bad_upload_keeps_previous_image(conv, name, data, reason):
    upload(conv, "good.png", png_bytes(40, 20))
    assert metric(conv, IN) == "40×20"
    upload(conv, name, data)
    no_exception(conv)
    assert any(reason in e.value for e in conv.error), [e.value for e in conv.error]
    assert metric(conv, IN) == "40×20"


def test_chinese(monkeypatch):
    at = open_page("convolution", lang="zh")
    no_exception(at)
    assert at.title[0].value == "卷积"
    assert "输入 宽×高" in [m.label for m in at.metric]


def test_out_of_range_and_hostile_links_fall_back_to_defaults():
    at = open_page("convolution", conv_stride="99", conv_kernel="<script>alert(1)</script>", conv_padding_mode="x")
    no_exception(at)
    assert at.selectbox(key="conv_kernel").value == "sobel_x"
    assert at.selectbox(key="conv_padding_mode").value == "zeros"
    assert at.slider(key="conv_stride").value in (1, 8)  # rejected or clamped, never an error


def test_custom_kernel_from_link_and_normalise():
    at = open_page("convolution", conv_kernel="custom", conv_weights="1,2,1;2,4,2;1,2,1")
    no_exception(at)
    editor = at.get("arrow_data_frame") or at.get("data_editor")
    assert editor, "custom kernel grid missing"
    at.button(key="conv_normalise").click().run()
    no_exception(at)
    assert at.query_params["conv_weights"] in ("0.0625,0.125,0.0625;0.125,0.25,0.125;0.0625,0.125,0.0625",) or (
        "0.0625" in str(at.query_params["conv_weights"])
    )


def test_custom_kernel_starts_from_current_preset(conv):
    conv.selectbox(key="conv_kernel").set_value("sharpen").run()
    conv.selectbox(key="conv_kernel").set_value("custom").run()
    no_exception(conv)
    assert conv.query_params["conv_weights"] in ("0,-1,0;-1,5,-1;0,-1,0", ["0,-1,0;-1,5,-1;0,-1,0"])


def test_inspector_sum_equals_output_pixel(conv):
    conv.number_input(key="conv_ox").set_value(0).run()
    conv.number_input(key="conv_oy").set_value(0).run()
    values = {m.label: m.value for m in conv.metric}
    assert values["Sum of products"] == values["Output pixel [y=0, x=0]"]


def test_no_raw_keys_rendered():
    for lang in ("en", "zh"):
        at = open_page("convolution", lang=lang)
        raw = [s for s in texts(at) if re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", s.strip())]
        assert not raw, raw


def test_reset_restores_defaults(conv):
    conv.slider(key="conv_stride").set_value(3).run()
    conv.selectbox(key="conv_kernel").set_value("gaussian").run()
    conv.button(key="conv_reset").click().run()
    no_exception(conv)
    assert conv.slider(key="conv_stride").value == 1
    assert conv.selectbox(key="conv_kernel").value == "sobel_x"
