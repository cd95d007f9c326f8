"""The Gradient descent page's "PyTorch code": the torch.optim loop of the first run."""

from __future__ import annotations

from components.compute.descent import OPTIMIZERS, RunSpec
from components.snippets.derivatives import torch_source


def _function_source(text: str | None, condition: float, angle: float) -> str:
    if text is not None:
        return f"def f(x, y):\n    return {torch_source(text)}\n"
    return (
        "def f(x, y):  # a quadratic bowl, turned by the angle; condition = its curvature ratio\n"
        f"    c, s = math.cos(math.radians({angle!r})), math.sin(math.radians({angle!r}))\n"
        "    u, v = c * x + s * y, c * y - s * x\n"
        f"    return 0.5 * (u * u + {condition!r} * (v * v))\n"
    )


def _optimizer_source(run: RunSpec) -> str:
    spec = OPTIMIZERS[run.optimizer]
    args = [f"lr={run.lr!r}"] + [f"{k}={v!r}" for k, v in spec.fixed.items()]
    if spec.tunable is not None:
        knob = spec.default if run.knob is None else run.knob
        args.append(f"betas=({knob!r}, 0.999)" if spec.tunable == "beta1" else f"{spec.tunable}={knob!r}")
    return f"torch.optim.{spec.cls.__name__}([p], {', '.join(args)})"


def descent_code(
    text: str | None, start: tuple[float, float], run: RunSpec, condition: float = 10.0, angle: float = 0.0
) -> str:
    """Source that recomputes the first run's path ``path`` (a list of ``(x, y)``)."""
    x0, y0 = start
    return f"""import math

import torch


{_function_source(text, condition, angle)}

p = torch.tensor([{float(x0)!r}, {float(y0)!r}], dtype=torch.float64, requires_grad=True)  # the start point
opt = {_optimizer_source(run)}

path = [tuple(p.tolist())]
for step in range({run.steps}):
    opt.zero_grad()  # forget the previous gradient
    loss = f(*p)  # forward: the loss at the current point
    loss.backward()  # backward: p.grad = the gradient of f
    opt.step()  # move against the gradient (how far and how depends on the optimizer)
    path.append(tuple(p.tolist()))
    if not all(math.isfinite(v) for v in path[-1]):
        print("diverged at step", step + 1)
        break

print("end:", path[-1], " loss:", f(*p).item())
"""
