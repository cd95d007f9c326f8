"""Gradient descent figures: the contour picture pixel by pixel, and the traces carry the paths' numbers."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pytest
import torch
from PIL import Image
from plotly.colors import sample_colorscale, unlabel_rgb

from components.compute.descent import Path
from components.figures.descent import FRAMES, RUN_TRACES, descent_figure, landscape_image
from components.figures.descent_surface import surface_figure
from components.figures.raster import contour_pixels


def _reference_pixels(z: np.ndarray, levels: int) -> np.ndarray:
    """Naive loops: band of each pixel, Viridis at the band's middle, darker where the right or lower neighbour's
    band differs."""
    z = z[::-1]
    finite = np.isfinite(z)
    lo, hi = z[finite].min(), z[finite].max()
    h, w = z.shape
    band = np.zeros((h, w), dtype=int)
    for i in range(h):
        for j in range(w):
            if finite[i, j]:
                band[i, j] = min(math.floor((z[i, j] - lo) / (hi - lo) * levels), levels - 1)
            elif z[i, j] > 0:  # +inf: the top band; nan and -inf: the bottom one (they are transparent anyway)
                band[i, j] = levels - 1
    out = np.zeros((h, w, 4), dtype=np.uint8)
    for i in range(h):
        for j in range(w):
            idx = round((band[i, j] + 0.5) * 255 / levels)
            rgb = np.array(unlabel_rgb(sample_colorscale("Viridis", [idx / 255])[0]), dtype=float).round()
            right = j + 1 < w and band[i, j + 1] != band[i, j]
            below = i + 1 < h and band[i + 1, j] != band[i, j]
            if right or below:  # one-pixel lines: the pixel before each change of band
                rgb = np.floor(rgb * 0.6)
            out[i, j, :3] = rgb
            out[i, j, 3] = 255 if finite[i, j] else 0
    return out


def test_contour_pixels_match_a_naive_reference():
    g = torch.Generator().manual_seed(3)
    z = torch.rand(9, 11, generator=g, dtype=torch.float64) * 7 - 2
    z[2, 3], z[5, 5], z[7, 1] = math.nan, math.inf, -math.inf
    got = contour_pixels(z, levels=5)
    np.testing.assert_array_equal(got, _reference_pixels(z.numpy(), 5))


def test_contour_pixels_of_a_flat_surface_are_one_band_without_lines():
    px = contour_pixels(torch.full((4, 6), 3.0, dtype=torch.float64))
    assert (px == px[0, 0]).all() and px[0, 0, 3] == 255


def test_contour_pixels_put_the_largest_y_on_top():
    ys = torch.linspace(0, 1, 20, dtype=torch.float64)
    z = ys[:, None].expand(20, 5)  # grows with the row index, i.e. with y
    px = contour_pixels(z, levels=4).astype(int)
    assert px[0, 0, :3].sum() > px[-1, 0, :3].sum()  # Viridis: bright yellow at the top, dark purple below


def test_landscape_image_spans_the_region_and_decodes_to_the_pixels():
    xs = torch.linspace(-2, 3, 30, dtype=torch.float64)
    ys = torch.linspace(-1, 1, 20, dtype=torch.float64)
    z = xs[None, :] ** 2 + ys[:, None] ** 2
    image = landscape_image((xs, ys, z), log=False, levels=8)
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == pytest.approx((-2, 1, 5, 2))
    assert image["xref"] == "x" and image["yref"] == "y" and image["layer"] == "below"
    header, data = image["source"].split(",", 1)
    assert header == "data:image/png;base64"
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA"))
    np.testing.assert_array_equal(decoded, contour_pixels(z, 8))


def test_landscape_image_on_a_log_scale_bands_log10_of_the_shifted_values():
    xs = torch.linspace(-1, 1, 16, dtype=torch.float64)
    z = 1 + 1000 * xs[None, :] ** 2 + xs[:, None] ** 2
    image = landscape_image((xs, xs, z), log=True, levels=6)
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(image["source"].split(",", 1)[1]))).convert("RGBA"))
    np.testing.assert_array_equal(decoded, contour_pixels(torch.log10(z - z.min() + 1e-3), 6))


def _path(n: int, diverged_at: int | None = None) -> Path:
    k = torch.arange(n, dtype=torch.float64)
    grads = torch.stack([k + 1, -(k + 2)], 1)
    return Path(0.1 * k, -0.2 * k, 10.0 / (k + 1), grads, diverged_at, None)


SIX = 1e-5  # specs carry 6 significant digits
IMAGE = {"source": "", "x": -3.0, "y": 2.0, "sizex": 6.0, "sizey": 4.0}


def test_descent_figure_draws_each_path_to_the_step_with_its_next_step_arrow():
    paths, lrs = [_path(31), _path(12, diverged_at=12)], [0.5, 0.01]
    fig = descent_figure(IMAGE, paths, 20, ["a", "b"], lrs, ((0.0, 0.0),), False, "step", (1.73, 0.11), "Start")
    data = fig.spec["data"]
    assert data[0]["x"] == [1.73] and data[0]["y"] == [0.11] and "Start (" in data[0]["hovertemplate"]  # start
    assert data[1]["x"] == [0.0] and data[1]["y"] == [0.0]  # minima
    for i, (path, lr) in enumerate(zip(paths, lrs, strict=True)):
        line, arrow = data[RUN_TRACES + 2 * i], data[RUN_TRACES + 2 * i + 1]
        k = min(20, len(path.xs) - 1)
        assert line["x"] == pytest.approx(path.xs[: k + 1].tolist(), rel=SIX)
        assert line["y"] == pytest.approx(path.ys[: k + 1].tolist(), rel=SIX)
        gx, gy = path.grads[k].tolist()
        x, y = path.xs[k].item(), path.ys[k].item()
        assert arrow["x"] == pytest.approx([x, x - lr * gx]) and arrow["y"] == pytest.approx([y, y - lr * gy])
    curves = data[RUN_TRACES + 4 : RUN_TRACES + 6]
    assert [c["yaxis"] for c in curves] == ["y2", "y2"]
    assert curves[0]["y"] == pytest.approx(paths[0].losses.tolist(), rel=SIX) and curves[0]["x"] == list(range(31))
    markers = data[RUN_TRACES + 6]
    assert markers["x"] == [20, 11] and markers["y"] == pytest.approx([10 / 21, 10 / 12], rel=SIX)


def test_descent_figure_frames_animate_paths_and_loss_markers():
    paths = [_path(301), _path(50)]
    fig = descent_figure(IMAGE, paths, 300, ["a", "b"], [0.1, 0.1], (), False, "step")
    frames = fig.spec["frames"]
    assert 2 <= len(frames) <= FRAMES and frames[-1]["name"] == "300"
    moving = frames[0]["traces"]
    assert moving == [RUN_TRACES, RUN_TRACES + 1, RUN_TRACES + 2, RUN_TRACES + 3, RUN_TRACES + 6]
    last = frames[-1]["data"]
    assert last[0]["x"][-1] == pytest.approx(30.0) and last[2]["x"][-1] == pytest.approx(4.9)  # each path's end
    assert last[-1]["x"] == [300, 49]
    assert all(len(f["data"]) == len(moving) for f in frames)


def test_descent_figure_loss_axis_is_log_only_when_every_loss_is_positive():
    path = _path(4)
    below = Path(path.xs, path.ys, torch.tensor([4.0, 1.0, 0.0, -1.0], dtype=torch.float64), path.grads, None, None)
    fig = descent_figure(IMAGE, [below], 3, ["a"], [0.1], (), True, "step")
    assert fig.spec["layout"]["yaxis2"]["type"] == "linear"  # log(f) of a loss below 0 means nothing
    assert fig.spec["data"][RUN_TRACES + 2]["y"] == [4.0, 1.0, 0.0, -1.0]
    wide = Path(path.xs, path.ys, torch.tensor([1e3, 1.0, 1e-2, 1e-4], dtype=torch.float64), path.grads, None, None)
    assert descent_figure(IMAGE, [wide], 3, ["a"], [0.1], (), True, "step").spec["layout"]["yaxis2"] == {
        **descent_figure(IMAGE, [wide], 3, ["a"], [0.1], (), True, "step").spec["layout"]["yaxis2"],
        "type": "log",
        "dtick": 1,
    }
    narrow = Path(path.xs, path.ys, torch.tensor([4.0, 3.0, 2.0, 1.5], dtype=torch.float64), path.grads, None, None)
    axis = descent_figure(IMAGE, [narrow], 3, ["a"], [0.1], (), True, "step").spec["layout"]["yaxis2"]
    assert axis["type"] == "log" and "dtick" not in axis


def test_descent_figure_never_lets_the_browser_move_margins():
    """Every automatic margin push redraws the whole chart in the browser (~100 ms each)."""
    layout = descent_figure(IMAGE, [_path(3)], 2, ["a"], [0.1], (), False, "step").spec["layout"]
    assert all(layout[axis]["automargin"] is False for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2"))
    assert layout["images"] == [IMAGE]


def test_descent_figure_is_lean_without_a_click_grid():
    """Clicks are read from the pointer (ui.plot_click): no trace of invisible points, the spec stays small."""
    data = descent_figure(IMAGE, [_path(3)], 2, ["a"], [0.1], (), False, "step", (0.5, 0.5)).spec["data"]
    assert sum(len(d.get("x", [])) for d in data) < 50
    assert data[0]["x"] == [0.5] and data[0]["marker"]["symbol"] == "circle-open"
    assert descent_figure(IMAGE, [_path(3)], 2, ["a"], [0.1], (), False, "step").spec["data"][0]["x"] == []


def test_surface_figure_draws_each_path_on_the_surface_up_to_the_step():
    xs = ys = torch.linspace(-1, 1, 5, dtype=torch.float64)
    z = xs[None, :] ** 2 + ys[:, None] ** 2
    paths = [_path(10), _path(3)]
    data = surface_figure((xs, ys, z), paths, 5, ["a", "b"], False).spec["data"]
    assert data[0]["type"] == "surface" and data[0]["z"][0][0] == pytest.approx(2.0)
    assert [len(d["x"]) for d in data[1:]] == [6, 3]
    assert data[1]["z"] == pytest.approx(paths[0].losses[:6].tolist(), rel=SIX)
    logged = surface_figure((xs, ys, z), paths, 5, ["a", "b"], True).spec["data"]
    assert logged[0]["z"][2][2] == pytest.approx(-3.0)  # log10(0 - min + 1e-3) at the minimum
