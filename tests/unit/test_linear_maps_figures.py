"""The Linear maps figures: the frames hold the stages' moved square and vector, overlays only when they exist,
the picture's raster covers the view, the composition panels share one scale."""

from __future__ import annotations

import numpy as np
import torch

from components.compute import linear_maps as L
from components.figures.linear_maps import compose_figure, picture_extent, picture_figure, plane_figure, view_extent

LABELS = {k: k for k in ("grid", "square", "x", "wx", "eigen", "circle", "ellipse", "play", "pause", "x1", "x2",
                         "before", "after")}  # fmt: skip
W = torch.tensor([[1.0, 0.5], [0.25, 1.25]], dtype=torch.float64)
B = torch.tensor([0.5, -1.0], dtype=torch.float64)
X = torch.tensor([1.0, 0.5], dtype=torch.float64)


def _plane(w=W, overlays=(True, True)):
    return plane_figure(L.stages(w, B), X, L.analyse(w), w, overlays, LABELS).spec


def test_frames_move_the_square_and_the_vector():
    spec = _plane()
    frames = spec["frames"]
    assert len(frames) == 2 * L.STEPS + 1
    (play, _pause) = spec["layout"]["updatemenus"][0]["buttons"]
    assert play["method"] == "animate" and play["args"][0] is None  # every frame, in order
    square = frames[-1]["data"][1]
    expected = L.UNIT_SQUARE.numpy() @ W.numpy().T + B.numpy()
    assert np.allclose(square["x"], expected[:, 0], rtol=1e-5) and np.allclose(square["y"], expected[:, 1], rtol=1e-5)
    arrow = frames[-1]["data"][2]  # Wx drawn from b
    assert np.allclose([arrow["x"], arrow["y"]], [[0.5, 1.75], [-1.0, -0.125]], rtol=1e-5)
    first = frames[0]["data"][1]
    assert np.allclose(first["x"], L.UNIT_SQUARE[:, 0].numpy())  # t = 0: the identity
    shown = spec["data"][-3:]
    assert shown == frames[-1]["data"] and shown[0] is not frames[-1]["data"][0]  # the last stage, as copies


def test_overlays_only_when_they_exist():
    names = [t.get("name") for t in _plane()["data"]]
    assert "eigen" in names and "ellipse" in names and "circle" in names
    rotation = L.preset_matrix("rotation", 30)
    assert "eigen" not in [t.get("name") for t in _plane(rotation)["data"]]  # no real eigenvector
    assert {t.get("name") for t in _plane(overlays=(False, False))["data"]}.isdisjoint({"eigen", "ellipse"})


def test_the_view_holds_everything_but_stays_bounded():
    spec = _plane()
    extent = spec["layout"]["xaxis"]["range"][1]
    moved = L.UNIT_SQUARE @ W.T + B
    assert extent >= float(moved.abs().max()) and spec["layout"]["yaxis"]["range"] == [-extent, extent]
    assert view_extent(torch.tensor([[100.0, 0.0]])) == 10.0 and view_extent(torch.zeros(1, 2)) == 2.0


def test_the_picture_covers_its_view():
    extent = picture_extent(W, B)
    spec = picture_figure("media/x.jpg", W, B, extent, LABELS).spec
    (image,) = spec["layout"]["images"]
    assert image["source"] == "media/x.jpg" and image["sizex"] == image["sizey"] == 2 * extent
    assert (image["x"], image["y"]) == (-extent, extent)
    assert extent >= float((L.UNIT_SQUARE @ W.T + B).abs().max())


def test_composition_panels_share_one_scale():
    a, b = L.preset_matrix("shear"), L.preset_matrix("rotation", 90)
    ab, ba = L.compose(a, b)
    spec = compose_figure([("AB", ab), ("BA", ba)], LABELS).spec
    assert spec["layout"]["xaxis"]["range"] == spec["layout"]["xaxis2"]["range"]
    f_ab = next(t for t in spec["data"] if t.get("xaxis") == "x" and t.get("name") == "after")
    assert np.allclose(f_ab["x"], (L.LETTER_F @ ab.T)[:, 0].numpy(), rtol=1e-5, atol=1e-9)
