"""Issue 4's budgets: the Overfitting page, in real Chromium on a warm server.

1. Default experiment to full curves: press "Train again" → the chart shows every epoch: ≤ 1.5 s.
2. Live curves: while a long run trains, the chart shows new epochs at least 5 times a second: the p90 gap
   between two redraws ≤ 200 ms.
3. Capacity sweep of 15 models (default set-up): press "Run the sweep" → all 15 drawn: ≤ 10 s.
Also the compute alone (``fit`` of the default experiment, the 15 fits of the sweep), for reference.
"""

from __future__ import annotations

import itertools
import statistics
import time
from typing import Any

from benchmarks.common import Check, Report, summary
from tools.watchers import CURVE_WATCH

DEFAULT_BUDGET_S, GAP_BUDGET_MS, SWEEP_BUDGET_S = 1.5, 200.0, 10.0
CHART = ".st-key-fit_chart .js-plotly-plot"
LIVE_QUERY = "fit_model=mlp&fit_layers=2&fit_width=64&fit_epochs=3000"


def _compute() -> dict[str, float]:
    from components.compute.datasets import DataSpec, make_data
    from components.compute.overfitting import ModelSpec, TrainSpec, capacities, fit
    from components.ui.overfitting import FitSettings

    d = FitSettings()
    data = make_data(DataSpec(d.dataset, d.n, d.noise, d.train_frac / 100, d.seed))
    model = ModelSpec("poly", degree=d.degree)
    train = TrainSpec(d.optimizer, d.lr, d.epochs, d.batch, d.weight_decay, d.early_stop, max(20, d.epochs // 10))
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        fit(data, model, train, seed=d.seed)
        runs.append(time.perf_counter() - start)
    start = time.perf_counter()
    for c in capacities(model):
        fit(data, ModelSpec("poly", degree=c), train, seed=d.seed)
    return {"default_fit_s": statistics.median(runs), "sweep_fits_s": time.perf_counter() - start}


def _browser() -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from components.ui.overfitting import FitSettings
    from tools.live_server import chromium_available, launch_chromium, live_server, open_ready, wait_idle

    if not chromium_available():
        raise RuntimeError("Chromium not found at /usr/bin/chromium")
    epochs = FitSettings().epochs
    out: dict[str, Any] = {}
    with live_server() as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_ready(page, f"{url}/overfitting", CHART)
        train = page.locator(".st-key-fit_train_button button")
        times = []
        for _ in range(5):
            page.evaluate(CURVE_WATCH, epochs)
            train.click()
            page.wait_for_function("() => window.__fit.end !== null", timeout=60_000)
            times.append(page.evaluate("() => (window.__fit.end - window.__fit.start) / 1000"))
            wait_idle(page)
        out["default"] = summary(times)

        live_epochs = 3000
        open_ready(page, f"{url}/overfitting?{LIVE_QUERY}", CHART)
        page.evaluate(CURVE_WATCH, live_epochs)
        train.click()
        page.wait_for_function("() => window.__fit.end !== null", timeout=120_000)
        updates = page.evaluate("() => window.__fit.updates")
        stamps = [u[0] for u in updates if 1 < u[1] < live_epochs + 1]  # while training, not the first draw
        gaps = [b - a for a, b in itertools.pairwise(stamps)]
        out["live"] = summary(gaps) | {"redraws": len(stamps), "seconds": (stamps[-1] - stamps[0]) / 1000}
        wait_idle(page)

        open_ready(page, f"{url}/overfitting", CHART)
        sweeps = []
        for _ in range(2):
            start = time.perf_counter()
            page.locator(".st-key-fit_sweep_button button").click()
            page.locator(".st-key-fit_sweep .js-plotly-plot").wait_for(timeout=60_000)
            page.wait_for_function(
                "() => { const p = document.querySelector('.st-key-fit_sweep .js-plotly-plot');"
                " return p && p.data && p.data[0].x.length === 15; }",
                timeout=120_000,
            )
            sweeps.append(time.perf_counter() - start)
            wait_idle(page)
        out["sweep"] = summary(sweeps)
        browser.close()
    return out


def run() -> Report:
    report = Report("overfitting", "Overfitting page: live training and the capacity sweep")
    compute = _compute()
    b = _browser()
    report.checks.append(Check("default experiment → full curves (median)", b["default"]["median"],
                               DEFAULT_BUDGET_S, "s"))  # fmt: skip
    report.checks.append(Check("gap between live redraws (p90)", b["live"]["p90"], GAP_BUDGET_MS))
    report.checks.append(Check("capacity sweep of 15 models (median)", b["sweep"]["median"], SWEEP_BUDGET_S, "s"))
    live = b["live"]
    report.lines += [
        f"  Chromium, 'Train again' → all epochs drawn, 5 runs: median {b['default']['median']:.2f} s, "
        f"max {b['default']['max']:.2f} s (compute alone {compute['default_fit_s']:.2f} s)",
        f"  live ({LIVE_QUERY}): {live['redraws']} redraws in {live['seconds']:.1f} s = "
        f"{live['redraws'] / max(live['seconds'], 1e-9):.1f} per second; gap median {live['median']:.0f} ms, "
        f"p90 {live['p90']:.0f} ms, max {live['max']:.0f} ms",
        f"  sweep: median {b['sweep']['median']:.2f} s (the 15 fits alone {compute['sweep_fits_s']:.2f} s)",
    ]
    report.data = {"compute": compute, "browser": b}
    return report
