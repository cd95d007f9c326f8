"""Budget 3: real Chromium on a warm server; stride slider key press to the new output picture loaded.

Timing is taken inside the page with ``performance.now()``: the start is the ``keydown`` event (capture
phase, so before the slider sees it) and the end is the moment the output ``<img>`` carries a new ``src``
and has finished loading. Along the way it records when the app went ``running`` and back to
``notRunning`` (the ``data-test-script-state`` attribute) and when the browser sent the rerun request
(first WebSocket message after the key) to split browser, server and image time. A second, shorter
session on a server started with ``runner.postScriptGC`` back on (Streamlit's default; the app turns it
off in ``.streamlit/config.toml``) shows what the post-run ``gc.collect(2)`` would cost the user.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.common import PHOTO_SIDE, Check, Report, photo_file, summary
from tools.live_server import launch_chromium, live_server, wait_idle

P50_BUDGET_MS, P95_BUDGET_MS = 150.0, 300.0
PRESSES = 20
PRESS_TIMEOUT_MS = 15_000
WHAT_IF_PRESSES = 10
FIRST = 2  # extra presses first (stride 1→2→1): stride 2 is computed for the first time; reported apart
SETTLE_MS = 150  # pause between presses, after the previous one has fully landed
UPLOAD = ".st-key-conv_upload input[type=file]"
STRIDE = ".st-key-conv_stride input[type=range]"
IMAGES = '[data-testid="stMain"] [data-testid="stImage"]'

# Installs listeners, returns immediately; window.__bench resolves once the output picture changed and loaded.
ARM = """
([selector, oldSrc]) => {
  const b = {start: null, sent: null, running: null, idle: null, src: null, loaded: null};
  window.__bench = b;
  if (!WebSocket.prototype.__benchSend) {  // first message to the server after the key = the rerun request
    const send = WebSocket.prototype.send;
    WebSocket.prototype.__benchSend = send;
    WebSocket.prototype.send = function (data) {
      const w = window.__bench;
      if (w && w.start !== null && w.sent === null) w.sent = performance.now();
      return send.call(this, data);
    };
  }
  const app = document.querySelector('[data-testid="stApp"]');
  const output = () => document.querySelectorAll(selector)[1]?.querySelector('img');
  const check = () => {
    const img = output();
    if (b.start === null || !img || img.src === oldSrc) return;
    const now = performance.now();
    if (b.src === null) b.src = now;
    if (img.complete && img.naturalWidth > 0 && b.loaded === null) b.loaded = now;
    // A fast rerun may never render "running": then idle is when the new picture shows on an idle app.
    if (b.idle === null && app.getAttribute('data-test-script-state') === 'notRunning') b.idle = now;
  };
  document.addEventListener('keydown', () => { if (b.start === null) b.start = performance.now(); },
                            {capture: true, once: true});
  const seen = new MutationObserver(records => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target === app && r.attributeName === 'data-test-script-state') {
        const s = app.getAttribute('data-test-script-state');
        if (s === 'running' && b.running === null && b.start !== null) b.running = performance.now();
        if (s === 'notRunning' && b.running !== null && b.idle === null && b.src !== null) b.idle = performance.now();
      }
    }
    check();
  });
  seen.observe(document.body, {subtree: true, childList: true, attributes: true,
                               attributeFilter: ['src', 'data-test-script-state']});
  document.addEventListener('load', check, {capture: true});
  b.stop = () => { seen.disconnect(); document.removeEventListener('load', check, {capture: true}); };
  return true;
}
"""
LANDED = "() => window.__bench.loaded !== null && window.__bench.idle !== null"


def _output_src(page: Any) -> str:
    return page.evaluate(f"() => document.querySelectorAll('{IMAGES}')[1]?.querySelector('img')?.src ?? ''")


def _captions(page: Any) -> list[str]:
    return page.evaluate(f"() => [...document.querySelectorAll('{IMAGES}')].map(e => e.innerText.trim())")


def _session(p: Any, tmp: Path, presses: int, env: dict[str, str]) -> dict[str, Any]:
    """One server (with extra ``STREAMLIT_*`` settings from ``env``), one page, ``FIRST + presses`` key presses."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # live_server passes the environment on to the server
    try:
        with live_server(log=tmp / "server.log") as url:
            browser = launch_chromium(p)
            try:
                return _presses(browser.new_page(viewport={"width": 1400, "height": 1000}), url, tmp, presses)
            finally:
                browser.close()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _presses(page: Any, url: str, tmp: Path, presses: int) -> dict[str, Any]:
    start = time.perf_counter()
    page.goto(f"{url}/convolution")
    wait_idle(page)
    first_load = time.perf_counter() - start
    start = time.perf_counter()
    page.locator(UPLOAD).set_input_files(photo_file(tmp))
    page.wait_for_function(
        f"() => document.querySelector('{IMAGES}')?.innerText.includes('{PHOTO_SIDE}×{PHOTO_SIDE}')",
        timeout=60_000,
    )
    wait_idle(page)
    upload_s = time.perf_counter() - start
    captions = [c.splitlines()[0] for c in _captions(page)]
    slider = page.locator(STRIDE)
    slider.focus()
    page.wait_for_timeout(300)
    samples: list[dict[str, Any]] = []
    timeouts: list[dict[str, Any]] = []
    wrong = 0
    for i in range(FIRST + presses):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        page.evaluate(ARM, [IMAGES, _output_src(page)])
        page.keyboard.press(key)
        with contextlib.suppress(PlaywrightTimeout):  # a miss is recorded below, not raised
            page.wait_for_function(LANDED, timeout=PRESS_TIMEOUT_MS, polling=10)
        b = page.evaluate(
            "() => { const b = window.__bench; b.stop(); return {start: b.start, sent: b.sent, "
            "running: b.running, idle: b.idle, src: b.src, loaded: b.loaded}; }"
        )
        wait_idle(page)
        if b["loaded"] is None or b["idle"] is None:  # not seen in time: keep the evidence, skip the sample
            timeouts.append({"key": key, **b})
            page.wait_for_timeout(SETTLE_MS)
            continue
        side = -(-PHOTO_SIDE // (2 if key == "ArrowRight" else 1))
        if f"{side}×{side}" not in _captions(page)[1]:
            wrong += 1
        samples.append(
            {
                "key": key,
                "total": b["loaded"] - b["start"],
                "to_sent": (b["sent"] or b["start"]) - b["start"],
                "to_running": (b["running"] or b["start"]) - b["start"],
                "to_idle": b["idle"] - b["start"],
                "to_src": b["src"] - b["start"],
            }
        )
        page.wait_for_timeout(SETTLE_MS)
    return {
        "first_load_s": first_load,
        "upload_s": upload_s,
        "captions": captions,
        "slider_value": slider.get_attribute("value"),
        "wrong_presses": wrong,
        "timeouts": timeouts,
        "first_presses": samples[:FIRST],
        "samples": samples[FIRST:],
    }


def run() -> Report:
    from playwright.sync_api import sync_playwright

    report = Report("browser", "Real Chromium, warm server: stride key press → new output picture loaded")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        main = _session(p, Path(tmp), PRESSES, {})
        try:
            what_if = _session(p, Path(tmp), WHAT_IF_PRESSES, {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"})
        except Exception as err:  # the what-if is extra information; keep the main result
            what_if = {"error": f"{type(err).__name__}: {err}".splitlines()[0], "samples": []}

    samples, first = main["samples"], main["first_presses"]
    totals = [s["total"] for s in samples]
    st = summary(totals)
    report.checks += [
        Check("press → picture p50", st["median"], P50_BUDGET_MS),
        Check("press → picture p95", st["p95"], P95_BUDGET_MS),
    ]
    parts = {k: summary([s[k] for s in samples])["median"] for k in ("to_sent", "to_running", "to_idle", "to_src")}
    idle = summary([s["to_idle"] for s in samples])
    report.lines += [
        f"  first page load {main['first_load_s']:.1f} s (server just started), upload → idle "
        f"{main['upload_s']:.1f} s; captions: {' | '.join(main['captions'])}",
        f"  {PRESSES} presses (ArrowRight/ArrowLeft, stride 1↔2): p50 {st['median']:.0f}, p95 {st['p95']:.0f}, "
        f"max {st['max']:.0f}, min {st['min']:.0f} ms; slider ends at {main['slider_value']}",
        "  first presses (stride 2 computed for the first time, then back to 1): picture "
        + ", ".join(f"{s['total']:.0f}" for s in first)
        + " ms, app idle "
        + ", ".join(f"{s['to_idle']:.0f}" for s in first)
        + " ms",
        f"  split (medians from keydown): rerun request sent +{parts['to_sent']:.0f} ms, script running "
        f"+{parts['to_running']:.0f} ms, new src +{parts['to_src']:.0f} ms, picture loaded +{st['median']:.0f} ms, "
        f"app idle (whole rerun done) +{parts['to_idle']:.0f} ms (p95 {idle['p95']:.0f} ms)",
        "  per press (ms): " + " ".join(f"{t:.0f}" for t in totals),
    ]
    alt: dict[str, Any] = {}
    if what_if["samples"]:
        alt = {k: summary([s[k] for s in what_if["samples"]]) for k in ("total", "to_idle")}
        report.lines.append(
            f"  what-if, runner.postScriptGC=true (Streamlit's default; {len(what_if['samples'])} presses): picture "
            f"p50 {alt['total']['median']:.0f}, p95 {alt['total']['p95']:.0f} ms; app idle p50 "
            f"{alt['to_idle']['median']:.0f} ms"
        )
    else:
        report.lines.append(f"  what-if with runner.postScriptGC=true failed: {what_if.get('error', 'no samples')}")
    for name, session in (("", main), ("what-if: ", what_if)):
        if session.get("wrong_presses"):
            report.lines.append(f"  !! {name}{session['wrong_presses']} presses did not end with the expected size")
        if session.get("timeouts"):
            report.lines.append(
                f"  !! {name}{len(session['timeouts'])} presses not seen landing within {PRESS_TIMEOUT_MS} ms "
                "(left out of the numbers; details in the JSON)"
            )
    report.data = {
        "presses": PRESSES,
        "total_ms": st,
        "split_median_ms": parts,
        "idle_ms": idle,
        "session": main,
        "what_if_post_script_gc": {**alt, "session": what_if},
    }
    return report
