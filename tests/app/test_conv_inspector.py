"""The Convolution page's inspected pixel: in the link, picked by clicks, kept by both tabs; its numbers.

Clicks are simulated the way the browser reports them: the ``plot_click``
listener of a chart sends a one-shot ``click`` trigger with the data
coordinates under the mouse (unrounded), which runs its callback before the
next run. tests/browser clicks the real charts.
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from PIL import Image
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

from tests.app.conftest import charts, figure, ok, open_page, png_bytes
from tests.grid_reader import read_grids

CENTRE = (225, 150)  # x, y of the 451×300 default output


def pixel(at) -> tuple[int, int]:
    return int(at.number_input(key="conv_ox").value), int(at.number_input(key="conv_oy").value)


def chart(at, key: str) -> dict:
    return figure(at, key)


def grids(at, key: str) -> list[dict]:
    """The grids of numbers the page drew in the element keyed ``key`` (``st.html`` inside ``st.container``)."""
    html = [h.proto.body for h in at.get("html") if 'class="mlp-grid"' in h.proto.body]
    found = [read_grids(h) for h in html]
    return next(g for g in found if len(g) == (1 if key == "conv_kf" else 3))  # the kernel: one grid; products: 3


def listener(at, key: str):
    """The ``plot_click`` component listening to the chart ``key``."""
    (found,) = [c for c in at.get("bidi_component") if c.proto.json and json.loads(c.proto.json).get("chart") == key]
    return found


def click(at, key: str, x: float, y: float):
    """What the browser sends for a click at data point (x, y) of chart ``key``: the listener's ``click`` trigger."""
    states = at._tree.get_widget_states()  # every widget as it is, plus the trigger (AppTest has no bidi API)
    trigger = json.dumps([{"event": "click", "value": {"x": x, "y": y}}])
    events = f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{listener(at, key).proto.id}__events"
    states.widgets.append(WidgetState(id=events, json_trigger_value=trigger))
    at._run(states)
    ok(at)
    return at


def code(at) -> str:
    (src,) = [c.value for c in at.code if "nn.Conv2d" in c.value]
    return src


def notice(at) -> str:
    return " ".join(i.value for i in at.info).replace("\\_", "_")  # markdown escapes the underscores


def upload(at, name: str, data: bytes):
    at.file_uploader(key="conv_upload").set_value((name, data, "image/png"))
    at.run()
    ok(at)
    return at


# --------------------------------------------------------------------------- the link


def test_defaults_open_on_the_centre_and_keep_the_link_clean(conv):
    assert pixel(conv) == CENTRE
    assert "conv_ox" not in conv.query_params and "conv_oy" not in conv.query_params
    assert "print(y[0, 150, 225].item())" in code(conv)


def test_link_restores_the_inspected_pixel_and_channel():
    at = open_page("convolution", conv_ox="405", conv_oy="30", conv_channel="2")
    ok(at)
    assert pixel(at) == (405, 30)
    assert at.selectbox(key="conv_channel").value == "2"
    assert "Output pixel [y=30, x=405]" in [m.label for m in at.metric]
    assert "print(y[2, 30, 405].item())" in code(at)
    assert not at.info  # nothing was replaced


def test_a_chosen_channel_goes_into_the_link(conv):
    # (x and y are bound by Streamlit in the browser: tests/browser checks the address bar.)
    conv.selectbox(key="conv_channel").set_value("1").run()
    ok(conv)
    assert conv.query_params["conv_channel"] in ("1", ["1"])
    assert "print(y[1, 150, 225].item())" in code(conv)


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ({"conv_ox": "9999"}, "conv_ox"),
        ({"conv_oy": "-3"}, "conv_oy"),
        ({"conv_channel": "7"}, "conv_channel"),
        ({"conv_color": "gray", "conv_channel": "2"}, "conv_channel"),  # one channel only
    ],
)
def test_out_of_range_pixel_in_a_link_falls_back_and_says_so(query, bad):
    at = open_page("convolution", **query)
    ok(at)
    assert pixel(at) == CENTRE
    assert at.selectbox(key="conv_channel").value == "0"
    assert bad in notice(at)


# --------------------------------------------------------------------------- clicks


def ranges(at, key: str) -> tuple[list[float], list[float]]:
    """The x and y ranges the listener of picture ``key`` maps its ``<img>`` box onto."""
    data = json.loads(listener(at, key).proto.json)
    return data["x"], data["y"]


def test_the_listeners_know_the_pictures_exact_ranges_and_no_chart_is_drawn(conv):
    assert json.loads(listener(conv, "conv_pick").proto.json) == {
        "chart": "conv_pick",
        "target": ".st-key-conv_pick img",
        "x": [-0.5, 450.5],
        "y": [299.5, -0.5],  # row 0 at the top
    }
    y0, x0 = 150 - 7, 225 - 7  # the 15 x 15 zoom around the centre
    assert ranges(conv, "conv_zoom") == ([x0 - 0.5, x0 + 14.5], [y0 + 14.5, y0 - 0.5])
    drawn = [k for k, _ in charts(conv)]
    assert not any(k in i for i in drawn for k in ("conv_pick", "conv_zoom"))  # pictures, not Plotly charts


def test_pickers_are_served_by_url_and_the_overview_is_the_output_picture(conv):
    """The overview reuses the output picture already on the page (same URL: fetched and decoded once)."""
    out_url = conv.image[1].proto.imgs[0].url
    pick, zoom = [
        re.search(r'<img src="([^"]+)"', h.proto.body).group(1)
        for h in conv.get("html")
        if "<img" in h.proto.body and "cursor:crosshair" in h.proto.body
    ]
    assert pick == out_url and not pick.startswith("data:")
    assert zoom.endswith(".png") and not zoom.startswith("data:")


def test_overview_then_zoom_click_picks_the_exact_pixel(conv):
    click(conv, "conv_pick", 405.4, 29.6)  # anywhere on pixel (405, 30)'s square
    assert pixel(conv) == (405, 30)
    assert "Output pixel [y=30, x=405]" in [m.label for m in conv.metric]
    (x0, x1), _ = ranges(conv, "conv_zoom")
    assert x0 < 405 < x1  # the zoom followed
    click(conv, "conv_zoom", 403.51, 31.49)
    assert pixel(conv) == (404, 31)
    assert "print(y[0, 31, 404].item())" in code(conv)


def test_a_click_off_the_picture_is_clamped_to_the_output(conv):
    click(conv, "conv_pick", 450.5, -0.5)  # the top-right corner of the plot area
    assert pixel(conv) == (450, 0)
    click(conv, "conv_pick", -3.0, 9999.0)  # a stale trigger from a larger output
    assert pixel(conv) == (0, 299)


def test_exact_pick_on_a_1024_square_output(conv):
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (1024, 1024, 3), dtype=np.uint8)).save(buf, format="PNG")
    upload(conv, "big.png", buf.getvalue())
    assert conv.metric[1].value == "1024×1024"
    click(conv, "conv_pick", 405.2, 30.3)
    assert pixel(conv) == (405, 30)
    for corner in ("top left", "bottom right"):  # the zoom's corner pixels, exactly (the zoom follows each click)
        (x_lo, x_hi), (y_lo, y_hi) = ranges(conv, "conv_zoom")
        x, y = (x_lo + 0.5, y_hi + 0.5) if corner == "top left" else (x_hi - 0.5, y_lo - 0.5)
        click(conv, "conv_zoom", x - 0.45, y + 0.45)
        assert pixel(conv) == (x, y)


def test_the_same_pixel_can_be_clicked_again_after_typing(conv):
    click(conv, "conv_zoom", 220, 145)
    conv.number_input(key="conv_ox").set_value(100).run()
    assert pixel(conv) == (100, 145)
    click(conv, "conv_pick", 220, 145)
    assert pixel(conv) == (220, 145)
    conv.number_input(key="conv_oy").set_value(7).run()
    assert pixel(conv) == (220, 7)  # a trigger fires once: the next run keeps what was typed


# --------------------------------------------------------------------------- both tabs keep it


def test_sliding_window_keeps_the_pixel_through_stride_and_preset_changes():
    at = open_page("convolution", conv_view="window", conv_ox="300", conv_oy="200", conv_kernel="gaussian")
    ok(at)
    assert pixel(at) == (300, 200)
    at.selectbox(key="conv_kernel").set_value("box_blur").run()
    assert pixel(at) == (300, 200)
    at.slider(key="conv_stride").set_value(2).run()  # output 226×150: clamped to its last column and row
    ok(at)
    assert pixel(at) == (225, 149)
    assert any("output rows 143–149, columns 219–225" in c.value for c in at.caption)  # 7×7 positions, clamped


def test_pixel_survives_switching_tabs(conv):
    conv.number_input(key="conv_ox").set_value(40).run()
    conv.session_state["conv_view"] = "Sliding window, step by step"
    conv.run()
    assert pixel(conv)[0] == 40
    conv.session_state["conv_view"] = "Multiply-add inspector"
    conv.run()
    assert pixel(conv)[0] == 40


def test_a_pixel_left_where_it_was_stays_in_the_link_when_the_output_size_changes(conv):
    """Padding 1 -> 0 makes the output 449x298: its centre moves, the inspected pixel does not; the link must
    hold the pixel on screen, or reopening it shows another one."""
    conv.slider(key="conv_padding").set_value(0).run()
    ok(conv)
    assert pixel(conv) == CENTRE
    assert conv.query_params["conv_ox"] in ("225", ["225"]) and conv.query_params["conv_oy"] in ("150", ["150"])
    again = open_page("convolution", conv_padding="0", conv_ox="225", conv_oy="150")
    assert pixel(again) == CENTRE
    assert [m.value for m in again.metric if m.label.startswith("Output pixel")] == [
        m.value for m in conv.metric if m.label.startswith("Output pixel")
    ]


def test_reset_brings_the_pixel_back_to_the_centre():
    at = open_page("convolution", conv_ox="12", conv_oy="7", conv_stride="2")
    at.button(key="conv_reset").click().run()
    ok(at)
    assert pixel(at) == CENTRE
    assert "conv_ox" not in at.query_params


# --------------------------------------------------------------------------- the numbers


def _sum_numbers(latex: str) -> list[str]:
    """``(w)\\cdot x`` pairs of the multiply-add line, as written."""
    return [n for pair in re.findall(r"\(([-\d.e]+)\)\\cdot ([-\d.e]+)", latex) for n in pair]


@pytest.mark.parametrize("kernel", ["sobel_x", "gaussian", "unsharp"])
def test_sum_line_and_figure_write_the_same_numbers(kernel):
    at = open_page("convolution", conv_kernel=kernel, conv_size="5", conv_ox="0", conv_oy="0")
    ok(at)
    (latex,) = [x.value for x in at.latex if "y_{0,0}" in x.value]
    patch, weights, _ = grids(at, "conv_ma")
    written = [v for pair in zip(weights["text"][0], patch["text"][0], strict=True) for v in pair][:6]
    assert _sum_numbers(latex) == written


def test_no_negative_zero_or_long_floats_on_the_page():
    # Pixel (0, 0) with Sobel x reads the zero padding: products 0 × (−1) = −0.
    at = open_page("convolution", conv_ox="0", conv_oy="0")
    ok(at)
    shown = [x.value for x in at.latex] + [m.value for m in at.metric] + [c.value for c in at.caption]
    for key in ("conv_ma", "conv_kf"):
        for grid in grids(at, key):
            shown += [v for row in grid["text"] for v in row if v] + grid["ticktext"]
            assert not any(np.signbit(v) and v == 0 for row in grid["z"] for v in row if v is not None)
    assert not [s for s in shown if re.search(r"(^|[^\d.])[-−]0(\.0+)?($|[^\d.])|\d\.\d{7,}", s)], shown


def test_kernel_and_weights_panel_share_one_colour_scale():
    at = open_page("convolution", conv_kernel="sharpen")
    (kernel,) = grids(at, "conv_kf")
    weights = grids(at, "conv_ma")[1]
    assert (kernel["zmin"], kernel["zmax"]) == (weights["zmin"], weights["zmax"]) == (-5.0, 5.0)
    assert kernel["colours"] == weights["colours"]  # the same weights, the same colours
    assert kernel["bar"] == weights["bar"] and kernel["ticktext"] == weights["ticktext"]


def test_size_formula_stacked_with_the_result_on_its_own_line():
    at = open_page("convolution", conv_kernel="box_blur", conv_size="15", conv_dilation="4", conv_stride="3")
    ok(at)
    (h_line,) = [x.value for x in at.latex if "H_{out}" in x.value]
    first, second = h_line.split(r"\\")
    assert "300 + 2\\cdot1 - 4\\cdot(15-1) - 1" in first and "= 82" not in first
    assert "= 81 + 1 = 82 \\end{aligned}" in second  # (300 + 2 - 57) // 3 + 1


def test_heic_upload_is_accepted_and_bad_heic_refused(conv):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 160, 90)).save(buf, format="HEIF", quality=90)
    upload(conv, "IMG_0001.HEIC", buf.getvalue())
    assert conv.metric[0].value == "64×48"
    assert "pillow_heif.register_heif_opener()" in code(conv)
    upload(conv, "broken.heic", buf.getvalue()[:40] + b"\x00" * 200)
    assert any("not an image" in e.value for e in conv.error)
    assert conv.metric[0].value == "64×48"  # the last good image stays
    buf = io.BytesIO()
    Image.effect_noise((300, 200), 60).convert("RGB").save(buf, format="HEIF", quality=90)
    upload(conv, "cut.heic", buf.getvalue()[:-200])  # the header is whole, the picture data is not
    assert any("damaged" in e.value for e in conv.error)
    upload(conv, "fine.png", png_bytes(10, 10))
    assert "pillow_heif" not in code(conv)
