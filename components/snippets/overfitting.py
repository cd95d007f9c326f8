"""The Overfitting page's "PyTorch code": data, model and training loop that reproduce the curves."""

from __future__ import annotations

import inspect
import textwrap

from components.compute import datasets as ds
from components.compute import overfitting as of
from components.compute.datasets import DataSpec
from components.compute.fit_models import ACTIVATIONS
from components.compute.overfitting import ModelSpec, TrainSpec


def _data_source(spec: DataSpec) -> str:
    """The page's own generator for this kind of data set (its source, so the numbers are the same)."""
    maker = ds.regression_points if ds.TASKS[spec.dataset] == "regression" else ds.classification_points
    return textwrap.dedent(inspect.getsource(maker))


def _noise_std(spec: DataSpec) -> str:
    """The noise std as the page computes it, ``noise * NOISE_SCALE``, written so that it shows no long float
    (``0.3 * (1 / 3)``, not ``0.09999999999999999``) and evaluates to the same number."""
    scale = ds.NOISE_SCALE[spec.dataset]
    if scale == 1:
        return repr(spec.noise)
    return f"{spec.noise!r} * {'(1 / 3)' if scale == 1 / 3 else repr(scale)}"


_ACT = {name: f"nn.{cls.__name__}()" for name, cls in ACTIVATIONS.items()}


def _model_source(model: ModelSpec, classification: bool) -> str:
    out = "n_classes" if classification else "1"
    if model.kind == "poly":
        return f"""scale = x_train.abs().amax(0)  # features of the training points stay in [-1, 1]
scale = torch.where(scale > 0, scale, torch.ones_like(scale))
exps = [e for e in itertools.product(range({model.degree}, -1, -1), repeat=x_train.shape[1])
        if 1 <= sum(e) <= {model.degree}]
exps = torch.tensor(sorted(exps, key=sum))  # the monomials x1^a * x2^b of degree 1..{model.degree}


class PolyFeatures(nn.Module):
    def forward(self, x):
        powers = (x / scale)[:, :, None].pow(torch.arange({model.degree} + 1, dtype=torch.float64))
        if x.shape[1] == 1:
            return powers[:, 0, 1:]
        return powers[:, 0, exps[:, 0]] * powers[:, 1, exps[:, -1]]


model = nn.Sequential(PolyFeatures(), nn.Linear(len(exps), {out}, dtype=torch.float64))"""
    if model.layers == 0:
        return f"model = nn.Sequential(nn.Linear(x_train.shape[1], {out}, dtype=torch.float64))"
    if model.activations or model.widths:  # one line per layer
        sizes = ["x_train.shape[1]", *map(str, model.layer_widths())]
        rows = [f"    nn.Linear({sizes[i]}, {sizes[i + 1]}, dtype=torch.float64), {_ACT[a]}, "
                f"nn.Dropout({model.dropout!r}),"
                for i, a in enumerate(model.layer_activations())]  # fmt: skip
        rows.append(f"    nn.Linear({sizes[-1]}, {out}, dtype=torch.float64),")
        return "model = nn.Sequential(\n" + "\n".join(rows) + "\n)"
    act = _ACT[model.activation]
    return f"""layers, width = [], x_train.shape[1]
for _ in range({model.layers}):
    layers += [nn.Linear(width, {model.width}, dtype=torch.float64), {act}, nn.Dropout({model.dropout!r})]
    width = {model.width}
model = nn.Sequential(*layers, nn.Linear(width, {out}, dtype=torch.float64))"""


def _accuracy_source() -> str:
    """Classification: the share of points whose largest logit is their label, for the weights that ``final``
    reports (the model holds them: early stopping restored them)."""
    return """model.eval()
with torch.no_grad():
    accuracy = [(model(x).argmax(1) == y).double().mean().item() for x, y in ((x_train, y_train), (x_test, y_test))]
print(f"accuracy: train {100 * accuracy[0]:.1f}%, test {100 * accuracy[1]:.1f}%")
"""


def training_code(data: DataSpec, model: ModelSpec, train: TrainSpec) -> str:
    """Source that recomputes the page's train and test loss curves (``train_losses``, ``test_losses``) and, at the
    end, the reported pair (``final``)."""
    return data_code(data) + model_code(data, model, train)


def data_code(data: DataSpec) -> str:
    """Imports and the page's data set: ``x_train``, ``y_train``, ``x_test``, ``y_test`` (and ``n_classes``)."""
    classification = ds.TASKS[data.dataset] == "classification"
    noise_shape = "n, 2" if classification else "n"
    add_noise = "x = x + " if classification else "y = y + "
    return f"""import copy
import itertools
import math

import torch
import torch.nn.functional as F
from torch import nn

F64 = {{"dtype": torch.float64}}
BLOB_STD = {ds.BLOB_STD!r}
n, seed = {data.n}, {data.seed}

# ---- data: one generator draws the points, the noise and the train/test split
{_data_source(data)}

g = torch.Generator().manual_seed(seed)
x, y = {"classification" if classification else "regression"}_points({data.dataset!r}, n, g)
{add_noise}{_noise_std(data)} * torch.randn({noise_shape}, generator=g, **F64)
perm = torch.randperm(n, generator=g)
n_train = min(max(round(n * {data.train_frac!r}), 1), n - 1)
x_train, y_train = x[perm[:n_train]], y[perm[:n_train]]
x_test, y_test = x[perm[n_train:]], y[perm[n_train:]]
{"n_classes = " + str(3 if data.dataset == "blobs" else 2) if classification else ""}
"""


def model_code(data: DataSpec, model: ModelSpec, train: TrainSpec) -> str:
    """The model from the seed, its optimizer and the training loop (after :func:`data_code`)."""
    classification = ds.TASKS[data.dataset] == "classification"
    loss = "F.cross_entropy(out, y)" if classification else "F.mse_loss(out.squeeze(-1), y)"
    opt = (
        f"torch.optim.Adam(model.parameters(), lr={train.lr!r}, weight_decay={train.weight_decay!r}, fused=True)"
        if train.optimizer == "adam"
        else f"torch.optim.SGD(model.parameters(), lr={train.lr!r}, weight_decay={train.weight_decay!r}, fused=True)"
    )
    n_train = min(max(round(data.n * data.train_frac), 1), data.n - 1)
    batches = (
        "batches = [(x_train, y_train)]  # full batch"
        if train.batch_size == 0 or train.batch_size >= n_train
        else f"""perm = torch.randperm(len(x_train), generator=batch_order)  # a new order every epoch
    batches = zip(x_train[perm].split({train.batch_size}), y_train[perm].split({train.batch_size}))"""
    )
    early = (
        f"""    if test_losses[-1] < test_losses[best]:
        best, best_weights = epoch, copy.deepcopy(model.state_dict())
    elif epoch - best >= {train.patience}:  # early stopping: no better test loss for {train.patience} epochs
        break
model.load_state_dict(best_weights)  # keep the weights of the best test epoch
final = (train_losses[best], test_losses[best])"""
        if train.early_stopping
        else """final = (train_losses[-1], test_losses[-1])"""
    )
    return f"""
# ---- model: initial weights from the seed
torch.manual_seed(seed)
{_model_source(model, classification)}
opt = {opt}
batch_order = torch.Generator().manual_seed(seed)


def losses():  # loss on the whole training set and on the test set, without dropout and without autograd
    model.eval()
    with torch.no_grad():
        result = []
        for x, y in ((x_train, y_train), (x_test, y_test)):
            out = model(x)
            result.append(({loss}).item())
    return result


train_losses, test_losses = map(list, zip(losses()))
best, best_weights = 0, copy.deepcopy(model.state_dict())
for epoch in range(1, {train.epochs} + 1):
    model.train()
    {batches}
    for x, y in batches:
        opt.zero_grad()
        out = model(x)
        loss = {loss}  # what training lowers
        loss.backward()
        opt.step()
    a, b = losses()
    if not (math.isfinite(a) and math.isfinite(b)) or a > {of.EXPLODED!r} * train_losses[0]:
        print("diverged at epoch", epoch)  # the loss blew up: the curves stop before it
        break
    train_losses.append(a)
    test_losses.append(b)
{early}
print(f"final train loss {{final[0]:.3g}}, test loss {{final[1]:.3g}}")
{_accuracy_source() if classification else ""}"""
