"""The Overfitting page through AppTest: a run trains to the end, extremes, divergence, the sweep, 中文."""

from __future__ import annotations

import pytest

from tests.app.conftest import figure, metric, ok, open_page, texts


def chart(at, i: int = 0) -> dict:
    return figure(at, i)


def test_defaults_train_to_the_end_and_show_both_curves():
    at = open_page("overfitting")
    ok(at)
    tr = at.session_state["fit_result"]
    assert tr.done and tr.epoch == 1000 and len(tr.train_losses) == len(tr.test_losses) == 1001
    assert tr.train_losses[-1] < tr.train_losses[0]
    spec = chart(at)
    names = [d.get("name") for d in spec["data"]]
    assert "train loss" in names and "test loss" in names
    curves = {d["name"]: d for d in spec["data"] if d.get("yaxis") == "y2" and d.get("mode") == "lines"}
    assert curves["test loss"]["y"][-1] == pytest.approx(tr.test_losses[-1], rel=1e-5)
    assert any(m.label == "Gap (test − train)" for m in at.metric)


def test_high_degree_overfits_more_than_low_degree():
    gaps = {}
    for degree in ("3", "15"):
        at = open_page("overfitting", fit_degree=degree, fit_epochs="3000", fit_lr="0.03")
        ok(at)
        train, test = at.session_state["fit_result"].final()
        gaps[degree] = test - train
    assert gaps["15"] > 2 * gaps["3"]


def test_extremes_render():
    at = open_page("overfitting", fit_degree="20", fit_epochs="5000", fit_n="500")
    ok(at)
    assert at.session_state["fit_result"].done


def test_a_too_large_learning_rate_is_shown_as_divergence():
    at = open_page("overfitting", fit_degree="20", fit_lr="10", fit_optimizer="sgd")
    ok(at)
    tr = at.session_state["fit_result"]
    assert tr.diverged_at is not None
    assert at.error and "infinity" in at.error[0].value


@pytest.mark.parametrize("dataset", ["moons", "circles", "xor", "spirals", "blobs", "cubic", "step", "abs"])
def test_every_data_set_with_a_network(dataset):
    at = open_page("overfitting", fit_dataset=dataset, fit_model="mlp", fit_epochs="100", fit_dropout="0.2")
    ok(at)
    assert at.session_state["fit_result"].done
    if dataset in ("moons", "circles", "xor", "spirals", "blobs"):
        assert chart(at)["layout"]["images"][0]["source"].startswith("data:image/png;base64,")


def test_early_stopping_reports_the_best_epoch():
    at = open_page("overfitting", fit_degree="15", fit_epochs="3000", fit_lr="0.03", fit_early_stop="true")
    ok(at)
    tr = at.session_state["fit_result"]
    assert tr.test_losses[tr.best_epoch] == min(tr.test_losses)
    assert tr.stopped_at is not None and tr.stopped_at < 3000  # degree 15 starts to overfit long before
    assert tr.final()[1] == pytest.approx(tr.test_losses[tr.best_epoch])


def test_the_sweep_draws_train_and_test_against_capacity():
    at = open_page("overfitting", fit_epochs="300")
    at.button(key="fit_sweep_button").click().run()
    ok(at)
    spec = chart(at, 1)
    train, test = spec["data"][0], spec["data"][1]
    assert train["x"] == list(range(1, 16)) and len(test["y"]) == 15


def test_stop_keeps_what_was_learnt():
    at = open_page("overfitting", fit_epochs="300")
    before = at.session_state["fit_result"]
    at.button(key="fit_train_button").click().run()  # a fresh run of the same settings
    ok(at)
    assert at.session_state["fit_result"] is not before
    assert at.session_state["fit_result"].test_losses == before.test_losses  # same seed, same curves


def test_chinese():
    at = open_page("overfitting", lang="zh")
    ok(at)
    assert at.title[0].value == "过拟合：训练集与测试集"
    assert any("均方误差" in s for s in texts(at))


def test_classification_shows_accuracy_beside_the_cross_entropy():
    at = open_page("overfitting", fit_dataset="moons", fit_model="mlp", fit_epochs="60", fit_noise="0.8")
    ok(at)
    tr = at.session_state["fit_result"]
    data = tr.data
    sets = (("Train accuracy", data.x_train, data.y_train, 0), ("Test accuracy", data.x_test, data.y_test, 1))
    for label, x, y, i in sets:
        right = int((tr.predict(x).argmax(1) == y).sum())  # counted from the model's own predictions
        assert metric(at, label) == f"{100 * right / len(y):.1f}%" == f"{100 * tr.final_accuracy()[i]:.1f}%"
    assert not any(m.label == "Train accuracy" for m in open_page("overfitting", fit_epochs="20").metric)


def test_switches_carry_no_tooltip_and_metrics_no_long_numbers():
    """A "?" beside a switch flips it when tapped on a whiteboard: the explanation is a caption under it."""
    at = open_page("overfitting", fit_epochs="20")
    ok(at)
    early = at.toggle(key="fit_early_stop")
    assert not early.help
    assert any(c.value.startswith("Stops once the test loss") for c in at.caption)
    for m in at.metric:
        assert not m.value.startswith(("-0", "−0")) or m.value.startswith(("-0.", "−0.")), m.value
        assert len(m.value.replace("-", "").replace(".", "").replace("e", "")) <= 6, m.value
