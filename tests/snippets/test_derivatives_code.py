"""The Derivatives page's "PyTorch code" runs as-is and reproduces the page's numbers."""

from __future__ import annotations

import contextlib
import io

import pytest

from tests.app.conftest import ROOT, open_page
from tests.snippets.test_convolution_code import run_code


def panel_code(at, marker: str) -> str:
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if marker in c.value]
    return code


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"deriv_f1": "sigmoid", "deriv_x0": "-1.2", "deriv_dx": "0.01"},
        {"deriv_f1": "custom", "deriv_f1_text": "x^3 - pi*sin(x)"},
        {"deriv_f1": "custom", "deriv_f1_text": "sqrt(2)*x + maximum(x, 0.5)"},
    ],
)
def test_derivative_code_reproduces_the_page(query):
    at = open_page("derivatives", **query)
    tan = at.session_state["deriv_1d"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ns = run_code(panel_code(at, "y.backward()"), ROOT)
    # named as on the page: Δy is the true change, dy the differential
    printed = out.getvalue().splitlines()[1].split()
    assert printed[:3] == ["Δy", "=", repr(ns["delta_y"])] and printed[3:6] == ["dy", "=", repr(ns["dy"])]
    assert ns["slope"] == pytest.approx(tan.slope, rel=1e-12, abs=1e-12)
    assert ns["delta_y"] == pytest.approx(tan.delta_y, rel=1e-12, abs=1e-12)  # Δy, the true change
    assert ns["dy"] == pytest.approx(tan.differential, rel=1e-12, abs=1e-12)  # dy, the differential


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"deriv_f2": "himmelblau", "deriv_px": "-2.5", "deriv_py": "3", "deriv_theta": "-135"},
        {"deriv_f2": "custom", "deriv_f2_text": "maximum(x, y) + e^(x*y/4)"},
    ],
)
def test_gradient_code_reproduces_the_page(query):
    at = open_page("derivatives", **query)
    at.session_state["deriv_view"] = "f(x, y): partial derivatives & gradient"
    at.run()
    _, gx, gy, directional = at.session_state["deriv_2d"]
    with contextlib.redirect_stdout(io.StringIO()):
        ns = run_code(panel_code(at, "z.backward()"), ROOT)
    assert ns["grad"].tolist() == pytest.approx([gx, gy], rel=1e-12, abs=1e-12)
    assert ns["directional"] == pytest.approx(directional, rel=1e-12, abs=1e-12)
