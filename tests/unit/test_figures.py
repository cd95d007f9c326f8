"""components.figures.convolution and theme: the traces carry the numbers they are given.

The builders write Plotly specs as plain dicts; every test reads ``fig.to_dict()``
(what Streamlit sends) and a few also validate it with ``go.Figure`` so a
misspelt property cannot pass unnoticed.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from components.compute.convolution import ConvGeometry, convolve, multiply_add, output_size, pad, window_taps
from components.figures.convolution import kernel_html, multiply_add_html, sliding_window_figure
from components.figures.spec import SpecFigure
from components.figures.theme import BASE_FONT, PALETTE, PROJECTOR_FONT, apply_theme, log_axis
from tests.grid_reader import read_grids

LABELS = {"input": "In", "output": "Out", "play": "Play", "pause": "Pause", "step": "Step"}
SOBEL_X = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
BOX = torch.full((3, 3), 1 / 9)
Z_ATOL = 5.1e-5  # the specs keep 4 decimals of every z value


def spec(fig) -> dict:
    return fig.to_dict()


def z_array(trace: dict) -> np.ndarray:
    """``z`` with ``None`` (an empty cell) as NaN."""
    return np.array([[np.nan if v is None else v for v in row] for row in trace["z"]], dtype=np.float64)


def heatmaps(traces: list[dict]) -> list[dict]:
    return [t for t in traces if t["type"] == "heatmap"]


def axis(trace: dict) -> str:
    return trace.get("xaxis", "x")


def assert_valid_plotly(fig) -> None:
    """Plotly's own validation accepts the spec, and it is strict JSON (no NaN)."""
    go.Figure(copy.deepcopy(spec(fig)))
    json.dumps(spec(fig), allow_nan=False)


def assert_colorscale_ok(trace: dict) -> None:
    """plotly.js knows no reversed ``*_r`` names: a spec must carry a list of [position, colour] pairs."""
    scale = trace["colorscale"]
    assert isinstance(scale, list | tuple), scale
    positions = [float(p) for p, _ in scale]
    assert positions[0] == 0.0 and positions[-1] == 1.0 and positions == sorted(positions)


# --------------------------------------------------------------------------- kernel_html


def z_grid(grid: dict) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in grid["z"]], dtype=float)


@pytest.mark.parametrize("k", [1, 3, 5, 9, 15])
def test_kernel_picture_shows_the_weights(k):
    kernel = torch.randn(k, k, generator=torch.Generator().manual_seed(k))
    (grid,) = read_grids(kernel_html(kernel, 1, "Kernel weights"))
    np.testing.assert_allclose(z_grid(grid), kernel.double().numpy(), rtol=1e-5, atol=Z_ATOL)
    assert grid["title"] == "Kernel weights"


def test_kernel_picture_dilation_leaves_holes_between_taps():
    kernel = torch.arange(9, dtype=torch.float32).reshape(3, 3) - 4
    z = z_grid(read_grids(kernel_html(kernel, 3, "k"))[0])
    assert z.shape == (7, 7)  # span D(K-1)+1 = 7
    np.testing.assert_allclose(z[::3, ::3], kernel.double().numpy(), atol=Z_ATOL)
    holes = np.ones((7, 7), bool)
    holes[::3, ::3] = False
    assert np.isnan(z[holes]).all()


def test_kernel_picture_symmetric_signed_scale():
    (grid,) = read_grids(kernel_html(SOBEL_X, 1, "k"))
    assert grid["zmin"] == -2.0 and grid["zmax"] == 2.0  # zero sits in the white middle of the diverging scale
    assert grid["colours"][1][0] != grid["colours"][1][2] and grid["colours"][0][1] == grid["colours"][1][1]


def test_kernel_picture_all_zero_kernel_has_a_usable_scale():
    (grid,) = read_grids(kernel_html(torch.zeros(3, 3), 1, "k"))
    assert grid["zmax"] > 0 and np.isfinite(grid["zmax"]) and grid["zmin"] == -grid["zmax"]


def test_kernel_picture_cell_text_for_small_kernels():
    (grid,) = read_grids(kernel_html(SOBEL_X, 1, "k"))
    assert [[float(v) for v in row] for row in grid["text"]] == SOBEL_X.tolist()


def test_kernel_picture_title_is_text_not_markup():
    (grid,) = read_grids(kernel_html(SOBEL_X, 1, "<b>k</b> & 1"))
    assert grid["title"] == "<b>k</b> & 1"  # escaped: shown as written


# --------------------------------------------------------------------------- multiply_add_html


def test_multiply_add_picture_three_grids_with_the_inputs():
    g = ConvGeometry(3, 1, "reflect")
    channel = torch.rand(6, 7, generator=torch.Generator().manual_seed(1))
    ma = multiply_add(channel, SOBEL_X, g, 0, 3)
    grids = read_grids(multiply_add_html(ma.patch, ma.weights, ma.products, ["A", "B", "C"]))
    np.testing.assert_allclose(z_grid(grids[0]), ma.patch.double().numpy(), rtol=1e-5, atol=Z_ATOL)
    np.testing.assert_allclose(z_grid(grids[1]), SOBEL_X.double().numpy(), atol=Z_ATOL)
    np.testing.assert_allclose(z_grid(grids[2]), (ma.patch * SOBEL_X).double().numpy(), rtol=1e-5, atol=Z_ATOL)
    assert [g["title"] for g in grids] == ["A", "B", "C"]


def test_multiply_add_picture_patch_on_a_fixed_grey_scale_and_weights_signed():
    ma = multiply_add(torch.rand(5, 5), SOBEL_X, ConvGeometry(3), 1, 1)
    grids = read_grids(multiply_add_html(ma.patch, ma.weights, ma.products, ["A", "B", "C"]))
    assert (grids[0]["zmin"], grids[0]["zmax"]) == (0.0, 1.0)
    assert grids[1]["zmin"] == -grids[1]["zmax"] == -2.0
    grey = [int(c[1:3], 16) for row in grids[0]["colours"] for c in row]
    values = [v for row in grids[0]["z"] for v in row]
    assert all(abs(g - 255 * v) <= 1 for g, v in zip(grey, values, strict=True))  # grey level = the pixel value


# --------------------------------------------------------------------------- sliding_window_figure


def _window_case(kernel: torch.Tensor, g: ConvGeometry, size: int = 6, seed: int = 0):
    crop = torch.rand(size, size, generator=torch.Generator().manual_seed(seed))
    out = convolve(crop.unsqueeze(0), kernel, g)[0]
    n = output_size(size, g)
    positions = [(y, x) for y in range(n) for x in range(n)]
    taps = [window_taps(y, x, g) for y, x in positions]
    padded = pad(crop.unsqueeze(0), g)[0]
    return padded, out, taps, positions


def _roles(traces: list[dict]) -> dict[str, dict]:
    """Name a frame's traces by what they show, whatever their order."""
    roles = {}
    for t in traces:
        if t.get("name") == "grid":
            roles["grid"] = t  # the static light cells the output fills in
        elif t["type"] == "heatmap":
            roles["output" if axis(t) == "x2" else "input"] = t
        elif t.get("mode") == "lines":
            roles["cell" if axis(t) == "x2" else "outline"] = t
        else:
            roles["taps"] = t
    return roles


CASES = [
    (SOBEL_X, ConvGeometry(3, 1)),
    (BOX, ConvGeometry(3, 0, "zeros", 2, 1)),
    (SOBEL_X, ConvGeometry(3, 2, "reflect", 2, 2)),
    (torch.ones(1, 1), ConvGeometry(1, 0, "zeros", 3, 1)),
]
IDS = [str(g) for _, g in CASES]


@pytest.mark.parametrize(("kernel", "g"), CASES, ids=IDS)
def test_sliding_window_traces_and_frames(kernel, g):
    padded, out, taps, positions = _window_case(kernel, g)
    s = spec(sliding_window_figure(padded, out, taps, LABELS))
    data, frames = s["data"], s["frames"]
    assert sorted(_roles(data)) == ["cell", "grid", "input", "outline", "output", "taps"]
    assert len(data) == 6
    grid = _roles(data)["grid"]
    assert np.array(grid["z"]).shape == tuple(out.shape)  # every output cell is drawn before it is filled
    np.testing.assert_allclose(z_array(_roles(data)["input"]), padded.double().numpy(), atol=Z_ATOL)
    assert len(frames) == len(positions) == out.numel()
    assert len(s["layout"]["sliders"][0]["steps"]) == len(positions)
    assert [st["args"][0] for st in s["layout"]["sliders"][0]["steps"]] == [[f["name"]] for f in frames]
    assert [a["text"] for a in s["layout"]["annotations"]] == ["In", "Out"]
    assert [b["label"] for b in s["layout"]["updatemenus"][0]["buttons"]] == ["Play", "Pause"]
    # every frame replaces data traces of the same kind, on the same axes
    for frame in frames:
        assert len(frame["traces"]) == len(frame["data"])
        for index, trace in zip(frame["traces"], frame["data"], strict=True):
            assert data[index]["type"] == trace["type"]
            assert axis(data[index]) == axis(trace)
            assert data[index].get("mode") == trace.get("mode")
        assert 0 not in frame["traces"]  # the input crop never changes


@pytest.mark.parametrize(("kernel", "g"), CASES, ids=IDS)
def test_sliding_window_first_frame_shows_one_value(kernel, g):
    padded, out, taps, _ = _window_case(kernel, g)
    shown = z_array(_roles(spec(sliding_window_figure(padded, out, taps, LABELS))["data"])["output"])
    assert shown.shape == tuple(out.shape)
    assert np.isfinite(shown).sum() == 1
    assert shown[0, 0] == pytest.approx(float(out[0, 0]), abs=Z_ATOL)


@pytest.mark.parametrize(("kernel", "g"), CASES, ids=IDS)
def test_sliding_window_each_frame_fills_one_more_value_at_the_window(kernel, g):
    padded, out, taps, positions = _window_case(kernel, g)
    frames = spec(sliding_window_figure(padded, out, taps, LABELS))["frames"]
    want = out.double().numpy()
    for step, (frame, (oy, ox), (rows, cols)) in enumerate(zip(frames, positions, taps, strict=True)):
        r = _roles(frame["data"])
        shown = z_array(r["output"])
        filled = np.isfinite(shown)
        assert filled.sum() == step + 1
        assert filled[oy, ox]
        np.testing.assert_allclose(shown[filled], want[filled], atol=Z_ATOL)
        # the outline box encloses exactly the taps, the markers sit on them
        assert min(r["outline"]["x"]) == cols[0] - 0.5 and max(r["outline"]["x"]) == cols[-1] + 0.5
        assert min(r["outline"]["y"]) == rows[0] - 0.5 and max(r["outline"]["y"]) == rows[-1] + 0.5
        marked = sorted(zip(r["taps"]["x"], r["taps"]["y"], strict=True))
        assert marked == sorted((c, rr) for rr in rows for c in cols)
        # the current output cell is outlined: a unit square around (ox, oy)
        assert (min(r["cell"]["x"]), max(r["cell"]["x"])) == (ox - 0.5, ox + 0.5)
        assert (min(r["cell"]["y"]), max(r["cell"]["y"])) == (oy - 0.5, oy + 0.5)
        assert frame["name"] == str(step)


def test_sliding_window_marked_taps_times_kernel_give_the_frame_value():
    g = ConvGeometry(3, 1, "replicate", 2, 1)
    padded, out, taps, positions = _window_case(SOBEL_X, g, size=7, seed=3)
    frames = spec(sliding_window_figure(padded, out, taps, LABELS))["frames"]
    p, k = padded.double().numpy(), SOBEL_X.double().numpy()
    for frame, (oy, ox) in zip(frames, positions, strict=True):
        taps_trace = _roles(frame["data"])["taps"]
        ys, xs = sorted(set(taps_trace["y"])), sorted(set(taps_trace["x"]))
        total = sum(p[y, x] * k[i, j] for i, y in enumerate(ys) for j, x in enumerate(xs))
        assert total == pytest.approx(float(out[oy, ox]), abs=1e-5)


def test_sliding_window_colour_range_is_the_same_in_every_frame():
    """A filled cell must keep its colour while the animation proceeds: one range, +-max|output|."""
    padded, out, taps, _ = _window_case(SOBEL_X, ConvGeometry(3, 1))
    assert (out < 0).any()
    frames = spec(sliding_window_figure(padded, out, taps, LABELS))["frames"]
    limit = float(out.abs().max())
    ranges = {(_roles(f["data"])["output"]["zmin"], _roles(f["data"])["output"]["zmax"]) for f in frames}
    assert len(ranges) == 1
    zmin, zmax = ranges.pop()
    assert zmax == pytest.approx(limit) and zmin == pytest.approx(-limit)


def test_sliding_window_unfilled_cells_show_no_text():
    padded, out, taps, _ = _window_case(BOX, ConvGeometry(3, 1))
    frames = spec(sliding_window_figure(padded, out, taps, LABELS))["frames"]
    for step, frame in enumerate(frames):
        heat = _roles(frame["data"])["output"]
        if "text" not in heat:  # no cell labels at all is fine too
            continue
        labels = [str(v) for row in heat["text"] for v in row]
        assert sum(1 for v in labels if v.strip()) == step + 1
        assert "nan" not in labels and "None" not in labels


def test_sliding_window_spec_is_valid_plotly():
    padded, out, taps, _ = _window_case(SOBEL_X, ConvGeometry(3, 1, "circular"), size=5)
    fig = sliding_window_figure(padded, out, taps, LABELS)
    assert_valid_plotly(fig)
    for trace in heatmaps(spec(fig)["data"]) + [h for f in spec(fig)["frames"] for h in heatmaps(f["data"])]:
        assert_colorscale_ok(trace)


# --------------------------------------------------------------------------- theme


def _themed(projector: bool):
    padded, out, taps, _ = _window_case(SOBEL_X, ConvGeometry(3, 1))
    return apply_theme(sliding_window_figure(padded, out, taps, LABELS), projector=projector)


def test_apply_theme_projector_is_larger_and_thicker():
    normal, proj = spec(_themed(False)), spec(_themed(True))
    assert proj["layout"]["font"]["size"] > normal["layout"]["font"]["size"]
    for n, p in zip(normal["layout"]["annotations"], proj["layout"]["annotations"], strict=True):
        assert p["font"]["size"] > n["font"]["size"]
    rn, rp = _roles(normal["data"]), _roles(proj["data"])
    assert rp["outline"]["line"]["width"] > rn["outline"]["line"]["width"]
    assert rp["taps"]["marker"]["size"] > rn["taps"]["marker"]["size"]


def test_apply_theme_projector_reaches_animation_frames():
    """Frames replace the traces while the animation plays: they must be styled like the traces."""
    s = spec(_themed(True))
    data = _roles(s["data"])
    for frame in s["frames"]:
        r = _roles(frame["data"])
        assert r["outline"]["line"]["width"] == data["outline"]["line"]["width"]
        assert r["taps"]["marker"]["size"] == data["taps"]["marker"]["size"]
        assert r["cell"]["line"]["width"] == data["cell"]["line"]["width"]


def test_apply_theme_returns_the_same_figure_and_uses_the_palette():
    padded, out, taps, _ = _window_case(BOX, ConvGeometry(3, 1))
    fig = sliding_window_figure(padded, out, taps, LABELS)
    assert apply_theme(fig) is fig
    assert list(spec(fig)["layout"]["colorway"]) == PALETTE
    assert spec(fig)["layout"]["paper_bgcolor"].lower() in ("#ffffff", "white")
    assert_valid_plotly(fig)


def test_apply_theme_projector_on_every_builder_stays_valid():
    padded, out, taps, _ = _window_case(SOBEL_X, ConvGeometry(3, 1))
    assert_valid_plotly(apply_theme(sliding_window_figure(padded, out, taps, LABELS), projector=True))


def test_apply_theme_is_idempotent():
    once = spec(_themed(True))
    padded, out, taps, _ = _window_case(SOBEL_X, ConvGeometry(3, 1))
    twice = sliding_window_figure(padded, out, taps, LABELS)
    apply_theme(twice, projector=True)
    apply_theme(twice, projector=True)
    assert spec(twice) == once


def test_apply_theme_projector_enlarges_fixed_size_figures():
    def fixed() -> SpecFigure:
        return SpecFigure({"data": [], "layout": {"width": 280, "height": 260}})

    normal = spec(apply_theme(fixed(), projector=False))["layout"]
    big = spec(apply_theme(fixed(), projector=True))["layout"]
    assert big["width"] > normal["width"] and big["height"] > normal["height"]
    assert big["font"]["size"] > normal["font"]["size"]


def test_sliding_window_opens_on_the_requested_frame():
    padded, out, taps, _ = _window_case(SOBEL_X, ConvGeometry(3, 1))
    s = spec(sliding_window_figure(padded, out, taps, LABELS, start=5))
    assert s["layout"]["sliders"][0]["active"] == 5
    shown = z_array(_roles(s["data"])["output"])
    assert np.isfinite(shown).sum() == 6  # positions 0..5 filled
    assert _roles(s["data"])["cell"]["x"] == _roles(s["frames"][5]["data"])["cell"]["x"]


def test_apply_theme_projector_scales_per_point_sizes():
    fig = SpecFigure({"data": [{"type": "scatter", "marker": {"size": [12, 4]}, "line": {"width": 2}}], "layout": {}})
    trace = spec(apply_theme(fig, projector=True))["data"][0]
    assert trace["marker"]["size"] == [18.0, 6.0]
    assert trace["line"]["width"] == 3.0


def test_apply_theme_sizes_every_axis_text_with_the_font():
    """Streamlit's template would keep tick labels at ~12 px: a projector needs them at the figure's font size."""
    fig = SpecFigure({"data": [], "layout": {"xaxis": {"title": {"text": "x"}}, "yaxis2": {}, "scene": {}}})
    layout = spec(apply_theme(fig, projector=True))["layout"]
    axes = [layout["xaxis"], layout["yaxis2"], *(layout["scene"][k] for k in ("xaxis", "yaxis", "zaxis"))]
    assert all(a["tickfont"]["size"] == PROJECTOR_FONT and a["title"]["font"]["size"] > PROJECTOR_FONT for a in axes)
    assert layout["xaxis"]["title"]["text"] == "x"
    bare = spec(apply_theme(SpecFigure({"data": []})))["layout"]
    assert bare["xaxis"]["tickfont"]["size"] == bare["yaxis"]["tickfont"]["size"] == BASE_FONT


def test_apply_theme_keeps_a_figure_s_own_margins_and_scales_them_for_a_projector():
    def margin(projector: bool) -> dict:
        fig = SpecFigure({"data": [], "layout": {"margin": {"l": 60, "b": 50}}})
        return spec(apply_theme(fig, projector=projector))["layout"]["margin"]

    assert margin(False) == {"l": 60, "b": 50}
    assert margin(True) == {"l": 129, "b": 108}  # x 28/13: the margins hold 28 px tick labels instead of 13 px


def test_log_axis_labels_only_powers_of_ten_over_two_decades_and_fixes_a_padded_range():
    assert log_axis([1.0, 2.0, 5.0]) == {"type": "log", "exponentformat": "power"}  # < 1 decade: Plotly's ticks
    assert log_axis([1.0, 50.0])["dtick"] == 1
    assert log_axis([1e-300, 1e10])["dtick"] == 39  # 310 decades: about 8 labels, not 310
    wide = log_axis([1e-4, None, float("nan"), -3.0, 0.0, 10.0], fixed_range=True)
    assert wide["dtick"] == 1
    lo, hi = wide["range"]
    assert lo < -4 < 1 < hi and lo == pytest.approx(-4 - 0.55) and hi == pytest.approx(1 + 0.55)
    assert log_axis([None, float("inf"), -1.0]) == {"type": "log", "exponentformat": "power"}


def test_projector_theme_makes_every_chart_text_as_large_as_the_body_and_black():
    from components.figures.theme import PROJECTOR_FONT

    fig = SpecFigure(
        {
            "data": [{"type": "heatmap", "z": [[1]], "colorbar": {"title": "w"}}],
            "layout": {
                "title": {"text": "t"},
                "annotations": [{"text": "a"}, {"text": "∇f", "font": {"color": "#E69F00"}}],
                "xaxis": {"title": "x"},
            },
        }
    )
    layout = spec(apply_theme(fig, projector=True))["layout"]
    coloured = layout["annotations"][1]  # an arrow's label: black, framed in the arrow's colour
    assert coloured["font"]["color"] == "#000000" and coloured["bordercolor"] == "#E69F00"
    bar = fig.spec["data"][0]["colorbar"]["tickfont"]
    axis = layout["xaxis"]
    texts = [axis["tickfont"], axis["title"]["font"], layout["legend"]["font"], layout["title"]["font"], bar]
    texts += [note["font"] for note in layout["annotations"]]
    assert PROJECTOR_FONT >= 28  # assets/css/projector.css: body text 28 px
    assert all(f["size"] >= PROJECTOR_FONT and f["color"] == "#000000" for f in texts), texts
    assert "PlaygroundCJK" in layout["font"]["family"]  # Chinese labels in the shipped font


def test_projector_numbers_in_cells_fit_their_cells_up_to_the_body_size():
    """plotly.js sizes cell text of no size to the largest that fits the cell, capped at the layout font (the body
    size on a projector); on the screen they keep their fixed size."""
    for fig in (_themed(False),):
        cells = [t for t in spec(apply_theme(fig, projector=False))["data"] if t.get("texttemplate")]
        assert cells and all(isinstance(t["textfont"]["size"], int) for t in cells)
    for fig in (_themed(True),):
        s = spec(apply_theme(fig, projector=True))
        cells = [t for t in s["data"] if t.get("texttemplate")]
        assert cells and all("size" not in t["textfont"] for t in cells)
        assert s["layout"]["font"]["size"] == 28


def test_sliding_window_without_numbers_writes_no_cell_text():
    """Projector mode: body-sized digits do not fit the animation's cells, so none is written (hover only)."""
    padded, out, taps, _ = _window_case(SOBEL_X, ConvGeometry(3, 1))
    s = spec(sliding_window_figure(padded, out, taps, LABELS, numbers=False))
    traces = s["data"] + [t for f in s["frames"] for t in f["data"]]
    assert not [t for t in traces if t.get("type") == "heatmap" and t.get("text") is not None]
    with_numbers = spec(sliding_window_figure(padded, out, taps, LABELS))
    assert [t for t in with_numbers["data"] if t.get("type") == "heatmap" and t.get("text") is not None]
