"""Overfitting: the training set fits the parameters, the test set judges them.

Training lowers the loss on the points it sees — mean squared error ``mean((f(x) - y)**2)`` for regression,
cross-entropy ``mean(logsumexp(z) - z_y)`` for classification — by adjusting the model's parameters with
``torch.optim``'s fused SGD and Adam kernels. Each epoch runs in one TorchScript call (``mlp_steps``), whose
gradients and weights equal ``loss.backward()`` + ``torch.optim`` bit for bit: the Overfitting and Activations pages
share this trainer, fast enough to draw live (TensorFlow Playground's circle problem at several hundred epochs a
second, ``make bench``). The test points are never used for a step, so their loss measures how well the model does
on data it has not seen. A model with too little capacity has a high loss on both sets (underfitting); a model with
too much capacity for the amount of data fits the noise of its few training points: train loss low, test loss high.
That gap is overfitting; weight decay (an L2 penalty), dropout and early stopping shrink it.

Everything is float64 on the CPU and deterministic for a given seed: one ``torch.Generator`` draws a data set,
and a :class:`Trainer` keeps its own random state, so chunked training (for live curves) equals one straight run
bit for bit. (The page stops early on the test loss to keep one split; in practice that is a validation set.)
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import torch
from torch import nn

from components.compute.datasets import F64, MAX_SEED, Data, check_choice, check_int
from components.compute.fit_models import (
    MAX_DEGREE,
    MAX_EPOCHS,
    MAX_WIDTH,
    ModelSpec,
    TrainSpec,
    build_model,
    check_model,
    check_train,
    input_scale,
)
from components.compute.mlp_steps import ACTIVATION_CODES, scripted

# A train loss this many times the starting one has diverged (it would reach inf a few epochs later, through
# numbers too large to plot or to read).
EXPLODED = 1e6
# Below this many elements per activation torch runs elementwise ops on one thread anyway (its grain size), but some
# kernels (fused Adam) still open a parallel region per call; on a busy machine waiting for the second thread there
# cost 5-10x (measured). Such small problems train on one thread.
ONE_THREAD_BELOW = 32768


# --- training ------------------------------------------------------------------------------------------------


@contextmanager
def _threads(n: int) -> Iterator[None]:
    """Run torch on ``n`` threads inside the block. With torch's OpenMP backend the setting belongs to the calling
    thread, so other Streamlit sessions keep theirs."""
    before = torch.get_num_threads()
    if n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class Trainer:
    """Chunked training so a UI can draw curves while it runs: ``Trainer(...).run(k)`` trains up to ``k`` more
    epochs; ``run(100)`` twice equals ``run(200)`` once, bit for bit, whatever else uses the RNG in between.

    Attributes:
        epoch: epochs done; after a divergence the last one recorded (``len(train_losses) == epoch + 1``).
        train_losses, test_losses: index ``e`` is the loss on the whole set after ``e`` epochs (``0``: before
            training), in eval mode (no dropout), without autograd. Always finite.
        accuracies: classification only (else empty): index ``e`` is ``(train, test)``, the share of points whose
            largest logit is their label, in ``[0, 1]``, alongside the losses.
        done: all epochs run, stopped early or diverged.
        diverged_at: first epoch whose train or test loss or any parameter is not finite, or whose train loss is
            :data:`EXPLODED` times the starting one (its losses are not
            recorded and the weights of the epoch before are put back), else ``None``.
        stopped_at: the epoch where early stopping stopped, ``best_epoch + patience``, else ``None``.
        best_epoch: index of the lowest test loss so far (the first on a tie).
        model: the ``nn.Module``; with early stopping the weights of ``best_epoch`` are restored when done.
    """

    def __init__(self, data: Data, model: ModelSpec, train: TrainSpec, seed: int = 0):
        """Build the model from ``seed`` (its own RNG; the global one is left as it was) and the optimizer; a
        polynomial's features are scaled by :func:`input_scale` of ``data.x_train``.

        Args:
            data: from :func:`make_data`.
            model: the model settings (validated).
            train: the training settings (validated).
            seed: integer in ``[0, 2**63 - 1]``; seeds the initial weights, the batch order and dropout.
        """
        check_train(train)
        check_int("seed", seed, 0, MAX_SEED)
        check_choice("task", data.task, {"regression": 0, "classification": 0})
        if data.task == "classification" and not 2 <= data.n_classes <= 16:
            raise ValueError(f"n_classes must be in [2, 16] for classification. Got {data.n_classes}")
        self.data, self.model_spec, self.train_spec = data, model, train
        self._regression = data.task == "regression"
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            out_dim, x_scale = 1 if self._regression else data.n_classes, input_scale(data.x_train)
            self.model = build_model(model, data.x_train.shape[1], out_dim, x_scale)
            self._rng_state = torch.get_rng_state()
        self._gen = torch.Generator().manual_seed(seed)  # mini-batch order
        self._params = list(self.model.parameters())
        # Training runs in mlp_steps' scripted epoch on the Linear layers' tensors (shared with the model), on
        # fixed input features: a polynomial's are computed once here.
        linears = [m for m in self.model if isinstance(m, nn.Linear)]
        self._ws, self._bs = [m.weight.detach() for m in linears], [m.bias.detach() for m in linears]
        with torch.no_grad():
            self._inputs = self.model[0](data.x_train) if model.kind == "poly" else data.x_train
        mlp = model.kind == "mlp"
        self._acts = [ACTIVATION_CODES[a] for a in model.layer_activations()] if mlp else []
        self._p = model.dropout if mlp and model.layers else 0.0
        self._adam = train.optimizer == "adam"
        n_params = len(linears) * 2
        self._adam_state: tuple[list[torch.Tensor], ...] = (
            [torch.zeros_like(p) for p in self._ws + self._bs], [torch.zeros_like(p) for p in self._ws + self._bs],
            [torch.zeros((), dtype=torch.float32) for _ in range(n_params)],
        ) if self._adam else ([], [], [])  # fmt: skip
        self._n_train = len(data.x_train)
        self._x_all, self._y_all = torch.cat([data.x_train, data.x_test]), torch.cat([data.y_train, data.y_test])
        with torch.no_grad():
            self._inputs_all = self.model[0](self._x_all) if model.kind == "poly" else self._x_all
        n, n_test = self._n_train, len(data.x_test)
        self._avg = torch.zeros(2, n + n_test, **F64)  # row 0 averages the train points, row 1 the test points
        self._avg[0, :n], self._avg[1, n:] = 1 / n, 1 / n_test
        self._members, self._sizes = (self._avg > 0).to(torch.float64), torch.tensor([n, n_test], **F64)
        widest = max(m.in_features for m in self.model.modules() if isinstance(m, nn.Linear))
        self._small = len(self._x_all) * widest < ONE_THREAD_BELOW
        self._last = [p.detach().clone() for p in self._params]  # weights before the current epoch
        self._best: list[torch.Tensor] | None = None
        self.epoch, self.train_losses, self.test_losses, self.accuracies = 0, [], [], []
        self.done, self.diverged_at, self.stopped_at, self.best_epoch = False, None, None, 0
        self.model.eval()
        self._record()

    def _evaluate(self) -> list[float]:
        """Train loss, test loss, the L1 norm of all parameters (non-finite if any is) and, for classification,
        train and test accuracy: few ops, one conversion.

        The per-point losses of both sets come from one forward pass (scripted: ``mlp_steps.evaluate``); their
        means are one product with ``_avg``.
        """
        found = scripted("evaluate")(
            self._inputs_all, self._y_all, self._ws, self._bs, self._acts, self._regression, self._avg,
            self._members, self._sizes,
        )  # fmt: skip
        return found.tolist()

    def _record(self) -> None:
        """Evaluate the current weights as epoch ``self.epoch``: record, or detect divergence; update the best."""
        tr, te, norm, *accuracy = self._evaluate()
        exploded = bool(self.train_losses) and tr > EXPLODED * max(self.train_losses[0], 1e-12)
        if exploded or not (math.isfinite(tr) and math.isfinite(te) and math.isfinite(norm)):
            self.diverged_at, self.epoch = self.epoch, max(self.epoch - 1, 0)
            with torch.no_grad():
                torch._foreach_copy_(self._params, self._last)
            return self._finish()
        self.train_losses.append(tr)
        self.test_losses.append(te)
        if accuracy:
            self.accuracies.append((accuracy[0], accuracy[1]))
        early = self.train_spec.early_stopping
        if self.epoch == 0 or te < self.test_losses[self.best_epoch]:
            self.best_epoch = self.epoch
            if early:
                self._best = [p.detach().clone() for p in self._params]
        elif early and self.epoch - self.best_epoch >= self.train_spec.patience:
            self.stopped_at = self.epoch
            return self._finish()
        if self.epoch >= self.train_spec.epochs:
            self._finish()

    def _finish(self) -> None:
        self.done = True
        if self._best is not None:
            with torch.no_grad():
                torch._foreach_copy_(self._params, self._best)
        self.model.eval()

    def _train_epoch(self) -> None:
        bs = self.train_spec.batch_size
        full = bs == 0 or bs >= self._n_train  # full batch: no shuffling needed
        perm = None if full else torch.randperm(self._n_train, generator=self._gen)
        scripted("train_epoch")(
            self._inputs, self.data.y_train, perm, self._n_train if full else bs, self._ws, self._bs, self._acts,
            self._p, self._regression, self._adam, self.train_spec.lr, self.train_spec.weight_decay, *self._adam_state,
        )  # fmt: skip

    def run(self, epochs: int) -> None:
        """Train up to ``epochs`` more epochs (an integer in ``[0, 5000]``); a no-op once :attr:`done`."""
        check_int("epochs", epochs, 0, MAX_EPOCHS)
        if self.done or epochs == 0:
            return
        # Dropout draws from the global RNG: use this trainer's own state.
        with torch.random.fork_rng(devices=[]), _threads(1 if self._small else torch.get_num_threads()):
            torch.set_rng_state(self._rng_state)
            try:
                for _ in range(min(epochs, self.train_spec.epochs - self.epoch)):
                    torch._foreach_copy_(self._last, [p.detach() for p in self._params])
                    self._train_epoch()
                    self.epoch += 1
                    self._record()
                    if self.done:
                        break
            finally:
                self._rng_state = torch.get_rng_state()

    def final(self) -> tuple[float, float]:
        """``(train, test)`` loss reported: at :attr:`best_epoch` with early stopping, else at the last epoch."""
        if not self.train_losses:  # diverged before any epoch: nothing finite to report
            return math.nan, math.nan
        i = self._reported()
        return self.train_losses[i], self.test_losses[i]

    def final_accuracy(self) -> tuple[float, float] | None:
        """``(train, test)`` accuracy in ``[0, 1]`` at the epoch :meth:`final` reports; ``None`` for regression."""
        return self.accuracies[self._reported()] if self.accuracies else None

    def _reported(self) -> int:
        return self.best_epoch if self.train_spec.early_stopping else len(self.train_losses) - 1

    def predict(self, x: torch.Tensor) -> torch.Tensor:
        """Eval mode, no autograd. ``x``: ``(n, d)`` points. Returns regression ``(n,)`` float64 values,
        classification ``(n, C)`` softmax probabilities; non-finite values are returned, never raised."""
        d = self.data.x_train.shape[1]
        if not isinstance(x, torch.Tensor) or x.dim() != 2 or x.shape[1] != d:
            raise ValueError(f"x must be a (n, {d}) tensor. Got {getattr(x, 'shape', type(x).__name__)}")
        self.model.eval()
        with torch.no_grad():
            out = self.model(x.to(torch.float64))
            return out.squeeze(-1) if self._regression else torch.softmax(out, dim=1)


def fit(data: Data, model: ModelSpec, train: TrainSpec, seed: int = 0) -> Trainer:
    """Train to the end in one go: ``Trainer(data, model, train, seed)`` then ``run(train.epochs)``."""
    trainer = Trainer(data, model, train, seed)
    trainer.run(train.epochs)
    return trainer


def capacities(model: ModelSpec) -> list[int]:
    """The capacities a sweep tries: poly degrees 1..15, mlp widths 1, 2, 4, ..., 128."""
    check_choice("kind", model.kind, {"poly": 0, "mlp": 0})
    return list(range(1, 16)) if model.kind == "poly" else [2**i for i in range(8)]


def sweep(
    data: Data, model: ModelSpec, train: TrainSpec, capacities: list[int], seed: int = 0
) -> Iterator[tuple[int, float, float]]:
    """Train a fresh model (same seed) for each capacity — poly: ``degree``, mlp: ``width`` — to the end.

    Args:
        data, model, train, seed: as for :func:`fit`; ``model``'s degree or width is replaced.
        capacities: the degrees (``[1, 20]``) or widths (``[1, 128]``), validated before any training.

    Returns:
        A lazy iterator (validation happens at the call): one ``(capacity, train loss, test loss)`` per capacity,
        as :meth:`Trainer.final` reports them, in the given order, each trained when it is asked for.
    """
    check_model(model)
    field, hi = ("degree", MAX_DEGREE) if model.kind == "poly" else ("width", MAX_WIDTH)
    for c in capacities:
        check_int(f"capacity ({field})", c, 1, hi)
    capacities = list(capacities)
    return ((c, *fit(data, replace(model, **{field: c}), train, seed).final()) for c in capacities)
