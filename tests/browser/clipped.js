// Everything a student reads that is cut off: wider than its box (KaTeX's ~2 px strut allowed) where the box
// hides or scrolls the rest, ending in "…", a formula leaving its column, a metric value wrapping, chart text
// cut at the chart's edge or overlapping other chart text. On-screen elements only (a folded sidebar sits left
// of the screen). Returns a list of what and where; empty when nothing is cut.
() => {
  const out = [];
  const shown = (e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > 0 && r.left < innerWidth && !e.closest('[data-stale="true"]');
  };
  const boxes = ['.katex-display', '[data-testid="stMetricValue"]', '[data-testid="stMetricLabel"]',
    '[data-testid="stCaptionContainer"]', '[data-testid="stImageCaption"]', '[data-testid="stMain"] h1',
    '[data-testid="stMain"] h2', '[data-testid="stMain"] h3', '[data-testid="stMarkdownContainer"]',
    '[data-testid="stMarkdownContainer"] table', '[data-testid="stAlert"]', '[role="tablist"]', '[data-testid="stWidgetLabel"]',
    '[data-testid="stSidebarNavLink"]', '[data-testid="stPageLink"]'];
  for (const sel of boxes) for (const e of document.querySelectorAll(sel)) {
    if (!shown(e)) continue;
    const inner = [e, ...e.querySelectorAll('*')].filter((c) => !c.closest('.katex-mathml'));
    const cut = inner.find((c) => c.scrollWidth > c.clientWidth + 2 && (c === e
      || getComputedStyle(c).overflowX !== 'visible' || getComputedStyle(c).textOverflow === 'ellipsis'));
    if (cut) out.push(`${sel}: ${cut.scrollWidth} > ${cut.clientWidth}: ${e.innerText.slice(0, 50)}`);
    if (sel.includes('MetricValue') && e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).fontSize) > 1.9)
      out.push(`${sel} wraps: ${e.innerText.replace(/\n/g, ' ')}`);
  }
  for (const k of document.querySelectorAll('[data-testid="stMain"] .katex-html')) {
    const col = k.closest('[data-testid="stElementContainer"]').getBoundingClientRect(), r = k.getBoundingClientRect();
    if (shown(k) && (r.right > col.right + 3 || r.left < col.left - 3)) out.push(`formula leaves its column: ${k.textContent.slice(0, 40)}`);
  }
  for (const p of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    const box = p.getBoundingClientRect();
    const texts = [...p.querySelectorAll('text')].map((t) => [t.getBoundingClientRect(), t.textContent])
      .filter(([r, s]) => r.width && s.trim());
    for (const [r, s] of texts) if (r.left < box.left - 1 || r.right > box.right + 1) out.push(`chart text cut: ${s}`);
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const [a, sa] = texts[i], [b, sb] = texts[j];
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1)
        out.push(`chart texts overlap: ${sa} / ${sb}`);
    }
  }
  return out;
}
