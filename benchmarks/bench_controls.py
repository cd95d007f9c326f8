"""Issue 10: every page's main controls, pressed the way a student meets them, in real Chromium.

For each control: a fresh browser session (Convolution: the 1024² photo uploaded first), then key presses
that each move the control to a value this server has not computed in that combination before. One press
is timed in the page with ``performance.now()`` from its ``keydown`` (capture phase) until

* the app is idle again (``data-test-script-state="notRunning"``),
* every ``<img>`` on the page has loaded,
* nothing on the page has changed for ``QUIET_MS`` (charts redrawn, pictures swapped, stale elements back),

and the result is the time of the last change plus the frame that paints it. The split: rerun request sent
(first WebSocket message after the key), script started (first message back), script finished (last
message back), last element painted.

Overfitting retrains on every degree or noise change, live, redrawing as it goes: its budget is for the
page's answer (the new experiment drawn: progress bar reset, chart redrawn); training to the last epoch is
reported apart.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.common import PHOTO_SIDE, Check, Report, photo_file, summary
from components.compute.layers import PRESETS
from components.ui.timing import TIMINGS
from tools.live_server import launch_chromium, live_server, wait_idle

CONV_P50, CONV_P95 = 150.0, 300.0
PAGE_P50, PAGE_P95 = 200.0, 400.0
QUIET_MS = 600  # no change for this long after the script finished: the press has landed
PRESS_TIMEOUT_S = 30.0
SETTLE_MS = 200
VIEWPORT = {"width": 1366, "height": 900}  # a laptop: the sidebar open beside the page
UPLOADED = {  # page -> what shows that the 1024² photo is in use
    "convolution": '() => document.querySelector(\'[data-testid="stMain"] [data-testid="stImage"]\')'
    f"?.innerText.includes('{PHOTO_SIDE}×{PHOTO_SIDE}')",
    "upsampling": "() => document.querySelector('.st-key-up_gallery figcaption')?.innerText.includes('512×512')",
    "transforms": "() => document.querySelector('.st-key-tf_strip .mlp-card')?.innerText.includes('3×1024×1024')",
}


@dataclass
class Control:
    label: str
    selector: str  # the element that gets the key presses
    key: str = "ArrowRight"
    presses: int = 6
    sessions: tuple[str, ...] = ("",)  # extra query per fresh session (more fresh values for short ranges)
    texts: tuple[str, ...] = ()  # a text input: press k types texts[k] first (untimed), then the key (Enter)


@dataclass
class PageCase:
    name: str
    path: str
    controls: list[Control]
    query: str = ""
    upload: bool = False
    p50: float = PAGE_P50
    p95: float = PAGE_P95
    answered: bool = False  # the page answers (new experiment drawn) before the whole run ends
    notes: list[str] = field(default_factory=list)


# Indices never typed before in the session, each a different kind (the Tensors page)
TENSOR_INDICES = ("A[0, 2]", "A[:, 1, 1]", "A[A > 88]", "A[[1, 0], :, ::2]", "A[..., None, 3]", "A[-1][1]",
                  "A[(A > 80) & (A < 90)]", "A[1, [0, 2]]")  # fmt: skip
RESHAPE_ARGS = ("6, 4", "1, 0, 2", "0, 2, 1", "2, 1, 0", "0, 1, 2", "1, 2, 0")


def _slider(key: str) -> str:
    return f'[class*="st-key-{key}"] [role="slider"], [class*="st-key-{key}"] input[type=range]'


PAGES = [
    PageCase(
        "Convolution",
        "convolution",
        [
            Control("padding P", _slider("conv_padding"), presses=8),
            Control("stride S", _slider("conv_stride"), presses=7),
            Control("dilation D", _slider("conv_dilation"), presses=3, sessions=("", "conv_padding=3")),
            Control("kernel size K", _slider("conv_size"), presses=6),
            Control("σ", _slider("conv_sigma"), presses=8),
        ],
        query="conv_kernel=gaussian",  # a preset with a size and a σ slider
        upload=True,
        p50=CONV_P50,
        p95=CONV_P95,
    ),
    PageCase(
        "Signals",
        "signals",
        [
            Control("kernel length K", _slider("sig_size"), presses=8),
            Control("output sample i", _slider("sig_position"), presses=8),
            Control("noise σ", _slider("sig_noise"), presses=8),
            Control("length N", _slider("sig_length"), presses=8),
        ],
    ),
    PageCase(
        "Upsampling",
        "upsampling",
        [
            Control("factor f", _slider("up_factor"), presses=4, sessions=("", "up_antialias=false")),
            Control("crop x", _slider("up_cx"), presses=8),
            Control("kernel size K", _slider("up_tk"), presses=6),
            Control("seed", '[class*="st-key-up_seed"] input', key="ArrowUp", presses=8),
        ],
        query="up_tmatch=false",  # the transposed convolution's own sliders shown
        upload=True,
    ),
    PageCase(
        "Transforms",
        "transforms",
        [
            Control("crop size", '[class*="st-key-tf_"][class*="_size"] input[type=range]', key="ArrowLeft", presses=8),
            Control("flip p", '[class*="st-key-tf_"][class*="_p"] input[type=range]', presses=8),
            Control("seed", '[class*="st-key-tf_seed"] input', key="ArrowUp", presses=8),
        ],
        upload=True,
    ),
    PageCase(
        "Derivatives",
        "derivatives",
        [
            Control("x₀", _slider("deriv_x0"), presses=8),
            Control("Δx", _slider("deriv_dx"), key="ArrowLeft", presses=5),
        ],
    ),
    PageCase(
        "Gradient descent",
        "gradient-descent",
        [
            Control("learning rate η", _slider("gd_lr"), presses=5, sessions=("", "gd_steps=40")),
            Control("steps", _slider("gd_steps"), presses=8),
            Control("start x₀", _slider("gd_x0"), presses=8),
            Control("start y₀", _slider("gd_y0"), presses=8),
        ],
    ),
    PageCase(
        "Autograd",
        "autograd",
        [
            Control("backward step", _slider("ag_step_"), presses=5, sessions=("", "ag_v_w=1.5")),
            Control("leaf value w", '[class*="st-key-ag_v_w_"] input', key="ArrowUp", presses=8),
        ],
    ),
    PageCase(
        "Overfitting",
        "overfitting",
        [
            Control("degree", _slider("fit_degree"), presses=6),
            Control("noise", _slider("fit_noise"), presses=6),
        ],
        answered=True,
    ),
    PageCase("Activations", "activations", [Control("x", _slider("act_x"), presses=8)]),
    PageCase(
        "Losses",
        "losses",
        [
            Control("slope w", _slider("loss_w"), presses=8),
            Control("outlier", _slider("loss_outlier"), presses=8),
            Control("Huber δ", _slider("loss_delta"), presses=8),
        ],
    ),
    PageCase(
        "Losses classification",
        "losses",
        [Control("logit z₁", _slider("loss_z2"), presses=8)],
        query="loss_view=classification",
    ),
    PageCase(
        "Layers",
        "layers",
        [
            Control("batch size", _slider("lay_batch"), presses=8),
            Control("seed", '[class*="st-key-lay_seed"] input', key="ArrowUp", presses=8),
        ],
        query="lay_preset=cnn&lay_shape=1%2C%2014%2C%2014&lay_layers=" + quote(PRESETS["cnn"]),
    ),
    PageCase(
        "Layers train/eval",
        "layers",
        [Control("seed", '[class*="st-key-lay_seed"] input', key="ArrowUp", presses=8)],
        query="lay_view=modes",
    ),
    PageCase(
        "Tensors",
        "tensors",
        [
            Control("index", ".st-key-ten_expr input", key="Enter", presses=8, texts=TENSOR_INDICES),
            Control("write through", ".st-key-ten_write input", key="Space", presses=6),
        ],
    ),
    PageCase(
        "Tensors custom 4-D",
        "tensors",
        [Control("seed", '[class*="st-key-ten_seed"] input', key="ArrowUp", presses=8)],
        query="ten_source=custom&ten_shape=2%2C%203%2C%206%2C%206&ten_expr=A%5BA%20%3E%2050%5D",
    ),
    PageCase(
        "Tensors reduce & reshape",
        "tensors",
        [
            Control("keepdim", ".st-key-ten_keepdim input", key="Space", presses=6),
            Control("arguments", ".st-key-ten_args input", key="Enter", presses=6, texts=RESHAPE_ARGS),
        ],
        query="ten_view=shape",
    ),
    PageCase(
        "Linear maps",
        "linear-maps",
        [
            Control("W[0, 1]", _slider("lin_w01"), presses=8),
            Control("angle", _slider("lin_angle"), presses=8),
            Control("bias b[0]", _slider("lin_b0"), presses=6),
            Control("x[1]", _slider("lin_x1"), key="ArrowLeft", presses=6),
        ],
        query="lin_preset=rotation&lin_angle=25",
    ),
    PageCase(
        "Linear maps AB vs BA",
        "linear-maps",
        [Control("B's angle", _slider("lin_second_angle"), key="ArrowLeft", presses=6)],
        query="lin_view=compose",
    ),
    PageCase(
        "Linear maps fold", "linear-maps", [Control("W[1, 0]", _slider("lin_w10"), presses=6)], query="lin_view=fold"
    ),
    PageCase(
        "Embeddings",
        "embeddings",
        [
            Control("width d", _slider("emb_dim"), presses=6, sessions=("", "emb_seed=5")),
            Control("batch sentence", '[class*="st-key-emb_sentence"] input', key="ArrowUp", presses=8),
        ],
    ),
    PageCase(
        "Embeddings patches",
        "embeddings",
        [Control("patch p", _slider("emb_patch"), presses=5)],
        query="emb_view=images&emb_patch=8",
    ),
    PageCase(
        "Activations network",
        "activations",
        [
            Control("noise", _slider("act_noise"), presses=6),
            Control("samples", _slider("act_n"), presses=6),
        ],
        query="act_view=network",
        answered=True,
    ),
]

# Installs listeners once per page load; window.__press records one press (re-armed by ARM_PRESS).
INSTALL = """
() => {
  if (window.__pressInstalled) return;
  window.__pressInstalled = true;
  const now = () => performance.now();
  const live = () => window.__press;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const b = live();
    if (b && b.start !== null && b.sent === null) b.sent = now();
    if (!this.__pressListening) {
      this.__pressListening = true;
      this.addEventListener('message', () => {
        const w = live();
        if (!w || w.sent === null) return;
        const t = now();
        if (w.firstMsg === null) w.firstMsg = t;
        w.lastMsg = t;
        w.activity = t;
      });
    }
    return send.call(this, data);
  };
  const app = () => document.querySelector('[data-testid="stApp"]');
  const header = () => document.querySelector('[data-testid="stHeader"]');
  const painted = (b) => requestAnimationFrame(() => setTimeout(() => { b.painted = now(); }, 0));
  new MutationObserver((records) => {
    const b = live();
    if (!b || b.start === null) return;
    const t = now();
    const top = header();
    let seen = false;
    for (const r of records) {  // cheap per record: a chart redraw is thousands of them
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!el || (top && top.contains(el))) continue;  // the running indicator
      if (r.type === 'attributes' && r.attributeName === 'data-test-script-state') {
        const s = app().getAttribute('data-test-script-state');
        if (s === 'running' && b.running === null) b.running = t;
        continue;
      }
      if (r.type === 'attributes' && r.attributeName === 'style' && el.closest('.katex')) continue;  // fit.js
      seen = true;
      if (b.answeredIf && !b.chartChanged && el.closest('.js-plotly-plot')) b.chartChanged = true;
    }
    if (!seen) return;
    b.activity = t;
    b.lastChange = t;
    painted(b);
    if (!b.answeredIf || b.answered !== null) return;
    const bar = document.querySelector('[data-testid="stProgress"]');
    if (bar && b.progressBefore !== null && bar.innerText !== b.progressBefore) b.progressChanged = true;
    // answered: the progress text differs from the one before the press and the chart was redrawn
    if (b.progressChanged && b.chartChanged) {
      b.answeredAt = t;
      b.answered = t;
      requestAnimationFrame(() => setTimeout(() => { b.answeredPainted = now(); }, 0));
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener('load', (e) => {
    const b = live();
    if (b && b.start !== null && e.target.tagName === 'IMG') { b.activity = now(); b.lastChange = now(); painted(b); }
  }, {capture: true});
  document.addEventListener('keydown', () => { const b = live(); if (b && b.start === null) b.start = now(); },
                            {capture: true});
}
"""
ARM_PRESS = """
(answered) => {
  const bar = document.querySelector('[data-testid="stProgress"]');
  window.__press = {start: null, sent: null, running: null, firstMsg: null, lastMsg: null, activity: null,
    lastChange: null, painted: null, chartChanged: false, progressChanged: false,
    progressBefore: bar ? bar.innerText : null, answered: null, answeredPainted: null,
    answeredIf: answered};
}
"""
STATE = """
() => {
  const b = window.__press;
  const idle = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning';
  const imgs = [...document.querySelectorAll('[data-testid="stMain"] img, [data-testid="stSidebar"] img')];
  const loaded = imgs.every((i) => i.complete);
  return {idle, loaded, quiet: b.activity === null ? 0 : performance.now() - b.activity,
          start: b.start, sent: b.sent, running: b.running, firstMsg: b.firstMsg, lastMsg: b.lastMsg,
          lastChange: b.lastChange, painted: b.painted, answeredPainted: b.answeredPainted,
          origin: performance.timeOrigin};
}
"""


CHARTS_DRAWN = "() => [...document.querySelectorAll('.ml-chart')].every((c) => c.dataset.drawn)"


def _open(context: Any, url: str, case: PageCase, query: str, tmp: Path) -> Any:
    page = context.new_page()
    q = "&".join(x for x in (case.query, query) if x)
    page.goto(f"{url}/{case.path}" + (f"?{q}" if q else ""))
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    wait_idle(page)
    if case.upload:
        prefix = {"convolution": "conv", "upsampling": "up", "transforms": "tf"}[case.path]
        page.locator(f".st-key-{prefix}_upload input[type=file]").set_input_files(photo_file(tmp))
        page.wait_for_function(UPLOADED[case.path], timeout=60_000)
        wait_idle(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)  # every chart drawn: the page is painted
    page.wait_for_timeout(800)  # fonts, fit.js, the last chart relayout
    page.evaluate(INSTALL)
    return page


def _script_runs(since_ms: float) -> list[dict[str, Any]]:
    """The script runs the server logged (``components/ui/timing.py``) that started after ``since_ms``."""
    path = os.environ.get(TIMINGS)
    if not path or not Path(path).exists():
        return []
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["start"] >= since_ms - 2]


def _press(page: Any, selector: str, key: str, answered: bool) -> dict[str, Any] | None:
    page.evaluate(ARM_PRESS, answered)
    page.locator(selector).first.focus()
    page.keyboard.press(key)
    deadline = time.perf_counter() + PRESS_TIMEOUT_S
    while time.perf_counter() < deadline:
        s = page.evaluate(STATE)
        if s["start"] is not None and s["lastMsg"] is not None and s["idle"] and s["loaded"] and s["quiet"] >= QUIET_MS:
            break
        time.sleep(0.05)
    else:
        return None
    if s["painted"] is None or s["lastChange"] is None:
        return None
    t0 = s["start"]
    row = {
        "total": s["painted"] - t0,
        "sent": (s["sent"] or t0) - t0,
        "started": (s["firstMsg"] or t0) - t0,
        "finished": s["lastMsg"] - t0,
        "painted": s["painted"] - t0,
    }
    runs = _script_runs(s["origin"] + t0)
    if runs:  # the server's own clock (same machine): when the script really ran, and its CPU time
        row["started"] = runs[0]["start"] - s["origin"] - t0
        row["finished"] = max(r["end"] for r in runs) - s["origin"] - t0
        row["cpu"] = sum(r["cpu_ms"] for r in runs)
        row["runs"] = len(runs)
    if answered:
        row["answer"] = (s["answeredPainted"] or s["painted"]) - t0
    return row


def _measure(p: Any, url: str, case: PageCase, tmp: Path) -> dict[str, list[dict[str, Any]]]:
    browser = launch_chromium(p)
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        for control in case.controls:
            rows: list[dict[str, Any]] = []
            for query in control.sessions:
                context = browser.new_context(viewport=VIEWPORT, locale="en-US")
                try:
                    page = _open(context, url, case, query, tmp)
                    page.locator(control.selector).first.wait_for(timeout=30_000)
                    for k in range(control.presses):
                        if control.texts:  # typed, not yet applied: the timed press is the Enter
                            page.locator(control.selector).first.fill(control.texts[k % len(control.texts)])
                        row = _press(page, control.selector, control.key, case.answered)
                        rows.append(row or {"timeout": True})
                        with contextlib.suppress(PlaywrightTimeout):
                            wait_idle(page, 60_000)
                        page.wait_for_timeout(SETTLE_MS)
                finally:
                    context.close()
            out[control.label] = rows
    finally:
        browser.close()
    return out


def _line(label: str, rows: list[dict[str, Any]], key: str) -> tuple[str, dict[str, float]]:
    good = [r for r in rows if not r.get("timeout")]
    st = summary([r[key] for r in good])
    parts = {k: summary([r[k] for r in good])["median"] for k in ("sent", "started", "finished", "painted")}
    lost = len(rows) - len(good)
    text = (
        f"    {label:<16} p50 {st['median']:6.0f}  p95 {st['p95']:6.0f} ms  (n={len(good)}"
        + (f", {lost} lost" if lost else "")
        + f")  split: sent +{parts['sent']:.0f}, script started +{parts['started']:.0f}, finished "
        f"+{parts['finished']:.0f}, painted +{parts['painted']:.0f}"
    )
    cpu = [r["cpu"] for r in good if "cpu" in r]
    if cpu:
        text += f" (script CPU {summary(cpu)['median']:.0f})"
    return text, st


def run() -> Report:
    from playwright.sync_api import sync_playwright

    report = Report("controls", "Real Chromium: every page's main controls, fresh values, press → page painted")
    data: dict[str, Any] = {}
    only = os.environ.get("BENCH_PAGES")  # e.g. BENCH_PAGES=Derivatives,Autograd while working on two pages
    cases = [c for c in PAGES if not only or c.name in only.split(",")]
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        saved = os.environ.get(TIMINGS)
        os.environ[TIMINGS] = str(Path(tmp) / "runs.jsonl")  # the server inherits it
        stack.callback(lambda: os.environ.pop(TIMINGS) if saved is None else os.environ.update({TIMINGS: saved}))
        url = stack.enter_context(live_server(log=Path(tmp) / "server.log"))
        p = stack.enter_context(sync_playwright())
        for case in cases:
            results = _measure(p, url, case, Path(tmp))
            data[case.name] = results
            report.lines.append(f"  {case.name}" + (f" (1024² upload, {case.query})" if case.upload else ""))
            for label, rows in results.items():
                if not any(not r.get("timeout") for r in rows):
                    report.lines.append(f"    {label:<16} no press landed within {PRESS_TIMEOUT_S:.0f} s")
                    report.checks.append(Check(f"{case.name} · {label} p50", float("inf"), case.p50))
                    continue
                key = "answer" if case.answered else "total"
                text, st = _line(label, rows, key)
                report.lines.append(text)
                if case.answered:
                    done = summary([r["total"] for r in rows if not r.get("timeout")])
                    report.lines.append(
                        f"    {'':<16} (page answered; training to the last epoch: p50 {done['median']:.0f}, "
                        f"p95 {done['p95']:.0f} ms, reported apart)"
                    )
                report.checks += [
                    Check(f"{case.name} · {label} p50", st["median"], case.p50),
                    Check(f"{case.name} · {label} p95", st["p95"], case.p95),
                ]
    report.data = data
    return report
