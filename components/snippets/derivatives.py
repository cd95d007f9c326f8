"""The Derivatives page's "PyTorch code": autograd on the student's own function.

The function text has already passed the safe expression parser; here it is
only re-printed as Python, with ``torch.`` in front of the whitelisted
functions (``ast`` in, ``ast.unparse`` out: nothing is evaluated).
"""

from __future__ import annotations

import ast

from components.compute.expressions import FUNCTIONS


class _Torchify(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
            node.func = ast.Attribute(value=ast.Name("torch", ast.Load()), attr=node.func.id, ctx=ast.Load())
            # torch functions refuse plain numbers (sqrt(2), maximum(x, 0.5)); the language makes them tensors
            node.args = [_tensor(a) if _constant(a) else a for a in node.args]
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in ("pi", "e"):
            return ast.Attribute(value=ast.Name("math", ast.Load()), attr=node.id, ctx=ast.Load())
        return node


def _constant(node: ast.AST) -> bool:
    """No variable in it (``math.pi`` and numbers only)."""
    return not any(isinstance(n, ast.Name) and n.id not in ("math", "torch") for n in ast.walk(node))


def _tensor(node: ast.expr) -> ast.Call:
    """``torch.tensor(<node>, dtype=torch.float64)``."""
    torch_attr = lambda name: ast.Attribute(value=ast.Name("torch", ast.Load()), attr=name, ctx=ast.Load())  # noqa: E731
    return ast.Call(torch_attr("tensor"), [node], [ast.keyword("dtype", torch_attr("float64"))])


def torch_source(text: str) -> str:
    """``sin(x)^2`` to ``torch.sin(x) ** 2``: a validated expression as PyTorch code."""
    tree = ast.parse(text.replace("^", "**"), mode="eval")
    return ast.unparse(ast.fix_missing_locations(_Torchify().visit(tree)))


def derivative_code(text: str, x0: float, dx: float) -> str:
    """Autograd slope ``f'(x0)``, the true change ``Δy`` and the differential ``dy = f'(x0)*Δx``.

    Named as on the page: ``delta_x`` is the step Δx, ``delta_y`` the true change Δy, ``dy`` the differential.
    """
    return f"""import math

import torch


def f(x):
    return {torch_source(text)}


x = torch.tensor({x0!r}, dtype=torch.float64, requires_grad=True)
y = f(x)
y.backward()  # autograd fills x.grad with f'(x0)
slope = x.grad.item()  # the derivative: a rate of change

delta_x = {dx!r}  # the step Δx
with torch.no_grad():
    delta_y = (f(x + delta_x) - y).item()  # Δy: the true change of f over the step
dy = slope * delta_x  # the differential dy = f'(x0)·Δx: the tangent's estimate of Δy

print("f'(x0) =", slope)
print("Δy =", delta_y, "  dy =", dy, "  |Δy - dy| =", abs(delta_y - dy))
"""


def gradient_code(text: str, x0: float, y0: float, degrees: float) -> str:
    """Partial derivatives by autograd, the gradient, and a directional derivative."""
    return f"""import math

import torch


def f(x, y):
    return {torch_source(text)}


x = torch.tensor({x0!r}, dtype=torch.float64, requires_grad=True)
y = torch.tensor({y0!r}, dtype=torch.float64, requires_grad=True)
z = f(x, y)
z.backward()  # one backward pass gives both partial derivatives
grad = torch.stack([x.grad, y.grad])  # the gradient: points where f rises fastest

theta = math.radians({degrees!r})
u = torch.tensor([math.cos(theta), math.sin(theta)], dtype=torch.float64)  # a unit direction
directional = (grad @ u).item()  # rate of change along u: largest along grad, 0 along the contour

print("df/dx =", grad[0].item(), "  df/dy =", grad[1].item(), "  |grad| =", grad.norm().item())
print("directional derivative =", directional)
"""
