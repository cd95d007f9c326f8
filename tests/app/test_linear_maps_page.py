"""The Linear maps page in AppTest: defaults and their numbers, presets (chosen and from links), the preset that
turns custom when an entry moves, singular and extreme matrices, bad links, the compose and fold tabs, 中文 and
the projector."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from components.compute import linear_maps as L
from tests.app.conftest import figure, metric, ok, open_page


def _entries(at) -> list[float]:
    return [at.slider(key=k).value for k in ("lin_w00", "lin_w01", "lin_w10", "lin_w11")]


def test_defaults_show_the_map_and_its_numbers():
    at = open_page("linear_maps")
    ok(at)
    assert metric(at, "det W") == "1.12"  # 1 · 1.25 − 0.5 · 0.25
    # x = (1, 0.5) → Wx = (1.25, 0.875): |x| = 1.118, |Wx| = 1.526, turned by atan2(0.375, 1.6875) = 8.43°
    assert metric(at, "x turns by") == "+8.4°" and metric(at, "‖x‖ → ‖Wx‖") == "1.12 → 1.53"
    assert metric(at, "stretch σ₁ / σ₂") == "1.53 / 0.737"
    words = " ".join(m.value for m in at.markdown)
    assert "(0.707, 0.707) with λ = 1.5" in words and "(0.894, -0.447) with λ = 0.75" in words
    plane = figure(at, "lin_plane")
    assert len(plane["frames"]) == 2 * L.STEPS + 1
    assert any(tr.get("name") == "eigenvectors" for tr in plane["data"])
    out = at.session_state["lin_out"]
    assert np.allclose(out["batch"].numpy(), [[0, 0], [1, 0.25], [1.5, 1.5], [0.5, 1.25]])


@pytest.mark.parametrize(
    "preset, det, turn",
    [("identity", "1", "+0.0°"), ("rotation", "1", "+30.0°"), ("scale", "1", None), ("shear", "1", None),
     ("reflection", "-1", None), ("projection", "0", None)],
)  # fmt: skip
def test_every_preset_from_a_link(preset, det, turn):
    at = open_page("linear_maps", lin_preset=preset)
    ok(at)
    assert np.allclose(_entries(at), L.preset_matrix(preset, 30).reshape(-1).tolist())  # the link's preset entries
    assert metric(at, "det W") == det
    if turn:
        assert metric(at, "x turns by") == turn


def test_choosing_a_preset_loads_it_and_moving_an_entry_makes_it_custom():
    at = open_page("linear_maps")
    at.selectbox(key="lin_preset").set_value("rotation").run()
    ok(at)
    assert np.allclose(_entries(at), [np.cos(np.pi / 6), -0.5, 0.5, np.cos(np.pi / 6)])
    at.slider(key="lin_angle").set_value(90.0).run()
    assert _entries(at) == [0.0, -1.0, 1.0, 0.0] and metric(at, "x turns by") == "+90.0°"
    assert any("No real eigenvector" in m.value for m in at.markdown)
    at.slider(key="lin_w01").set_value(-0.5).run()
    ok(at)
    assert at.selectbox(key="lin_preset").value == "custom" and metric(at, "det W") == "0.5"


def test_a_reflection_says_mirrored_and_a_projection_collapses():
    at = open_page("linear_maps", lin_preset="reflection", lin_angle="0")
    assert any("**mirrored**" in m.value for m in at.markdown)
    at = open_page("linear_maps", lin_preset="projection")
    ok(at)
    assert any("collapses onto a line (rank 1" in m.value for m in at.markdown)
    assert metric(at, "stretch σ₁ / σ₂") == "1 / 0"


@pytest.mark.parametrize(
    "query",
    [{"lin_w00": "0", "lin_w01": "0", "lin_w10": "0", "lin_w11": "0", "lin_x0": "0", "lin_x1": "0"},
     {"lin_w00": "3", "lin_w01": "-3", "lin_w10": "3", "lin_w11": "3", "lin_b0": "2", "lin_b1": "-2"},
     {"lin_w00": "1", "lin_w01": "2", "lin_w10": "0.5", "lin_w11": "1"},  # singular, not a preset
     {"lin_w00": "-3", "lin_w01": "0.05", "lin_w10": "0", "lin_w11": "0.05", "lin_eigen": "false",
      "lin_singular": "false", "lin_x0": "-2", "lin_x1": "2"}],
)  # fmt: skip
def test_extreme_and_singular_matrices(query):
    at = open_page("linear_maps", **query)
    ok(at)
    w = torch.tensor([[float(query[k]) for k in ("lin_w00", "lin_w01")], [float(query[k]) for k in ("lin_w10",
                      "lin_w11")]], dtype=torch.float64)  # fmt: skip
    assert float(metric(at, "det W")) == pytest.approx(np.linalg.det(w.numpy()), rel=5e-3, abs=1e-12)
    assert at.session_state["lin_out"]["analysis"].singular[0] == pytest.approx(np.linalg.norm(w.numpy(), 2))


def test_the_zero_matrix_has_no_turn():
    at = open_page("linear_maps", lin_w00="0", lin_w01="0", lin_w10="0", lin_w11="0")
    ok(at)
    assert metric(at, "x turns by") == "—" and metric(at, "det W") == "0"
    assert any("rank 0" in m.value for m in at.markdown)


@pytest.mark.parametrize("query", [{"lin_w00": "99"}, {"lin_b1": "abc"}, {"lin_preset": "nonsense"}])
def test_bad_links_fall_back_and_say_so(query):
    at = open_page("linear_maps", **query)
    ok(at)
    assert any("were not valid" in i.value and next(iter(query)) in i.value for i in at.info)
    assert metric(at, "det W") == "1.12"


def test_compose_tab_order_matters():
    at = open_page("linear_maps", lin_view="compose", lin_preset="shear")
    ok(at)
    assert metric(at, "AB = BA?") == "no"  # a shear and a rotation by 90°
    out = at.session_state["lin_out_compose"]
    a, b = L.preset_matrix("shear").numpy(), L.preset_matrix("rotation", 90).numpy()
    assert np.allclose(out["ab"].numpy(), a @ b) and np.allclose(out["ba"].numpy(), b @ a)
    assert len(figure(at, "lin_compose")["layout"]["annotations"]) == 2
    at.selectbox(key="lin_second").set_value("identity").run()
    assert metric(at, "AB = BA?") == "yes"
    at = open_page("linear_maps", lin_view="compose", lin_preset="rotation", lin_second_angle="45")
    assert metric(at, "AB = BA?") == "yes"  # two rotations commute


def test_fold_tab_counts_the_regions():
    at = open_page("linear_maps", lin_view="fold", lin_b0="0.5", lin_b1="-0.5")
    ok(at)
    h = L.lattice().numpy() @ np.array([[1.0, 0.5], [0.25, 1.25]]).T + np.array([0.5, -0.5])
    origin = int(((h[:, 0] <= 0) & (h[:, 1] <= 0)).sum())
    kept = int(((h[:, 0] > 0) & (h[:, 1] > 0)).sum())
    assert metric(at, "sent to the origin") == str(origin) and metric(at, "left alone") == str(kept)
    assert metric(at, "folded onto an axis") == str(L.LATTICE**2 - origin - kept)
    assert len(figure(at, "lin_fold")["layout"]["annotations"]) == 4
    assert any(p.proto.page == "activations" for p in at.get("page_link"))


def test_chinese_and_projector():
    at = open_page("linear_maps", lang="zh", projector="1")
    ok(at)
    assert metric(at, "x 转过") == "+8.4°"
    assert any("不改变的方向" in m.value for m in at.markdown)
    for view in ("compose", "fold"):
        ok(open_page("linear_maps", lang="zh", projector="1", lin_view=view))


@pytest.mark.parametrize("image", ["astronaut", "checkerboard"])
def test_other_pictures(image):
    at = open_page("linear_maps", lin_image=image, lin_preset="shear")
    ok(at)
    assert figure(at, "lin_picture")["layout"]["images"][0]["source"]
