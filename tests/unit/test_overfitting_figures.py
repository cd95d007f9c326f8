"""components.figures.overfitting and raster.class_pixels against independent references.

``class_pixels`` is checked pixel by pixel against a plain Python loop (and a few pixels by hand); the
figures' numbers are checked against the inputs they were given, their ranges against ``min``/``max`` and
``math.log10`` of those inputs, and every spec is validated by ``go.Figure`` so a misspelt property fails.
"""

from __future__ import annotations

import base64
import io
import math
import random

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from PIL import Image

from components.figures.overfitting import regions_image, sweep_figure, training_figure
from components.figures.raster import class_pixels

COLOURS = ["#0072B2", "#D55E00", "#009E73"]  # the page's class colours: blue, vermilion, green
LABELS = {
    "train": "TRAIN",
    "test": "TEST",
    "model": "MODEL",
    "train_loss": "TRAIN LOSS",
    "test_loss": "TEST LOSS",
    "best": "BEST",
    "epoch": "EPOCH",
    "loss": "LOSS",
    "x": "X AXIS",
    "y": "Y AXIS",
}
SWEEP_LABELS = {"train_loss": "TR", "test_loss": "TE", "loss": "L", "current": "NOW", "capacity": "CAP"}


# ---------------------------------------------------------------------------------------------- references


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def naive_class_pixels(probs: list, colours: list[str]) -> np.ndarray:
    """One pixel at a time: first most likely class, blended with white by confidence, boundary dark grey.

    ``probs`` is nested lists ``[row][column][class]``, row 0 at the top; NaN counts as probability 0.
    """
    h, w = len(probs), len(probs[0])
    labels = [[0] * w for _ in range(h)]
    out = np.zeros((h, w, 3), dtype=np.uint8)
    for i in range(h):
        for j in range(w):
            p = [0.0 if math.isnan(v) else float(v) for v in probs[i][j]]
            c = len(p)
            top = max(p)
            label = p.index(top)  # ties: the first class
            labels[i][j] = label
            sure = min(1.0, max(0.0, (top - 1 / c) / (1 - 1 / c)))
            strength = 0.12 + 0.38 * sure
            rgb = hex_rgb(colours[label % len(colours)])
            for k in range(3):
                out[i, j, k] = round(255 * (1 - strength) + rgb[k] * strength)  # half to even, as torch
    for i in range(h):
        for j in range(w):
            right = j + 1 < w and labels[i][j + 1] != labels[i][j]
            below = i + 1 < h and labels[i + 1][j] != labels[i][j]
            if right or below:
                out[i, j] = 60
    return out


def random_probs(h: int, w: int, c: int, seed: int) -> list:
    """Softmax probabilities in nested lists, with exact ties and NaN entries sprinkled in."""
    rng = random.Random(seed)
    probs = []
    for _ in range(h):
        row = []
        for _ in range(w):
            logits = [rng.gauss(0, 1.5) for _ in range(c)]
            z = sum(math.exp(v) for v in logits)
            row.append([math.exp(v) / z for v in logits])
        probs.append(row)
    for _ in range(h * w // 5):  # exact ties between the two (or three) best classes
        i, j = rng.randrange(h), rng.randrange(w)
        if c == 2 or rng.random() < 0.3:
            probs[i][j] = [1 / c] * c
        else:  # two equal best classes anywhere (the first of them wins), the rest smaller
            probs[i][j] = [0.1 / (c - 2)] * c
            for k in rng.sample(range(c), 2):
                probs[i][j][k] = 0.45
    for _ in range(h * w // 6):  # NaN: one entry, or the whole pixel
        i, j = rng.randrange(h), rng.randrange(w)
        if rng.random() < 0.5:
            probs[i][j] = [math.nan] * c
        else:
            probs[i][j][rng.randrange(c)] = math.nan
    return probs


def decode_png(uri: str) -> np.ndarray:
    head = "data:image/png;base64,"
    assert uri.startswith(head)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri[len(head) :]))).convert("RGB"))


def six_digits(v: float) -> float:
    return float(f"{v:.6g}")


def spec_of(fig) -> dict:
    spec = fig.to_dict()
    go.Figure(spec)  # plotly's validator: a misspelt property or bad value raises
    return spec


def axes(layout: dict) -> dict[str, dict]:
    return {k: v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))}


# ---------------------------------------------------------------------------------------------- class_pixels


def test_class_pixels_by_hand():
    # Two classes, one row: certain class 0 | certain class 1 | coin flip (tie -> class 0).
    probs = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]], dtype=torch.float64)
    got = class_pixels(probs, COLOURS)
    # pixel 0: its right neighbour is another class -> boundary.
    assert got[0, 0].tolist() == [60, 60, 60]
    # pixel 1: class 1 certain, strength 0.5: 127.5 + c/2; #D55E00 = (213, 94, 0) -> (234, 174.5, 127.5),
    # rounded half to even -> (234, 174, 128); its right neighbour is class 0 -> boundary as well.
    assert got[0, 1].tolist() == [60, 60, 60]
    # pixel 2: class 0, sure 0, strength 0.12: 224.4 + 0.12 c; #0072B2 = (0, 114, 178) -> (224.4, 238.08, 245.76)
    assert got[0, 2].tolist() == [224, 238, 246]
    alone = class_pixels(torch.tensor([[[0.0, 1.0]]], dtype=torch.float64), COLOURS)
    assert alone[0, 0].tolist() == [234, 174, 128]


def test_class_pixels_three_classes_by_hand():
    # sure = (0.6 - 1/3) / (2/3) = 0.4 -> strength 0.272; green #009E73 = (0, 158, 115)
    probs = torch.tensor([[[0.1, 0.3, 0.6]]], dtype=torch.float64)
    s = 0.12 + 0.38 * ((0.6 - 1 / 3) / (2 / 3))
    assert s == pytest.approx(0.272)
    expected = [round(255 * (1 - s)), round(255 * (1 - s) + 158 * s), round(255 * (1 - s) + 115 * s)]
    assert expected == [186, 229, 217]  # 185.64, 228.616, 216.92
    assert class_pixels(probs, COLOURS)[0, 0].tolist() == expected


@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_class_pixels_against_a_naive_loop(classes, seed):
    probs = random_probs(9, 13, classes, seed)
    got = class_pixels(torch.tensor(probs, dtype=torch.float64), COLOURS)
    assert got.dtype == np.uint8 and got.shape == (9, 13, 3)
    np.testing.assert_array_equal(got, naive_class_pixels(probs, COLOURS))


def test_class_pixels_float32_and_requires_grad_inputs():
    probs = random_probs(6, 5, 3, 7)
    t = torch.tensor(probs, dtype=torch.float32, requires_grad=True)
    as_float32 = [[[float(np.float32(v)) for v in px] for px in row] for row in probs]
    np.testing.assert_array_equal(class_pixels(t, COLOURS), naive_class_pixels(as_float32, COLOURS))


def test_class_pixels_more_classes_than_colours_reuse_the_colours():
    probs = random_probs(5, 6, 4, 3)
    np.testing.assert_array_equal(
        class_pixels(torch.tensor(probs, dtype=torch.float64), COLOURS), naive_class_pixels(probs, COLOURS)
    )


def test_class_pixels_boundary_is_marked_on_the_left_and_upper_side_only():
    # class 0 everywhere except the bottom-right pixel: only its left and upper neighbours are boundary.
    probs = [[[0.9, 0.1]] * 3 for _ in range(3)]
    probs[2][2] = [0.2, 0.8]
    got = class_pixels(torch.tensor(probs, dtype=torch.float64), COLOURS)
    edge = (got == 60).all(axis=-1)
    assert edge.tolist() == [[False, False, False], [False, False, True], [False, True, False]]
    np.testing.assert_array_equal(got, naive_class_pixels(probs, COLOURS))


def test_class_pixels_all_nan_is_a_pale_first_class():
    got = class_pixels(torch.full((2, 2, 3), math.nan, dtype=torch.float64), COLOURS)
    # every pixel: label 0, sure clamped to 0, strength 0.12 of blue (0, 114, 178)
    assert got.reshape(-1, 3).tolist() == [[224, 238, 246]] * 4


# ---------------------------------------------------------------------------------------------- regions_image


def test_regions_image_geometry_and_pixels():
    h, w = 7, 11
    probs = random_probs(h, w, 3, 5)  # row 0 at the lowest y
    x_range, y_range = (-1.25, 2.5), (-0.75, 3.0)
    img = regions_image(torch.tensor(probs, dtype=torch.float64), x_range, y_range)
    assert img["xref"] == "x" and img["yref"] == "y"
    assert img["sizing"] == "stretch" and img["layer"] == "below"
    # the image's top-left corner at (x min, y max), covering both ranges exactly
    assert img["x"] == -1.25 and img["y"] == 3.0
    assert img["x"] + img["sizex"] == pytest.approx(2.5, abs=1e-12)
    assert img["y"] - img["sizey"] == pytest.approx(-0.75, abs=1e-12)
    pixels = decode_png(img["source"])
    assert pixels.shape == (h, w, 3)
    upside_down = probs[::-1]  # the picture's top row is the grid's highest y
    np.testing.assert_array_equal(pixels, naive_class_pixels(upside_down, COLOURS))


def test_regions_image_top_row_is_the_highest_y():
    # class 1 only on the two last grid rows (highest y): the picture shows them at the top.
    probs = torch.zeros(4, 3, 2, dtype=torch.float64)
    probs[..., 0] = 1.0
    probs[2:, :, :] = torch.tensor([0.0, 1.0], dtype=torch.float64)
    pixels = decode_png(regions_image(probs, (0.0, 1.0), (0.0, 1.0))["source"])
    assert pixels[0].tolist() == [[234, 174, 128]] * 3  # certain vermilion: 127.5 + (106.5, 47, 0)
    assert pixels[1].tolist() == [[60, 60, 60]] * 3  # the boundary: the row below is another class
    # certain blue: 127.5 + (0, 57, 89), halves rounded to even
    assert pixels[2].tolist() == pixels[3].tolist() == [[128, 184, 216]] * 3


# ---------------------------------------------------------------------------------------------- training_figure


def regression_case():
    g = torch.Generator().manual_seed(3)
    x_train = torch.rand(12, 1, generator=g, dtype=torch.float64) * 4 - 2
    y_train = torch.sin(x_train[:, 0] * 1.7) * math.pi + torch.randn(12, generator=g, dtype=torch.float64) / 7
    x_test = torch.rand(9, 1, generator=g, dtype=torch.float64) * 4 - 2
    y_test = torch.cos(x_test[:, 0]) * 2.3456789
    xs = torch.linspace(-2.2, 2.3, 17, dtype=torch.float64)
    pred = xs**3 / 3.3 - xs / 7
    train_curve = [3.14159265, 1.23456789, 0.0812345678, 0.0123456789, 0.00456789123]
    test_curve = [3.33333333, 1.5, 0.9876543, 1.11111111, 2.7182818]
    return (x_train, y_train), (x_test, y_test), (xs, pred), (train_curve, test_curve)


def trace_named(data: list[dict], name: str) -> list[dict]:
    return [t for t in data if t.get("name") == name]


def test_regression_fit_and_points():
    train, test, (xs, pred), curves = regression_case()
    spec = spec_of(training_figure(train, test, 0, (xs, pred), curves, 2, LABELS, 10))
    data = spec["data"]
    (fit,) = trace_named(data, "MODEL")
    assert fit["mode"] == "lines" and "xaxis" not in fit
    assert fit["x"] == pytest.approx(xs.tolist(), rel=1e-5)
    assert fit["y"] == pytest.approx(pred.tolist(), rel=1e-5)
    (tr,) = trace_named(data, "TRAIN")
    (te,) = trace_named(data, "TEST")
    assert tr["mode"] == te["mode"] == "markers"
    assert tr["marker"]["symbol"] == "circle" and te["marker"]["symbol"] == "circle-open"
    assert tr["x"] == pytest.approx(train[0][:, 0].tolist(), rel=1e-5)
    assert tr["y"] == pytest.approx(train[1].tolist(), rel=1e-5)
    assert te["x"] == pytest.approx(test[0][:, 0].tolist(), rel=1e-5)
    assert te["y"] == pytest.approx(test[1].tolist(), rel=1e-5)
    assert "images" not in spec["layout"]


def test_regression_axes_cover_the_data():
    train, test, (xs, pred), curves = regression_case()
    layout = spec_of(training_figure(train, test, 0, (xs, pred), curves, 2, LABELS, 10))["layout"]
    assert layout["xaxis"]["range"] == pytest.approx([-2.2, 2.3], abs=1e-12)  # the fit's x range
    ys = train[1].tolist() + test[1].tolist()
    lo, hi = layout["yaxis"]["range"]
    assert lo < min(ys) and hi > max(ys)
    span = max(ys) - min(ys)
    assert min(ys) - lo < 0.5 * span and hi - max(ys) < 0.5 * span  # a margin, not a zoomed-out view
    assert "scaleanchor" not in layout["yaxis"]
    assert layout["xaxis"]["title"]["text"] == "X AXIS" and layout["yaxis"]["title"]["text"] == "Y AXIS"


def test_loss_curves_gap_fill_and_best_star():
    train, test, fit, (train_curve, test_curve) = regression_case()
    data = spec_of(training_figure(train, test, 0, fit, (train_curve, test_curve), 2, LABELS, 10))["data"]
    names = [t.get("name") for t in data]
    i_train, i_test = names.index("TRAIN LOSS"), names.index("TEST LOSS")
    assert i_test == i_train + 1  # "tonexty" fills down to the trace just before it: the train curve
    a, b = data[i_train], data[i_test]
    for t, curve in ((a, train_curve), (b, test_curve)):
        assert t["xaxis"] == "x2" and t["yaxis"] == "y2" and t["mode"] == "lines"
        assert t["x"] == [0, 1, 2, 3, 4]
        assert t["y"] == pytest.approx(curve, rel=1e-5)
    assert b["fill"] == "tonexty" and "fill" not in a
    (star,) = trace_named(data, "BEST")
    assert star["marker"]["symbol"] == "star" and star["xaxis"] == "x2" and star["yaxis"] == "y2"
    assert star["x"] == [2] and star["y"] == pytest.approx([0.9876543], rel=1e-5)


@pytest.mark.parametrize("best", [None, 5, 99])
def test_no_star_without_a_best_epoch_on_the_curve(best):
    train, test, fit, curves = regression_case()  # 5 points: epochs 0..4
    data = spec_of(training_figure(train, test, 0, fit, curves, best, LABELS, 10))["data"]
    assert trace_named(data, "BEST") == []


def test_values_carry_six_significant_digits():
    train, test, (xs, pred), curves = regression_case()
    data = spec_of(training_figure(train, test, 0, (xs, pred), curves, 2, LABELS, 10))["data"]
    (fit,) = trace_named(data, "MODEL")
    (loss,) = trace_named(data, "TRAIN LOSS")
    for shown, given in ((fit["y"], pred.tolist()), (loss["y"], curves[0])):
        assert shown == pytest.approx([six_digits(v) for v in given], rel=1e-12, abs=1e-300)
        assert shown != pytest.approx(given, rel=1e-9)  # really shortened, not the raw floats


def test_log_range_contains_every_finite_positive_loss():
    train, test, fit, _ = regression_case()
    train_curve = [5.5, 0.2, 0.0, 3e-4, math.nan, 2e-3]  # 0 and NaN cannot be drawn on a log axis
    test_curve = [6.0, 0.4, math.inf, 0.05, 120.0, -1.0]
    spec = spec_of(training_figure(train, test, 0, fit, (train_curve, test_curve), 1, LABELS, 50))
    y2 = spec["layout"]["yaxis2"]
    assert y2["type"] == "log"
    assert y2["dtick"] == 1  # over a decade: only the powers of ten are labelled
    lo, hi = y2["range"]  # log10 units
    positive = [v for v in train_curve + test_curve if math.isfinite(v) and v > 0]
    assert lo < math.log10(min(positive)) and hi > math.log10(max(positive))
    decades = math.log10(max(positive)) - math.log10(min(positive))
    assert (math.log10(min(positive)) - lo) + (hi - math.log10(max(positive))) < 0.5 * decades + 0.2
    data = spec["data"]
    (a,) = trace_named(data, "TRAIN LOSS")
    (b,) = trace_named(data, "TEST LOSS")
    assert a["y"][4] is None and b["y"][2] is None  # non-finite: a gap
    assert a["y"][2] == 0.0 and b["y"][5] == pytest.approx(-1.0)


def test_log_range_of_a_single_loss_is_not_empty():
    train, test, fit, _ = regression_case()
    y2 = spec_of(training_figure(train, test, 0, fit, ([0.25], [0.25]), None, LABELS, 50))["layout"]["yaxis2"]
    lo, hi = y2["range"]
    assert lo < math.log10(0.25) < hi
    assert "dtick" not in y2  # under one decade Plotly labels the digits in between


def test_no_log_range_without_a_positive_loss():
    train, test, fit, _ = regression_case()
    y2 = spec_of(training_figure(train, test, 0, fit, ([math.nan], [0.0]), None, LABELS, 50))["layout"]["yaxis2"]
    assert "range" not in y2 and y2["type"] == "log"


@pytest.mark.parametrize(("epochs", "expected"), [(10, [0, 10]), (250, [0, 250]), (0, [0, 1])])
def test_epoch_axis_is_fixed_to_the_planned_epochs(epochs, expected):
    """The planned epochs and 2% more on each side: the best-epoch star is not cut at either end."""
    train, test, fit, curves = regression_case()
    x2 = spec_of(training_figure(train, test, 0, fit, curves, 2, LABELS, epochs))["layout"]["xaxis2"]
    span = expected[1]
    assert x2["range"] == pytest.approx([-0.02 * span, span + 0.02 * span])
    assert x2["anchor"] == "y2" and x2["title"]["text"] == "EPOCH"


def classification_case(classes: int):
    g = torch.Generator().manual_seed(classes)
    x_train = torch.randn(30, 2, generator=g, dtype=torch.float64) * 1.3
    y_train = torch.arange(30) % classes
    x_test = torch.randn(14, 2, generator=g, dtype=torch.float64)
    y_test = (torch.arange(14) * 7) % classes
    probs = torch.softmax(torch.randn(8, 10, classes, generator=g, dtype=torch.float64), -1)
    image = regions_image(probs, (-4.0, 4.5), (-3.5, 3.75))
    return (x_train, y_train), (x_test, y_test), image


@pytest.mark.parametrize("classes", [2, 3])
def test_classification_points_one_trace_per_class_and_set(classes):
    train, test, image = classification_case(classes)
    curves = ([0.7, 0.5, 0.3], [0.72, 0.6, 0.55])
    spec = spec_of(training_figure(train, test, classes, image, curves, 2, LABELS, 30))
    data = spec["data"]
    assert trace_named(data, "MODEL") == []
    for name, (x, y), symbol in (("TRAIN", train, "circle"), ("TEST", test, "circle-open")):
        traces = trace_named(data, name)
        assert len(traces) == classes
        assert [t["showlegend"] for t in traces] == [True] + [False] * (classes - 1)
        for c, t in enumerate(traces):
            rows = [i for i in range(len(y)) if int(y[i]) == c]
            assert t["x"] == pytest.approx([float(x[i, 0]) for i in rows], rel=1e-5)
            assert t["y"] == pytest.approx([float(x[i, 1]) for i in rows], rel=1e-5)
            assert t["marker"]["symbol"] == symbol
            assert t["marker"]["color"].lower() == COLOURS[c].lower()
            assert t["legendgroup"] == name
    assert sum(len(t["x"]) for t in trace_named(data, "TRAIN")) == 30


def test_filled_training_dots_stand_out_from_the_hollow_test_rings_on_the_regions():
    """Filled training dots are larger than the test rings and have a white rim (on a region of their own colour
    a filled dot without one disappears); the rings have a thick line."""
    train, test, image = classification_case(2)
    data = spec_of(training_figure(train, test, 2, image, ([1.0], [1.1]), None, LABELS, 30))["data"]
    dot, ring = trace_named(data, "TRAIN")[0]["marker"], trace_named(data, "TEST")[0]["marker"]
    assert dot["size"] >= 1.3 * ring["size"] and dot["size"] >= 11
    assert dot["line"]["color"] == "#ffffff" and dot["line"]["width"] >= 1.5 and ring["line"]["width"] >= 2.5


def test_the_legend_sits_below_the_axis_titles_at_any_font_size():
    """In container coordinates at the bottom, inside the bottom margin (which the theme scales with the font)."""
    train, test, image = classification_case(2)
    layout = spec_of(training_figure(train, test, 2, image, ([1.0], [1.1]), None, LABELS, 30))["layout"]
    assert layout["legend"]["yref"] == "container" and layout["legend"]["y"] == 0
    assert layout["margin"]["b"] >= 100


def test_classification_layout_image_and_equal_aspect():
    train, test, image = classification_case(3)
    layout = spec_of(training_figure(train, test, 3, image, ([1.0], [1.1]), None, LABELS, 30))["layout"]
    assert layout["images"] == [image]
    assert layout["xaxis"]["range"] == pytest.approx([-4.0, 4.5], abs=1e-12)
    assert layout["yaxis"]["range"] == pytest.approx([-3.5, 3.75], abs=1e-12)
    assert layout["yaxis"]["scaleanchor"] == "x"  # one unit is as long on both axes


@pytest.mark.parametrize("classes", [0, 2, 3])
def test_no_axis_moves_its_margin_or_zooms(classes):
    if classes:
        train, test, fit = classification_case(classes)
    else:
        train, test, fit, _ = regression_case()
    layout = spec_of(training_figure(train, test, classes, fit, ([1.0, 0.5], [1.2, 0.9]), 1, LABELS, 5))["layout"]
    found = axes(layout)
    assert sorted(found) == ["xaxis", "xaxis2", "yaxis", "yaxis2"]
    for name, axis in found.items():
        assert axis["automargin"] is False, name
        assert axis["fixedrange"] is True, name
    assert layout["xaxis"]["domain"][1] < layout["xaxis2"]["domain"][0]  # side by side, not overlapping


# ---------------------------------------------------------------------------------------------- sweep_figure


def test_sweep_figure_traces_marker_and_log_axis():
    caps = [1, 2, 3, 5, 8, 13]
    train = [0.91234567, 0.41234567, 0.2, 0.0999999, 0.05123456, 0.012345678]
    test = [0.95, 0.47654321, 0.31, 0.29, 0.6, math.nan]
    spec = spec_of(sweep_figure(caps, train, test, 5, SWEEP_LABELS))
    data, layout = spec["data"], spec["layout"]
    assert len(data) == 2
    a, b = data
    assert a["name"] == "TR" and b["name"] == "TE"
    assert a["x"] == caps and b["x"] == caps
    assert a["y"] == pytest.approx(train, rel=1e-5)
    assert b["y"][:5] == pytest.approx(test[:5], rel=1e-5) and b["y"][5] is None
    (line,) = layout["shapes"]
    assert line["type"] == "line" and line["x0"] == line["x1"] == 5
    assert line["yref"] == "paper" and (line["y0"], line["y1"]) == (0, 1)  # the full height
    (note,) = layout["annotations"]
    assert note["x"] == 5 and note["text"] == "NOW"
    assert layout["yaxis"]["type"] == "log"
    assert layout["xaxis"]["type"] == "linear" and layout["xaxis"]["title"]["text"] == "CAP"
    for name, axis in axes(layout).items():
        assert axis["automargin"] is False, name


def test_sweep_figure_log_capacity_axis():
    labels = {**SWEEP_LABELS, "capacity_axis": "log"}
    spec = spec_of(sweep_figure([4, 16, 64], [0.5, 0.25, 0.125], [0.6, 0.4, 0.7], 16, labels))
    assert spec["layout"]["xaxis"]["type"] == "log"
    # On a log axis Plotly places a shape at x but an annotation at log10(x): both must mark x = 16.
    assert spec["layout"]["shapes"][0]["x0"] == spec["layout"]["shapes"][0]["x1"] == 16
    assert spec["layout"]["annotations"][0]["x"] == pytest.approx(math.log10(16))
