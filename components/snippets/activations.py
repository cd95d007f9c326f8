"""The Activations page's "PyTorch code": the activation's value and slope at x, the network and the linear model
trained on the page's data (their accuracies), and, for an all-Identity network, its collapse into one layer."""

from __future__ import annotations

from components.compute.datasets import DataSpec
from components.compute.fit_models import ACTIVATIONS, ModelSpec, TrainSpec
from components.snippets.overfitting import data_code, model_code


def curve_code(name: str, x0: float) -> str:
    return f"""# ---- the activation and its derivative at x (autograd)
x0 = torch.tensor({x0!r}, dtype=torch.float64, requires_grad=True)
f0 = nn.{ACTIVATIONS[name].__name__}()(x0)
f0.backward()
print(f"f({{x0.item():g}}) = {{f0.item():.4g}}, f'({{x0.item():g}}) = {{x0.grad.item():.4g}}")
"""


def activations_code(curve: tuple[str, float], data: DataSpec, model: ModelSpec, train: TrainSpec,
                     linear: ModelSpec) -> str:  # fmt: skip
    """Source that recomputes ``f0`` and ``x0.grad`` of the curve, the network's ``net_accuracy`` and losses, the
    linear model's ``linear_accuracy``, and with Identity activations everywhere ``W``, ``b`` and ``max_diff``."""
    collapse = ""
    if all(a == "identity" for a in model.layer_activations()):
        collapse = """
# ---- Identity activations: the stack is one linear layer, W = W_L ... W_1, b = W_L(... W_2 b_1 + b_2 ...) + b_L
layers = [m for m in net if isinstance(m, nn.Linear)]
with torch.no_grad():
    W, b = layers[0].weight, layers[0].bias
    for layer in layers[1:]:
        W, b = layer.weight @ W, layer.weight @ b + layer.bias
    max_diff = (net(x_test) - (x_test @ W.T + b)).abs().max().item()
print("W =", W, "b =", b, f"largest difference of the logits {max_diff:.1e}", sep="\\n")
"""
    return (
        data_code(data)
        + "\n# ---- the network\n"
        + model_code(data, model, train)
        + "net, net_accuracy = model, accuracy\n"
        + "\n# ---- the linear model beside it: the same data, seed and training\n"
        + model_code(data, linear, train)
        + "linear_accuracy = accuracy\n"
        + collapse
        + "\n"
        + curve_code(*curve)
    )
