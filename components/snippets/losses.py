"""The Loss functions page's "PyTorch code": the line's three losses and their gradients, one example's
cross-entropy, the batch's reductions and the three mistakes, with the page's settings."""

from __future__ import annotations

from components.compute import losses as L


def losses_code(line: tuple[float, float, float], delta: float, logits: tuple[list[float], int, float],
                batch: tuple[int, str]) -> str:  # fmt: skip
    """Source that recomputes ``mse``, ``mae``, ``huber`` and ``grads`` of the line, ``probs``, ``loss`` and
    ``z.grad`` of the example, ``per_sample``, ``batch_loss`` and ``by_hand`` of the batch, and the mistakes'
    ``right``, ``wrong``, ``wrong_mse`` and ``right_mse``."""
    w, b, outlier = line
    z, true, temp = logits
    seed, reduction = batch
    return f"""import warnings

import torch
import torch.nn.functional as F
from torch import nn

F64 = {{"dtype": torch.float64}}

# ---- regression: the points, the line w x + b, three losses and their gradients (autograd)
g = torch.Generator().manual_seed(0)
x = torch.linspace(0, 5, {L.N_POINTS}, **F64)
y = {L.TRUE_LINE[0]!r} * x + {L.TRUE_LINE[1]!r} + 0.3 * torch.randn({L.N_POINTS}, generator=g, **F64)
y[-1] += {outlier!r}  # the outlier
w = torch.tensor({w!r}, **F64, requires_grad=True)
b = torch.tensor({b!r}, **F64, requires_grad=True)
pred = w * x + b
mse = F.mse_loss(pred, y)  # mean((pred - y) ** 2)
mae = F.l1_loss(pred, y)  # mean(|pred - y|)
huber = F.huber_loss(pred, y, delta={delta!r})
grads = {{name: [v.item() for v in torch.autograd.grad(loss, (w, b), retain_graph=True)]
         for name, loss in (("mse", mse), ("mae", mae), ("huber", huber))}}
print(f"MSE {{mse.item():.4g}}, MAE {{mae.item():.4g}}, Huber {{huber.item():.4g}}; dMSE/dw {{grads['mse'][0]:.4g}}")

# ---- classification: logits -> softmax -> cross-entropy, temperature T
z = torch.tensor({z!r}, **F64, requires_grad=True)
label = torch.tensor([{true}])
T = {temp!r}
loss = F.cross_entropy(z[None] / T, label)  # = -log softmax(z / T)[label]
loss.backward()
probs = torch.softmax(z.detach() / T, 0)
print("p =", probs, f"loss {{loss.item():.4g}}", "dL/dz =", z.grad)  # (softmax - one-hot) / T

# ---- a batch of 4: per-sample losses and the reduction
g = torch.Generator().manual_seed({seed})
Z = (torch.randn(4, 3, generator=g, **F64) * 2).round(decimals=1)
Y = torch.randint(0, 3, (4,), generator=g)
per_sample = F.cross_entropy(Z, Y, reduction="none")  # logsumexp(z) - z_y
batch_loss = F.cross_entropy(Z, Y, reduction={reduction!r})
by_hand = -F.log_softmax(Z, 1)[range(4), Y].mean()
print("per sample", per_sample, {reduction!r}, batch_loss, "by hand", by_hand)

# ---- mistake 1: softmax before nn.CrossEntropyLoss (it applies log-softmax itself)
criterion = nn.CrossEntropyLoss()
logits = torch.tensor({z!r}, **F64)
right = criterion(logits[None], label).item()
wrong = criterion(torch.softmax(logits, 0)[None], label).item()
print(f"on logits {{right:.4g}}, on probabilities {{wrong:.4g}}")

# ---- mistake 3: an (N, 1) prediction against (N,) targets broadcasts to N x N pairs
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    wrong_mse = F.mse_loss(pred.detach()[:, None], y).item()
print(caught[0].message)
right_mse = F.mse_loss(pred.detach(), y).item()
print(f"broadcast {{wrong_mse:.4g}} instead of {{right_mse:.4g}}")
"""
