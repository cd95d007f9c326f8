"""The Upsampling page in AppTest: defaults, extremes, the tiny map, the transposed tab, uploads, 中文."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from components.compute.upsampling import METHODS
from tests.app.conftest import figure, ok, open_page, png_bytes, texts


def _table(at) -> list[str]:
    return [str(m.value) for m in at.markdown if str(m.value).startswith("| method")]


def test_defaults_compare_every_method_with_its_psnr():
    at = open_page("upsampling")
    ok(at)
    gallery = next(h for h in at.get("html") if "mlp-gallery" in h.proto.body).proto.body
    assert gallery.count('class="mlp-tile"') == len(METHODS) + 2  # the original, nine methods, the bicubic overshoot
    res = at.session_state["up_results"]
    from components.compute.images import to_tensor
    from components.compute.upsampling import working
    from components.ui.image_input import load_sample

    original = working(to_tensor(load_sample("cat").decoded.pixels), 512).numpy()
    nearest = res["nearest"][0].numpy()
    mse = ((np.clip(nearest, 0, 1) - original) ** 2).mean()
    (table,) = _table(at)
    row = next(line for line in table.splitlines() if line.startswith("| nearest |"))
    assert float(row.split("|")[4]) == pytest.approx(10 * math.log10(1 / mse), abs=0.01)


def test_factor_eight_without_antialiasing_and_a_hand_set_transposed_convolution():
    at = open_page("upsampling", up_factor="8", up_antialias="false", up_tmatch="false", up_tk="3", up_ts="2",
                   up_tp="0", up_top="1", up_init="random")  # fmt: skip
    ok(at)
    k, s, p, op = 3, 2, 0, 1
    low_h = at.session_state["up_results"]["low"].shape[1]
    assert at.session_state["up_results"]["transposed"][1].size[0] == (low_h - 1) * s - 2 * p + k + op


def test_output_padding_at_the_stride_is_refused_with_a_reason():
    at = open_page("upsampling", up_tmatch="false", up_ts="2", up_top="3", up_view="transposed")
    ok(at)
    assert any("must be smaller than the stride" in s for s in texts(at) + [m for m in _table(at)])


def test_tiny_map_cell_and_its_weights():
    at = open_page("upsampling", up_view="tiny", up_tiny="nearest", up_factor="2", up_ti="3", up_tj="1")
    ok(at)
    (line,) = [s for s in texts(at) if s.startswith("**out[3, 1]**")]
    terms, total = re.search(r"= (.*) = \*\*(.*)\*\*", line).groups()
    assert terms.startswith("1·") and " + " not in terms  # nearest: one input cell, weight 1
    from components.compute.upsampling import tiny_map

    assert float(total) == tiny_map(3, 0)[0, 1, 0]


@pytest.mark.parametrize("method", METHODS)
def test_tiny_map_every_method(method):
    ok(open_page("upsampling", up_view="tiny", up_tiny=method, up_tiny_n="4"))


def test_transposed_tab_shows_the_size_formula_and_the_checkerboard():
    at = open_page("upsampling", up_view="transposed", up_factor="3")
    ok(at)
    assert any("checkerboard" in s and "not divisible" in s for s in texts(at))
    spec = figure(at, "up_spectrum")
    freq, amp = np.array(spec["data"][1]["x"]), np.array(spec["data"][1]["y"])
    assert abs(freq[int(np.argmax(amp))] - 1 / 3) < 0.02  # the checkerboard's period: 1/S
    at = open_page("upsampling", up_view="transposed", up_factor="4")
    assert any("is divisible by" in s for s in texts(at))


def test_a_1024_upload():
    at = open_page("upsampling")
    at.sidebar.get("file_uploader")[0].set_value(("big.png", png_bytes(1024, 1024), "image/png")).run()
    ok(at)
    assert at.session_state["up_results"]["nearest"][0].shape == (3, 512, 512)


def test_chinese_and_bad_link_values():
    at = open_page("upsampling", lang="zh", up_factor="99", up_init="<x>")
    ok(at)
    assert at.title[0].value == "上采样"
    assert any("up_factor" in str(i.value) and "up_init" in str(i.value) for i in at.info)


def test_a_broken_upload_keeps_the_last_good_picture():
    at = open_page("upsampling")
    at.sidebar.get("file_uploader")[0].set_value(("broken.png", b"\x89PNG\r\n\x1a\nnot really", "image/png")).run()
    ok(at)
    assert at.error and at.session_state["up_results"]["nearest"][0].shape[1:] == (300, 451)  # still the cat
