"""Convolution figures: one colour scale for the weights, a colour bar that explains it, numbers people read.

References are computed here by hand: the colour position of a weight is
``(w + L) / 2L`` with ``L = max |w|`` (NumPy), the expected cell text is written
out literally.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch

from components.compute.convolution import ConvGeometry, multiply_add
from components.figures.convolution import kernel_figure, multiply_add_figure, sliding_window_figure
from components.figures.heatgrid import cell_digits

SOBEL_X = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
LONG_FLOAT = re.compile(r"\d\.\d{6,}")
LABELS = {"input": "", "output": "", "play": "Play", "pause": "Pause", "step": "Step"}


def _colour_position(trace: dict, value: float) -> float:
    return (value - trace["zmin"]) / (trace["zmax"] - trace["zmin"])


def _texts(fig) -> list[str]:
    out = []
    for trace in fig.to_dict()["data"]:
        out += [v for row in trace.get("text", []) for v in row]
        out += trace.get("colorbar", {}).get("ticktext", [])
    return out


@pytest.mark.parametrize("seed", range(4))
def test_same_weight_same_colour_in_the_kernel_and_multiply_add_figures(seed):
    kernel = torch.randn(3, 3, generator=torch.Generator().manual_seed(seed))
    ma = multiply_add(torch.rand(6, 6), kernel, ConvGeometry(3, 1), 2, 2)
    k_trace = kernel_figure(kernel, 1).to_dict()["data"][0]
    w_trace = multiply_add_figure(ma.patch, ma.weights, ma.products, ["a", "b", "c"]).to_dict()["data"][1]
    limit = np.abs(kernel.numpy()).max()
    for w in kernel.flatten().tolist():
        want = (w + limit) / (2 * limit)
        assert _colour_position(k_trace, w) == pytest.approx(want, abs=1e-6)
        assert _colour_position(w_trace, w) == pytest.approx(want, abs=1e-6)
    assert k_trace["colorscale"] == w_trace["colorscale"]


def test_dilated_kernel_keeps_the_scale_of_its_weights():
    kernel = torch.tensor([[0.5, -0.25], [0.125, 0.0]])
    trace = kernel_figure(kernel, 3).to_dict()["data"][0]
    assert (trace["zmin"], trace["zmax"]) == (-0.5, 0.5)


def test_every_panel_has_a_colour_bar_with_readable_ticks():
    ma = multiply_add(torch.rand(6, 6), SOBEL_X, ConvGeometry(3, 1), 2, 2)
    traces = multiply_add_figure(ma.patch, ma.weights, ma.products, ["a", "b", "c"]).to_dict()["data"]
    traces.append(kernel_figure(SOBEL_X, 1).to_dict()["data"][0])
    for trace in traces:
        bar = trace["colorbar"]
        assert trace["showscale"] is True and bar["orientation"] == "h"
        assert bar["tickvals"] == [trace["zmin"], pytest.approx((trace["zmin"] + trace["zmax"]) / 2), trace["zmax"]]
    assert traces[1]["colorbar"]["ticktext"] == ["-2", "0", "2"]
    assert traces[0]["colorbar"]["ticktext"] == ["0", "0.5", "1"]
    bars = [t["colorbar"] for t in traces[:3]]
    assert bars[0]["x"] < bars[1]["x"] < bars[2]["x"]  # one under each panel


def test_no_negative_zero_anywhere():
    # The corner window reads zero padding: 0 × (negative weight) is -0.0.
    ma = multiply_add(torch.rand(6, 6), SOBEL_X, ConvGeometry(3, 1), 0, 0)
    assert bool(((ma.products == 0) & torch.signbit(ma.products)).any())
    fig = multiply_add_figure(ma.patch, ma.weights, ma.products, ["a", "b", "c"])
    spec = json.dumps(fig.to_dict())
    assert "-0.0," not in spec and "-0.0]" not in spec
    assert not [s for s in _texts(fig) if re.fullmatch(r"[-−]0(\.0*)?", s)]


def test_cell_numbers_are_short_and_agree_with_the_digits_rule():
    gauss = torch.tensor([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=torch.float32) / 16
    assert [row for row in kernel_figure(gauss, 1).to_dict()["data"][0]["text"]] == [
        ["0.0625", "0.125", "0.0625"],
        ["0.125", "0.25", "0.125"],
        ["0.0625", "0.125", "0.0625"],
    ]
    box = torch.full((5, 5), 1 / 3)
    assert kernel_figure(box, 1).to_dict()["data"][0]["text"][0][0] == "0.33"  # not 0.3333333432674408
    assert "text" not in kernel_figure(torch.full((7, 7), 1 / 49), 1).to_dict()["data"][0]  # too narrow: hover
    assert (cell_digits(3), cell_digits(5), cell_digits(7)) == (3, 2, None)


def test_no_long_floats_in_any_text():
    ma = multiply_add(torch.rand(9, 9), torch.full((5, 5), 1 / 3), ConvGeometry(5, 2), 4, 4)
    fig = multiply_add_figure(ma.patch, ma.weights, ma.products, ["a", "b", "c"])
    assert not [s for s in _texts(fig) if LONG_FLOAT.search(s)]


def test_sliding_window_writes_numbers_up_to_nine_columns():
    crop = torch.rand(10, 10, generator=torch.Generator().manual_seed(0))
    out = torch.rand(8, 8, generator=torch.Generator().manual_seed(1))
    taps = [([r, r + 1, r + 2], [c, c + 1, c + 2]) for r in range(8) for c in range(8)]
    spec = sliding_window_figure(crop, out, taps, LABELS).to_dict()
    assert "text" not in spec["data"][0]  # 10 columns of input: hover only
    cells = spec["frames"][-1]["data"][0]
    assert cells["text"][0][0] == f"{float(out[0, 0]):.2g}"
    assert not spec["layout"]["annotations"]  # the page writes the titles above the chart
