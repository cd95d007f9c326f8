"""Browser-side watchers shared by the browser tests and the benchmarks (JavaScript run with page.evaluate)."""

# The Overfitting page's live curves: records ``[time, length, progress text]`` each time the train-loss curve
# (the right panel) gets a new length, once a run restarts; ``end`` is set when it holds ``epochs + 1`` points.
# The previous run's chart stays in the page marked stale until the new run draws over it, so stale plots are
# skipped, and the finished chart already on the page counts only after a shorter one was seen.
CURVE_WATCH = """(epochs) => {
  const w = {start: performance.now(), updates: [], end: null};
  window.__fit = w;
  let last = null, started = false;
  const check = () => {
    for (const p of document.querySelectorAll('.st-key-fit_chart .js-plotly-plot')) {
      if (p.closest('[data-stale="true"]') || !p.data) continue;
      const curve = p.data.find(d => d.yaxis === 'y2' && d.mode === 'lines');
      const n = curve ? curve.x.length : null;
      if (n !== null && n < epochs + 1) started = true;
      if (started && n !== null && n !== last) {
        last = n;
        const bar = document.querySelector('[data-testid="stMain"] [data-testid="stProgress"]');
        w.updates.push([performance.now(), n, bar ? bar.innerText.trim() : '']);
        if (n === epochs + 1) { w.end = performance.now(); return; }
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}"""
