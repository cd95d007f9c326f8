"""Convolution figures: one colour scale for the weights, a colour bar that explains it, numbers people read.

References are computed here by hand: the colour position of a weight is
``(w + L) / 2L`` with ``L = max |w|`` (NumPy), the expected cell text is written
out literally.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from plotly.colors import sample_colorscale

from components.compute.convolution import ConvGeometry, multiply_add
from components.figures.convolution import kernel_html, multiply_add_html, sliding_window_figure
from components.figures.heatgrid import cell_digits
from components.figures.theme import DIVERGING
from tests.grid_reader import read_grids

SOBEL_X = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
LONG_FLOAT = re.compile(r"\d\.\d{6,}")
LABELS = {"input": "", "output": "", "play": "Play", "pause": "Pause", "step": "Step"}


def _texts(html: str) -> list[str]:
    return [v for g in read_grids(html) for v in [*(t for row in g["text"] for t in row), *g["ticktext"]] if v]


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[k : k + 2], 16) for k in (1, 3, 5)], dtype=float)


@pytest.mark.parametrize("seed", range(4))
def test_same_weight_same_colour_in_the_kernel_and_multiply_add_pictures(seed):
    kernel = torch.randn(3, 3, generator=torch.Generator().manual_seed(seed))
    ma = multiply_add(torch.rand(6, 6), kernel, ConvGeometry(3, 1), 2, 2)
    (k_grid,) = read_grids(kernel_html(kernel, 1))
    w_grid = read_grids(multiply_add_html(ma.patch, ma.weights, ma.products, ["a", "b", "c"]))[1]
    limit = float(np.abs(kernel.numpy()).max())
    for r in range(3):
        for c in range(3):
            w = float(kernel[r, c])
            want = _rgb(_plotly_hex(sample_colorscale(DIVERGING, (w + limit) / (2 * limit))[0]))
            assert k_grid["colours"][r][c] == w_grid["colours"][r][c]  # one colour for one weight
            assert np.abs(_rgb(k_grid["colours"][r][c]) - want).max() <= 3  # a 256-step table of the scale
    assert (
        (k_grid["zmin"], k_grid["zmax"]) == (w_grid["zmin"], w_grid["zmax"]) == pytest.approx((-limit, limit), rel=1e-5)
    )


def _plotly_hex(rgb: str) -> str:
    return "#" + "".join(f"{round(float(v)):02x}" for v in rgb[rgb.index("(") + 1 : -1].split(","))


def test_dilated_kernel_keeps_the_scale_of_its_weights():
    kernel = torch.tensor([[0.5, -0.25], [0.125, 0.0]])
    (grid,) = read_grids(kernel_html(kernel, 3))
    assert (grid["zmin"], grid["zmax"]) == (-0.5, 0.5)
    assert grid["z"][0][3] == -0.25 and grid["z"][1][1] is None  # the taps 3 apart, holes between


def test_every_panel_has_a_colour_bar_with_readable_ticks():
    ma = multiply_add(torch.rand(6, 6), SOBEL_X, ConvGeometry(3, 1), 2, 2)
    grids = read_grids(multiply_add_html(ma.patch, ma.weights, ma.products, ["a", "b", "c"]))
    grids += read_grids(kernel_html(SOBEL_X, 1))
    assert all(g["bar"] and len(g["ticktext"]) == 3 for g in grids)
    assert grids[1]["ticktext"] == ["-2", "0", "2"] == grids[3]["ticktext"]
    assert grids[0]["ticktext"] == ["0", "0.5", "1"]
    assert [g["title"] for g in grids[:3]] == ["a", "b", "c"]  # one bar under each panel, in order


def test_no_negative_zero_anywhere():
    # The corner window reads zero padding: 0 × (negative weight) is -0.0.
    ma = multiply_add(torch.rand(6, 6), SOBEL_X, ConvGeometry(3, 1), 0, 0)
    assert bool(((ma.products == 0) & torch.signbit(ma.products)).any())
    html = multiply_add_html(ma.patch, ma.weights, ma.products, ["a", "b", "c"])
    assert 'data-v="-0"' not in html
    assert not [s for s in _texts(html) if re.fullmatch(r"[-−]0(\.0*)?", s)]


def test_cell_numbers_are_short_and_agree_with_the_digits_rule():
    gauss = torch.tensor([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=torch.float32) / 16
    assert read_grids(kernel_html(gauss, 1))[0]["text"] == [
        ["0.0625", "0.125", "0.0625"],
        ["0.125", "0.25", "0.125"],
        ["0.0625", "0.125", "0.0625"],
    ]
    box = torch.full((5, 5), 1 / 3)
    assert read_grids(kernel_html(box, 1))[0]["text"][0][0] == "0.33"  # not 0.3333333432674408
    seven = read_grids(kernel_html(torch.full((7, 7), 1 / 49), 1))[0]
    assert not any(t for row in seven["text"] for t in row)  # too narrow for numbers: the value on hover
    assert seven["titles"][0][0] == "0.020408"
    assert (cell_digits(3), cell_digits(5), cell_digits(7)) == (3, 2, None)


def test_no_long_floats_in_any_text():
    ma = multiply_add(torch.rand(9, 9), torch.full((5, 5), 1 / 3), ConvGeometry(5, 2), 4, 4)
    html = multiply_add_html(ma.patch, ma.weights, ma.products, ["a", "b", "c"])
    assert not [s for s in _texts(html) if LONG_FLOAT.search(s)]


def test_numbers_are_readable_on_their_cells():
    """White numbers on dark cells, black on light ones (WCAG relative luminance, computed here)."""
    (grid,) = read_grids(kernel_html(SOBEL_X, 1))
    ma = multiply_add(torch.rand(6, 6), SOBEL_X, ConvGeometry(3, 1), 2, 2)
    cells = grid["cells"] + [
        c for g in read_grids(multiply_add_html(ma.patch, ma.weights, ma.products, "abc")) for c in g["cells"]
    ]
    for cell in cells:
        lin = [
            (v / 255 / 12.92) if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4
            for v in _rgb(cell["colour"])
        ]
        bg = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
        fg = 1.0 if cell["ink"] == "#ffffff" else 0.0
        contrast = (max(bg, fg) + 0.05) / (min(bg, fg) + 0.05)
        assert contrast >= 4.5, (cell, contrast)


def test_sliding_window_writes_numbers_up_to_nine_columns():
    crop = torch.rand(10, 10, generator=torch.Generator().manual_seed(0))
    out = torch.rand(8, 8, generator=torch.Generator().manual_seed(1))
    taps = [([r, r + 1, r + 2], [c, c + 1, c + 2]) for r in range(8) for c in range(8)]
    spec = sliding_window_figure(crop, out, taps, LABELS).to_dict()
    assert "text" not in spec["data"][0]  # 10 columns of input: hover only
    cells = spec["frames"][-1]["data"][0]
    assert cells["text"][0][0] == f"{float(out[0, 0]):.2g}"
    assert not spec["layout"]["annotations"]  # the page writes the titles above the chart


def test_every_colour_of_the_scale_gets_readable_numbers():
    """The whole diverging scale, not a random sample: each cell's ink contrasts at least 4.5:1."""
    from components.figures.grid_html import grid

    z = np.linspace(-1.0, 1.0, 257)[None, :]
    (g,) = read_grids(grid(z, True, limit=1.0))
    for cell in g["cells"]:
        lin = [
            (v / 255 / 12.92) if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4
            for v in _rgb(cell["colour"])
        ]
        bg = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
        fg = 1.0 if cell["ink"] == "#ffffff" else 0.0
        assert (max(bg, fg) + 0.05) / (min(bg, fg) + 0.05) >= 4.5, cell
