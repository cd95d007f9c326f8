"""The scripted epoch against autograd and torch.optim: the same gradients and the same weights, bit for bit."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from components.compute.datasets import DataSpec, make_data
from components.compute.fit_models import ACTIVATIONS, ModelSpec, TrainSpec, build_model
from components.compute.mlp_steps import ACTIVATION_CODES, scripted
from components.compute.overfitting import Trainer


def _net(acts: list[str], dropout: float, out_dim: int, in_dim: int = 2, seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    return build_model(ModelSpec("mlp", layers=len(acts), width=5, activations=tuple(acts), dropout=dropout),
                       in_dim, out_dim)  # fmt: skip


def _tensors(net: nn.Sequential) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    linears = [m for m in net if isinstance(m, nn.Linear)]
    return [m.weight.detach() for m in linears], [m.bias.detach() for m in linears]


def test_every_page_activation_has_a_code():
    assert set(ACTIVATIONS) == set(ACTIVATION_CODES)


@pytest.mark.parametrize("act", list(ACTIVATIONS))
@pytest.mark.parametrize("dropout", [0.0, 0.3])
@pytest.mark.parametrize("task", ["classification", "regression"])
def test_batch_gradients_are_autograds(act, dropout, task):
    data = make_data(DataSpec("moons" if task == "classification" else "sine", 60, 0.2, 0.5, 1))
    x, y = data.x_train[:12], data.y_train[:12]
    if task == "regression":
        x = torch.cat([x, x.square()], 1)  # two inputs like the classification sets
    acts = [act, "tanh"]
    net = _net(acts, dropout, 2 if task == "classification" else 1)
    net.train()
    torch.manual_seed(7)  # the same dropout masks for both
    out = net(x)
    loss = F.cross_entropy(out, y) if task == "classification" else F.mse_loss(out.squeeze(-1), y)
    loss.backward()
    linears = [m for m in net if isinstance(m, nn.Linear)]
    want = [m.weight.grad for m in linears] + [m.bias.grad for m in linears]
    ws, bs = _tensors(net)
    torch.manual_seed(7)
    got = scripted("batch_grads")(x, y, ws, bs, [ACTIVATION_CODES[a] for a in acts], dropout,
                                  task == "regression")  # fmt: skip
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert torch.equal(g, w), (g - w).abs().max()
    # and not trivially: the gradients are not zero, and another activation's differ
    assert any(float(g.abs().max()) > 1e-6 for g in got)


def test_finite_differences_check_the_gradient():
    """Independent of autograd: central differences of the loss in float64."""
    data = make_data(DataSpec("circles", 40, 0.2, 0.5, 3))
    x, y = data.x_train[:8], data.y_train[:8]
    net = _net(["gelu", "softplus"], 0.0, 2)
    ws, bs = _tensors(net)
    got = scripted("batch_grads")(x, y, ws, bs, [4, 8], 0.0, False)
    w = ws[1]
    for i, j in [(0, 0), (2, 3), (4, 1)]:
        keep = float(w[i, j])
        losses = []
        for h in (1e-6, -1e-6):
            w[i, j] = keep + h
            with torch.no_grad():
                losses.append(float(F.cross_entropy(net(x), y)))
        w[i, j] = keep
        assert got[1][i, j].item() == pytest.approx((losses[0] - losses[1]) / 2e-6, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize(("batch", "dropout", "decay"), [(10, 0.0, 0.0), (7, 0.2, 1e-3), (0, 0.0, 1e-2)])
def test_trainer_weights_are_an_eager_loops(optimizer, batch, dropout, decay):
    """The Trainer's scripted epochs against ``loss.backward()`` + ``torch.optim(fused=True)`` on the same
    batches and masks: the same weights after 30 epochs, bit for bit."""
    data = make_data(DataSpec("circles", 120, 0.1, 0.5, 0))
    model = ModelSpec("mlp", layers=2, width=4, activations=("tanh", "relu"), dropout=dropout)
    train = TrainSpec(optimizer, 0.03, 30, batch, decay)
    trainer = Trainer(data, model, train, seed=5)
    trainer.run(30)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        net = build_model(model, 2, 2)
        gen = torch.Generator().manual_seed(5)
        cls = torch.optim.Adam if optimizer == "adam" else torch.optim.SGD
        opt = cls(net.parameters(), lr=0.03, weight_decay=decay, fused=True)
        x, y, n = data.x_train, data.y_train, len(data.x_train)
        for _ in range(30):
            net.train()
            if batch == 0:
                batches = [(x, y)]
            else:
                perm = torch.randperm(n, generator=gen)
                batches = zip(x[perm].split(batch), y[perm].split(batch), strict=True)
            for xb, yb in batches:
                opt.zero_grad()
                F.cross_entropy(net(xb), yb).backward()
                opt.step()
    for a, b in zip(trainer.model.parameters(), net.parameters(), strict=True):
        assert torch.equal(a.detach(), b.detach()), (a - b).abs().max()


@pytest.mark.parametrize(("widths", "acts"), [((16,), ("tanh",)), ((16, 3, 8), ("tanh", "relu", "softplus")),
                                              ((32, 32), ("gelu", "silu"))])  # fmt: skip
def test_wide_layers_on_a_whole_training_set_too(widths, acts):
    """Width 16 on 100 points: where the graph executor's addmm decomposition changed the last bits."""
    data = make_data(DataSpec("spirals", 200, 0.2, 0.5, 4))
    x, y = data.x_train, data.y_train
    torch.manual_seed(4)
    net = build_model(ModelSpec("mlp", layers=len(widths), widths=widths, activations=acts), 2, 2)
    F.cross_entropy(net(x), y).backward()
    linears = [m for m in net if isinstance(m, nn.Linear)]
    want = [m.weight.grad for m in linears] + [m.bias.grad for m in linears]
    ws, bs = _tensors(net)
    fn = scripted("batch_grads")
    for _ in range(3):  # the executor specialises after a few calls: every call must stay exact
        got = fn(x, y, ws, bs, [ACTIVATION_CODES[a] for a in acts], 0.0, False)
        assert all(torch.equal(g, w) for g, w in zip(got, want, strict=True))
