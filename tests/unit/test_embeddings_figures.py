"""The Embeddings figures: the lookup marks the looked-up row with its values, the map's labels never overlap
and stay inside, the patch grid lines fall between patches."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
import torch

from components.figures.embeddings import MAP, _box, label_points, lookup_html, patch_grid, training_figure

LABELS = {"token": "token", "id": "id", "row": "row", "more": "… {n} more", "table": "`W`: {v} × {d}"}


def test_the_lookup_marks_its_row():
    w = torch.arange(60.0).reshape(6, 10) - 30
    html = lookup_html("b", 4, w, ("<pad>", "a", "b", "c", "d", "e"), LABELS)
    (row,) = re.findall(r'<tr class="mlp-looked" data-row="looked">(.*?)</tr>', html)
    assert [float(v) for v in re.findall(r'data-v="([-\d.]+)"', row)] == w[4, :8].tolist()  # 8 of 10 columns
    assert "… 2 more" in row and "<code>W</code>: 6 × 10" in html
    assert html.count("<tr") == 1 + 1 + 5 and "&lt;pad&gt;" not in html  # the head, ⋮, rows 1..5 (3 around id 4)
    assert "<th>1</th><th>a</th>" in html and "<th>0</th>" not in html.split("<tbody>")[1]


@pytest.mark.parametrize("projector", [False, True])
def test_map_labels_never_overlap_and_stay_inside(projector):
    g = torch.Generator().manual_seed(0)
    coords = torch.randn(60, 2, generator=g)
    words = [f"word{k}" if k % 3 else f"词{k}" for k in range(60)]
    span = float(coords.abs().max()) * 1.15
    order = list(range(60))
    keep = label_points(coords, words, order, span, projector)
    assert 0 in keep and 5 < len(keep) < 60
    side, px = MAP[projector]
    scale = side / (2 * span)
    boxes = [_box(float(coords[k, 0]) * scale, float(coords[k, 1]) * scale, words[k], px) for k in sorted(keep)]
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
    assert all(b[0] >= -side / 2 and b[2] <= side / 2 for b in boxes)
    if projector:  # larger labels: fewer fit
        assert len(keep) < len(label_points(coords, words, order, span))


def test_the_figure_names_only_the_placed_words():
    coords = torch.tensor([[0.0, 0.0], [0.01, 0.0], [2.0, 2.0]])
    labels = {k: k for k in ("epoch", "loss", "male", "female", "other")} | {"pc1": "pc1 {share}", "pc2": "{share}"}
    spec = training_figure([3.0, 2.0], coords, ["king", "queen", "the"], ["male", "female", "other"], (0.6, 0.3), 10,
                           labels, first=(1,)).spec  # fmt: skip
    texts = {t["name"]: t["text"] for t in spec["data"][1:]}
    assert texts == {"female": ["queen"], "male": [""], "other": [""]}  # queen first; king's label would overlap
    assert spec["data"][-1]["mode"] == "markers"  # other words: no label drawn
    assert spec["layout"]["xaxis"]["range"] == [0, 10] and "60%" in spec["layout"]["xaxis2"]["title"]["text"]


def test_patch_grid_lines_fall_between_patches():
    out = patch_grid(np.zeros((32, 32, 3), np.uint8), 8)
    assert (out[8, 3] == 255).all() and (out[3, 16] == 255).all() and (out[7, 3] == 30).all()
    assert (out[3, 3] == 0).all()  # inside a patch: untouched
