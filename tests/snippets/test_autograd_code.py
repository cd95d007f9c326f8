"""The Autograd page's "PyTorch code" panels run as-is and reproduce the page's numbers.

Each test opens the real page (URL parameters, AppTest), picks the code panel of the open tab, executes it in a
fresh namespace and compares what it computes with what the page stores as shown (``ag_graph``, ``ag_fixes``,
``ag_accumulated``, ``ag_tiny``). The tiny network's shown metrics are also checked against a plain-Python
hand computation of the chain rule.
"""

from __future__ import annotations

import contextlib
import io
import math

import pytest
import torch

from components.compute.autograd_graph import PRESETS
from components.ui.autograd.views import formula_tag
from tests.app.conftest import ROOT, ok, open_page
from tests.markdown_tables import read_tables
from tests.snippets.test_convolution_code import run_code

GRAPH, ERRORS, TINY = "Computation graph", "Why backward needs a scalar", "Backprop in a tiny network"
CUSTOM = [
    "sin(a)*exp(-b^2) + maximum(a, b)/c",
    "sqrt(abs(p*q)) - tanh(q)^2 + relu(p - 0.5)*log(1 + q^2)",
]


def panel_code(at, marker: str) -> str:
    ok(at)
    (code,) = [c.value for c in at.code if marker in c.value]
    return code


def run_quietly(code: str) -> tuple[dict, str]:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        ns = run_code(code, ROOT)
    return ns, out.getvalue()


def open_tab(label: str, **query: str):
    at = open_page("autograd", **query)
    ok(at)
    if label != GRAPH:
        at.session_state["ag_view"] = label
        at.run()
        ok(at)
    if label == ERRORS:  # the lab shows the error and the fixes once out.backward() is pressed
        at.button(key="ag_backward").click().run()
        ok(at)
    return at


def leaf_grads(graph) -> dict[str, torch.Tensor]:
    """The page's gradient of every leaf that has one."""
    return {n.label: n.grad for n in graph.nodes if n.kind == "leaf" and n.grad is not None}


def assert_same_grads(code: dict[str, torch.Tensor], page: dict[str, torch.Tensor]) -> None:
    assert set(code) == set(page)
    for name, g in page.items():
        assert code[name] is not None, name
        torch.testing.assert_close(code[name], g, rtol=1e-12, atol=1e-12, msg=name)


# ---------------------------------------------------------------------------------------------- the graph tab

GRAPH_QUERIES = [{"ag_preset": p} for p in PRESETS] + [{"ag_preset": "custom", "ag_text": t} for t in CUSTOM]


@pytest.mark.parametrize("query", GRAPH_QUERIES, ids=lambda q: q.get("ag_text", q["ag_preset"]))
def test_graph_code_reproduces_the_page(query):
    at = open_tab(GRAPH, **query)
    graph = at.session_state["ag_graph"]
    ns, out = run_quietly(panel_code(at, "loss.backward()"))
    page = leaf_grads(graph)
    assert page  # something to compare: every preset and formula here has gradients
    if query["ag_preset"] != "custom":
        assert set(page) == set(PRESETS[query["ag_preset"]].requires_grad)
    assert_same_grads(ns["grads"], page)
    assert ns["loss"].item() == pytest.approx(graph.node(graph.output).value.item(), rel=1e-12, abs=1e-12)
    for name, g in page.items():
        assert f"d loss / d {name} = {g.item()!r}" in out
    shown = {m.label: m.value for m in at.metric}  # the metrics the page shows, 5 significant digits
    for name, g in ns["grads"].items():
        assert float(shown[f"∂loss/∂{name}"]) == pytest.approx(g.item(), rel=1e-4)


def test_graph_code_follows_changed_values_and_switches():
    at = open_tab(GRAPH, ag_preset="linear")
    tag = formula_tag(PRESETS["linear"].text)
    at.number_input(key=f"ag_v_w_{tag}").set_value(-1.7).run()
    at.number_input(key=f"ag_v_x_{tag}").set_value(0.25).run()
    at.checkbox(key=f"ag_g_b_{tag}").uncheck().run()
    at.checkbox(key=f"ag_g_y_{tag}").check().run()
    graph = at.session_state["ag_graph"]
    code = panel_code(at, "loss.backward()")
    assert (
        "w = torch.tensor(-1.7," in code and "b = torch.tensor(0.25, dtype=torch.float64, requires_grad=False)" in code
    )
    ns, _ = run_quietly(code)
    page = leaf_grads(graph)
    assert set(page) == {"w", "y"}
    assert_same_grads(ns["grads"], page)
    # by hand: loss = (w x + b − y)², d/dw = 2 r x, d/dy = −2 r with r = −1.7·0.25 + 0.25 − 2.5
    r = -1.7 * 0.25 + 0.25 - 2.5
    assert ns["grads"]["w"].item() == pytest.approx(2 * r * 0.25, rel=1e-12)
    assert ns["grads"]["y"].item() == pytest.approx(-2 * r, rel=1e-12)


# ---------------------------------------------------------------------------------------------- the errors lab

ERROR_QUERIES = [
    *({"ag_preset": p} for p in PRESETS),
    {"ag_preset": "linear", "ag_vector_leaf": "w", "ag_vector": "0.5, -1, 2, 4", "ag_times": "4"},
    {"ag_preset": "neuron", "ag_vector_leaf": "b", "ag_vector": "-2; 0; 2", "ag_times": "1"},
    {"ag_preset": "custom", "ag_text": CUSTOM[0], "ag_vector": "1, 2", "ag_times": "3"},
    {"ag_preset": "custom", "ag_text": CUSTOM[1], "ag_vector_leaf": "q", "ag_times": "5"},
]


@pytest.mark.parametrize("query", ERROR_QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()))
def test_errors_code_reproduces_the_page(query):
    at = open_tab(ERRORS, **query)
    ns, out = run_quietly(panel_code(at, "RuntimeError"))
    page_fixes, page_accumulated = at.session_state["ag_fixes"], at.session_state["ag_accumulated"]
    # the error the code prints is the one the page shows
    (shown,) = [e.value for e in at.error if str(e.value).startswith("RuntimeError:")]
    assert "grad can be implicitly created only for scalar outputs" in shown
    assert shown in out
    assert set(ns["fixes"]) == set(page_fixes) == {"sum", "mean", "ones"}
    for fix, grads in page_fixes.items():
        assert grads
        assert_same_grads(ns["fixes"][fix], grads)
    times = int(query.get("ag_times", "2"))
    assert len(ns["accumulated"]) == len(page_accumulated) == times
    for code_grads, page_grads in zip(ns["accumulated"], page_accumulated, strict=True):
        assert_same_grads(code_grads, page_grads)
    # independent of both: the vector's n elements, and backward k times adds the same gradient k times
    n = len(ns["out"])
    for name, g in ns["fixes"]["sum"].items():
        torch.testing.assert_close(ns["fixes"]["mean"][name] * n, g, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(ns["fixes"]["ones"][name], g, rtol=1e-12, atol=1e-12)
    for k, grads in enumerate(ns["accumulated"]):
        for name, g in grads.items():
            torch.testing.assert_close(g, (k + 1) * ns["accumulated"][0][name], rtol=1e-12, atol=1e-12)


def test_errors_code_vector_leaf_and_values_follow_the_url():
    at = open_tab(ERRORS, ag_preset="linear", ag_vector_leaf="w", ag_vector="0.5, -1, 2, 4")
    code = panel_code(at, "RuntimeError")
    assert "w = torch.tensor([0.5, -1.0, 2.0, 4.0], dtype=torch.float64, requires_grad=True)" in code
    ns, _ = run_quietly(code)
    # by hand: out_i = (w_i x + b − y)², summed: d/dw_i = 2 r_i x, d/db = Σ 2 r_i (x = 3, b = 0.25, y = 2.5)
    r = [w * 3.0 + 0.25 - 2.5 for w in (0.5, -1.0, 2.0, 4.0)]
    assert ns["fixes"]["sum"]["w"].tolist() == pytest.approx([2 * v * 3.0 for v in r], rel=1e-12)
    assert ns["fixes"]["sum"]["b"].item() == pytest.approx(sum(2 * v for v in r), rel=1e-12)


# ---------------------------------------------------------------------------------------------- the tiny network


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def hand_step(s: dict[str, float]) -> dict:
    """One forward, backward and gradient step by the chain rule in plain floats.

    Args:
        s: the page's settings by name (``w11``... ``c``, ``x1``, ``x2``, ``target``, ``lr``).

    Returns:
        ``loss``, ``new_loss``, and per weight in the page's table order (``WEIGHTS``) ``grads`` and ``new``.
    """
    x, target, lr = (s["x1"], s["x2"]), s["target"], s["lr"]

    def forward(p):
        h = [sigmoid(p[f"w{j}1"] * x[0] + p[f"w{j}2"] * x[1] + p[f"b{j}"]) for j in (1, 2)]
        return h, sigmoid(p["v1"] * h[0] + p["v2"] * h[1] + p["c"])

    h, out = forward(s)
    delta = (out - target) * out * (1 - out)  # d loss / d (output pre-activation)
    d_z = [delta * s[f"v{j + 1}"] * h[j] * (1 - h[j]) for j in range(2)]
    grads = {"c": delta, "v1": delta * h[0], "v2": delta * h[1], "b1": d_z[0], "b2": d_z[1]}
    grads |= {f"w{j + 1}{i + 1}": d_z[j] * x[i] for j in range(2) for i in range(2)}
    new = {k: s[k] - lr * grads[k] for k in WEIGHTS}
    _, new_out = forward(new)
    return {
        "loss": 0.5 * (out - target) ** 2,
        "new_loss": 0.5 * (new_out - target) ** 2,
        "grads": [grads[k] for k in WEIGHTS],
        "new": [new[k] for k in WEIGHTS],
    }


WEIGHTS = ("w11", "w12", "w21", "w22", "b1", "b2", "v1", "v2", "c")
TINY_QUERIES = [
    {},
    {"ag_w11": "0.5", "ag_lr": "0.1"},
    {"ag_w22": "-0.8", "ag_v1": "1.25", "ag_c": "-0.3", "ag_x1": "0.9", "ag_x2": "-0.4", "ag_target": "0.95"},
    {"ag_b1": "-1", "ag_b2": "0.7", "ag_w12": "2", "ag_w21": "-1.5", "ag_v2": "-2", "ag_lr": "2.5"},
]
NAMES = ("w11", "w12", "w21", "w22", "b1", "b2", "v1", "v2", "c", "x1", "x2", "target", "lr")
DEFAULTS = dict(zip(NAMES, (0.15, 0.2, 0.25, 0.3, 0.35, 0.35, 0.4, 0.45, 0.6, 0.05, 0.1, 0.01, 0.5), strict=True))


@pytest.mark.parametrize("query", TINY_QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()) or "defaults")
def test_tiny_code_reproduces_the_page(query):
    at = open_tab(TINY, **query)
    r = at.session_state["ag_tiny"]
    code = panel_code(at, "torch.optim.SGD")
    ns, out = run_quietly(code)
    assert ns["loss"].item() == pytest.approx(r.loss, rel=1e-12)
    for key in ("w1", "b1", "w2", "b2"):
        torch.testing.assert_close(ns[key].grad, r.grads[key], rtol=1e-12, atol=1e-15, msg=key)
    assert ns["new_loss"].item() == pytest.approx(r.new_loss, rel=1e-12)
    new = r.new_net  # the weights after the page's SGD step (its table's last column)
    for key, value in {"w1": new.w1, "b1": new.b1, "w2": new.w2, "b2": new.b2}.items():
        expected = torch.tensor(value, dtype=torch.float64)
        torch.testing.assert_close(ns[key].detach(), expected, rtol=1e-12, atol=1e-15, msg=key)
    assert f"loss after one step: {r.new_loss!r}" in out

    # the page's numbers against the chain rule by hand, with the settings the URL asked for
    s = {**DEFAULTS, **{k.removeprefix("ag_"): float(v) for k, v in query.items()}}
    hand = hand_step(s)
    assert r.loss == pytest.approx(hand["loss"], rel=1e-12)
    assert r.new_loss == pytest.approx(hand["new_loss"], rel=1e-12)
    flat = [*r.grads["w1"].flatten().tolist(), *r.grads["b1"].tolist(), *r.grads["w2"].tolist(), r.grads["b2"].item()]
    assert flat == pytest.approx(hand["grads"], rel=1e-10, abs=1e-16)
    shown = [m.value for m in at.metric]
    assert float(shown[0]) == pytest.approx(hand["loss"], rel=1e-4)  # "loss before", 5 significant digits
    assert float(shown[1]) == pytest.approx(hand["new_loss"], rel=1e-4)  # "loss after one step"
    # the SGD table (a table of text): weight, value and value after the step (5 significant digits), grad and
    # −lr·grad (4)
    (table,) = [tb for tb in read_tables(at) if "−lr·grad" in tb[0]]
    column = [list(row.values()) for row in table]
    assert [c[0] for c in column] == list(WEIGHTS)
    assert [float(c[1]) for c in column] == pytest.approx([s[k] for k in WEIGHTS], rel=1e-4)
    assert [float(c[2]) for c in column] == pytest.approx(hand["grads"], rel=1e-3, abs=1e-300)
    lr_grads = [-s["lr"] * g for g in hand["grads"]]
    assert [float(row["−lr·grad"]) for row in table] == pytest.approx(lr_grads, rel=1e-3, abs=1e-300)
    assert [float(c[4]) for c in column] == pytest.approx(hand["new"], rel=1e-4)
    assert f"lr={s['lr']!r}" in code


def test_tiny_code_shows_the_weights_from_the_url():
    code = panel_code(open_tab(TINY, ag_w11="0.5", ag_lr="0.1"), "torch.optim.SGD")
    assert "w1 = torch.tensor([[0.5, 0.2], [0.25, 0.3]]" in code
    assert "lr=0.1)" in code


# ---------------------------------------------------------------------------------------------- known defects


def panel_matches_the_page(at, label: str) -> None:
    """Run the open tab's panel and compare its gradients with the page's (the checks of the tests above)."""
    if label == GRAPH:
        ns, _ = run_quietly(panel_code(at, "loss.backward()"))
        assert_same_grads(ns["grads"], leaf_grads(at.session_state["ag_graph"]))
        return
    ns, _ = run_quietly(panel_code(at, "RuntimeError"))
    for fix, grads in at.session_state["ag_fixes"].items():
        assert_same_grads(ns["fixes"][fix], grads)
    for code_grads, page_grads in zip(ns["accumulated"], at.session_state["ag_accumulated"], strict=True):
        assert_same_grads(code_grads, page_grads)


@pytest.mark.parametrize("label", [GRAPH, ERRORS])
def test_formula_with_pi_runs(label):
    at = open_tab(label, ag_preset="custom", ag_text="pi*w^2 + x")
    panel_matches_the_page(at, label)


@pytest.mark.parametrize("label", [GRAPH, ERRORS])
@pytest.mark.parametrize("text", ["w*sqrt(2) + x", "maximum(w, 0.5)*x"])
def test_formula_with_a_number_inside_a_function_runs(text, label):
    at = open_tab(label, ag_preset="custom", ag_text=text)
    assert at.session_state["ag_fixes" if label == ERRORS else "ag_graph"]  # the page itself is fine
    panel_matches_the_page(at, label)


@pytest.mark.parametrize(("label", "text"), [(GRAPH, "(loss - w)^2"), (ERRORS, "out*w + 1"), (GRAPH, "print*w")])
def test_a_leaf_named_like_a_panel_variable_is_refused(label, text):
    """The panel is a Python script: a leaf called loss/out/print would overwrite its own names. The page says so
    and keeps the last good formula, whose panel still matches."""
    at = open_tab(label, ag_preset="custom", ag_text=text)
    assert any("cannot be a leaf name" in e.value for e in at.error)
    panel_matches_the_page(at, label)
