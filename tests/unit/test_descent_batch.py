"""Batched runs must give exactly the paths of separate runs (``descend`` is tested against NumPy)."""

from __future__ import annotations

import pytest
import torch

from components.compute.descent import SURFACES, RunSpec, bowl_function, descend, surface_function
from components.compute.descent_batch import descend_many
from components.compute.expressions import parse_expression

RUNS = [RunSpec("sgd", 0.001, None, 120), RunSpec("momentum", 0.001, 0.8, 120), RunSpec("adam", 0.05, None, 120),
        RunSpec("rmsprop", 0.01, 0.95, 120)]  # fmt: skip


def same(a, b) -> None:
    assert a.diverged_at == b.diverged_at and a.converged_at == b.converged_at
    for field in ("xs", "ys", "losses", "grads"):
        torch.testing.assert_close(getattr(a, field), getattr(b, field), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["rosenbrock", "himmelblau", "beale", "camel", "saddle"])
def test_batched_equals_separate_runs(name):
    s = SURFACES[name]
    f, region = surface_function(name), (s.x_range, s.y_range)
    for got, run in zip(descend_many(f, s.start, RUNS, region), RUNS, strict=True):
        same(got, descend(f, s.start, run, region))


def test_divergence_of_one_run_leaves_the_others_running():
    f, region = bowl_function(10.0, 30.0), ((-3.0, 3.0), (-3.0, 3.0))
    runs = [RunSpec("sgd", 10.0, None, 50), RunSpec("adam", 0.1, None, 50), RunSpec("nesterov", 0.01, 0.9, 30)]
    paths = descend_many(f, (-2.5, 1.5), runs, region)
    assert paths[0].diverged_at is not None and paths[1].diverged_at is None
    assert len(paths[1].xs) == 51 and len(paths[2].xs) == 31  # own step counts
    for got, run in zip(paths, runs, strict=True):
        same(got, descend(f, (-2.5, 1.5), run, region))


def test_constant_and_singular_functions():
    region = ((-3.0, 3.0), (-3.0, 3.0))
    flat = descend_many(parse_expression("2", ("x", "y")), (1.0, 1.0), RUNS[:2], region)
    assert all(p.converged_at == 0 for p in flat)
    bad = descend_many(parse_expression("1/x + y**2", ("x", "y")), (0.0, 1.0), RUNS[:2], region)
    assert all(p.diverged_at == 0 and len(p.xs) == 0 for p in bad)


def test_bounds_are_checked():
    with pytest.raises(ValueError, match="Got"):
        descend_many(bowl_function(), (0.0, 0.0), [RunSpec("sgd", 100.0)], ((-3.0, 3.0), (-3.0, 3.0)))
