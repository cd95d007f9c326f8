"""The Gradient descent page's "PyTorch code" reproduces the first run's path exactly."""

from __future__ import annotations

import contextlib
import io

import pytest
import torch

from tests.app.conftest import ROOT, open_page
from tests.snippets.test_convolution_code import run_code


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"gd_surface": "bowl", "gd_condition": "30", "gd_angle": "30", "gd_optimizer": "nesterov", "gd_lr": "0.02"},
        {"gd_surface": "himmelblau", "gd_optimizer": "adam", "gd_lr": "0.1", "gd_x0": "0.5", "gd_y0": "-1"},
        {"gd_surface": "custom", "gd_text": "x^2 + 3*sin(y)", "gd_optimizer": "rmsprop", "gd_lr": "0.05"},
        {"gd_surface": "beale", "gd_optimizer": "adagrad", "gd_lr": "0.5", "gd_steps": "200"},
        {"gd_surface": "camel", "gd_optimizer": "adamw", "gd_lr": "0.01"},
    ],
)
def test_code_reproduces_the_first_path(query):
    at = open_page("gradient_descent", **query)
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if "opt.step()" in c.value]
    path = at.session_state["gd_paths"][0]
    if "gd_lr" in query:  # the link's settings really reached the optimizer
        assert f"lr={float(query['gd_lr'])!r}" in code
    with contextlib.redirect_stdout(io.StringIO()):
        ns = run_code(code, ROOT)
    got = torch.tensor(ns["path"][: len(path.xs)], dtype=torch.float64)
    want = torch.stack([path.xs, path.ys], dim=1)
    torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-9)
