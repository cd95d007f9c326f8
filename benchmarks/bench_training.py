"""Issue 13's training budget: TensorFlow Playground's default problem, trained as fast as the pages can.

The problem: circle (here ``circles``, no noise), 250 training points, a 2-4-2 tanh network (two logits out),
SGD lr 0.03, batches of 10 — TensorFlow Playground trains it at ~60 epochs/s in Chromium on this machine.

1. Compute: a plain eager loop (``loss.backward()``, ``opt.step()`` per batch, the train and test loss after each
   epoch, as the code panels do) beside the shared ``Trainer`` (scripted epochs, the same per-epoch losses) in the
   same run, on one thread, each for ``SECONDS``.
2. In Chromium: the Activations page training that problem live (``Train again``), epochs per second from the
   progress text as the page draws it, and the gap between redraws (≥ 5 a second); the Overfitting page on the
   same problem with batches of 8 (its batch choices), 2-4-4 (one width for all layers).
3. In Chromium: the Embeddings page training its word vectors live (skip-gram, d = 16, a seed not trained before
   on this server), redraws per second of the loss curve and the map as the page draws them (issue 14).
Budget: ≥ 300 epochs/s on the page with live curves; the Embeddings page redraws ≥ 5 times a second.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from benchmarks.common import Check, Report, summary

EPOCHS_BUDGET, GAP_BUDGET_MS, REDRAWS_BUDGET = 300.0, 200.0, 5.0
EMB_EPOCHS = 2000
SECONDS = 3.0
LIVE_EPOCHS = 2000  # the Activations page's most
ACT_QUERY = (
    "act_view=network&act_dataset=circles&act_n=500&act_noise=0&act_layers=2&act_width1=4&act_width2=2"
    f"&act_act1=tanh&act_act2=tanh&act_optimizer=sgd&act_lr=0.03&act_batch=10&act_epochs={LIVE_EPOCHS}"
)
FIT_QUERY = ("fit_dataset=circles&fit_n=500&fit_noise=0&fit_train_frac=50&fit_model=mlp&fit_layers=2&fit_width=4"
             f"&fit_activation=tanh&fit_optimizer=sgd&fit_lr=0.03&fit_batch=8&fit_epochs={LIVE_EPOCHS}")  # fmt: skip
# Every progress text the page shows, with its time, recorded as it changes.
WATCH = """() => { window.__seen = [];
  new MutationObserver(() => { const p = document.querySelector('[data-testid="stProgress"]');
    const s = p && p.innerText, last = window.__seen.at(-1);
    if (s && (!last || s !== last[1])) window.__seen.push([performance.now(), s]); })
  .observe(document.body, { subtree: true, childList: true, characterData: true }); }"""
EPOCH = re.compile(r"(\d+)")  # the first number: the epoch ("Epoch 12 of 2000", "Done: 2000 epochs")


def _problem():
    from components.compute.datasets import DataSpec, make_data
    from components.compute.fit_models import ModelSpec, TrainSpec

    data = make_data(DataSpec("circles", 500, 0.0, 0.5, 0))
    model = ModelSpec("mlp", layers=2, widths=(4, 2), activations=("tanh", "tanh"))
    return data, model, TrainSpec("sgd", 0.03, 5000, 10)


def _eager(data, model) -> float:
    """Epochs per second of the plain loop, for ``SECONDS``."""
    import torch
    import torch.nn.functional as F

    from components.compute.fit_models import build_model

    torch.manual_seed(0)
    net = build_model(model, 2, 2)
    opt = torch.optim.SGD(net.parameters(), lr=0.03)
    gen = torch.Generator().manual_seed(0)
    x, y = data.x_train, data.y_train
    epochs, start = 0, time.perf_counter()
    while time.perf_counter() - start < SECONDS:
        net.train()
        perm = torch.randperm(len(x), generator=gen)
        for xb, yb in zip(x[perm].split(10), y[perm].split(10), strict=True):
            opt.zero_grad()
            F.cross_entropy(net(xb), yb).backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            [F.cross_entropy(net(a), b).item() for a, b in ((x, y), (data.x_test, data.y_test))]
        epochs += 1
    return epochs / (time.perf_counter() - start)


def _trainer(data, model, train) -> float:
    """Epochs per second of the shared Trainer, in chunks of 20 epochs (the pool's turns hold ~50 ms)."""
    from components.compute.overfitting import Trainer

    trainer = Trainer(data, model, train, seed=0)
    trainer.run(5)  # the scripted function compiled
    epochs, start = 0, time.perf_counter()
    while time.perf_counter() - start < SECONDS and not trainer.done:
        before = trainer.epoch
        trainer.run(20)
        epochs += trainer.epoch - before
    return epochs / (time.perf_counter() - start)


def _compute() -> dict[str, float]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        data, model, train = _problem()
        return {"eager": _eager(data, model), "trainer": _trainer(data, model, train)}
    finally:
        torch.set_num_threads(before)


def _live(page, url: str, path: str, button: str) -> dict[str, Any]:
    from tools.live_server import open_ready, wait_idle

    open_ready(page, f"{url}/{path}", '[data-testid="stProgress"]')
    wait_idle(page, 120_000)
    page.evaluate(WATCH)
    page.locator(f".st-key-{button} button").click()
    page.wait_for_function(f"() => window.__seen.some(([t, s]) => s.includes('{LIVE_EPOCHS} of {LIVE_EPOCHS}') "
                           f"|| s.includes('Done: {LIVE_EPOCHS}'))", timeout=180_000)  # fmt: skip
    seen = page.evaluate("() => window.__seen")
    wait_idle(page, 60_000)
    points = [(t, int(m.group(1))) for t, s in seen if (m := EPOCH.search(s)) and int(m.group(1)) > 0]
    (t0, e0), (t1, e1) = points[0], points[-1]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(points)]
    return {"epochs_per_s": (e1 - e0) / max((t1 - t0) / 1000, 1e-9), "redraws": len(points),
            "seconds": (t1 - t0) / 1000, **{f"gap_{k}": v for k, v in summary(gaps).items()}}  # fmt: skip


def _live_embeddings(page, url: str) -> dict[str, Any]:
    """The Embeddings page trains as soon as it opens: progress texts from the first one seen to the last."""
    import random

    from tools.live_server import wait_idle

    seed = random.randrange(1000, 9999)  # a run no session on this server has trained
    page.goto(f"{url}/embeddings?emb_view=train&emb_epochs={EMB_EPOCHS}&emb_seed={seed}")
    page.locator('[data-testid="stProgress"]').first.wait_for(timeout=120_000)
    page.evaluate(WATCH)
    page.wait_for_function(f"() => window.__seen.some(([t, s]) => s.includes('{EMB_EPOCHS} of {EMB_EPOCHS}'))",
                           timeout=180_000)  # fmt: skip
    seen = page.evaluate("() => window.__seen")
    wait_idle(page, 60_000)
    points = [(t, int(m.group(1))) for t, s in seen if (m := EPOCH.search(s))]
    (t0, e0), (t1, e1) = points[0], points[-1]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(points)]
    seconds = max((t1 - t0) / 1000, 1e-9)
    rates = {"redraws_per_s": (len(points) - 1) / seconds, "epochs_per_s": (e1 - e0) / seconds}
    return {**rates, "redraws": len(points), "seconds": seconds, **{f"gap_{k}": v for k, v in summary(gaps).items()}}


def _browser() -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tools.live_server import chromium_available, launch_chromium, live_server

    if not chromium_available():
        raise RuntimeError("Chromium not found at /usr/bin/chromium")
    with live_server() as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        out = {
            "activations": _live(page, url, f"activations?{ACT_QUERY}", "act_train_button"),
            "overfitting": _live(page, url, f"overfitting?{FIT_QUERY}", "fit_train_button"),
            "embeddings": _live_embeddings(page, url),
        }
        browser.close()
    return out


def run() -> Report:
    report = Report("training", "Training speed: TensorFlow Playground's circle problem, live on the pages")
    compute = _compute()
    b = _browser()
    act, fit, emb = b["activations"], b["overfitting"], b["embeddings"]
    report.checks += [
        Check("Activations page, live curves: epochs per second", act["epochs_per_s"], EPOCHS_BUDGET, "epochs/s",
              at_least=True),
        Check("Overfitting page (batch 8), live: epochs per second", fit["epochs_per_s"], EPOCHS_BUDGET, "epochs/s",
              at_least=True),
        Check("Activations: gap between live redraws (p90)", act["gap_p90"], GAP_BUDGET_MS),
        Check("Embeddings page, live training: redraws per second", emb["redraws_per_s"], REDRAWS_BUDGET,
              "redraws/s", at_least=True),
    ]  # fmt: skip
    report.lines += [
        f"  compute, one thread: plain eager loop {compute['eager']:.0f} epochs/s, shared Trainer (scripted epochs) "
        f"{compute['trainer']:.0f} epochs/s = {compute['trainer'] / compute['eager']:.1f}× (TF Playground: ~60)",
        f"  Activations: {act['epochs_per_s']:.0f} epochs/s in the browser, {act['redraws']} redraws in "
        f"{act['seconds']:.1f} s, gap median {act['gap_median']:.0f} ms, p90 {act['gap_p90']:.0f} ms",
        f"  Overfitting (batch 8): {fit['epochs_per_s']:.0f} epochs/s, {fit['redraws']} redraws, gap p90 "
        f"{fit['gap_p90']:.0f} ms",
        f"  Embeddings ({EMB_EPOCHS} epochs of skip-gram, d = 16): {emb['redraws_per_s']:.1f} redraws/s, "
        f"{emb['epochs_per_s']:.0f} epochs/s, {emb['redraws']} redraws in {emb['seconds']:.1f} s, gap median "
        f"{emb['gap_median']:.0f} ms, p90 {emb['gap_p90']:.0f} ms",
    ]
    report.data = {"compute": compute, "browser": b}
    return report
