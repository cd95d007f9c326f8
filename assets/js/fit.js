// Display formulas cannot wrap (KaTeX), so one that is wider than its column is scaled
// down to fit instead of being cut off or scrolled (issue 9). Runs when the page changes,
// when a formula's column changes width (window size, sidebar, scrollbar) and when fonts load.
(() => {
  if (window.__mlpFit) return;
  window.__mlpFit = true;
  const resized = new ResizeObserver(() => later());
  // Reads for every formula, then writes, then reads again: a few page layouts per pass in all, not a few per
  // formula (each forced layout of a long page costs milliseconds; per formula that was ~80 ms a rerun).
  // The formula's own width: the union of its boxes. (A formula from Markdown, ``$$…$$``, is a block as wide as
  // its column, so its scrollWidth is the column's, never its content's: measuring that shrank such formulas
  // on every rerun, down to 7 px.)
  const range = document.createRange();
  const contentWidth = (k) => {
    range.selectNodeContents(k.querySelector(".katex-html") || k);
    return range.getBoundingClientRect().width;
  };
  // Reads for every formula, then writes, then reads again: a few page layouts in all, not a few per formula.
  const fit = () => {
    const items = [...document.querySelectorAll(".katex-display > .katex")].map((k) => {
      // st.latex centres its formula in a box as wide as the formula: the room is the element's column.
      const column = k.closest('[data-testid="stElementContainer"]') || k.parentElement.parentElement;
      resized.observe(column);
      return { k, column };
    });
    for (let pass = 0; pass < 4; pass++) {
      const writes = [];
      for (const { k, column } of items) {
        const room = column.clientWidth - 8;
        if (room <= 0) continue; // hidden (a closed tab or expander): fitted when it shows
        const width = contentWidth(k);
        const own = k.style.fontSize;
        if (width > room + 0.5) {
          // Not every part scales with the font (fixed spaces, rules): the next pass shrinks again if needed.
          const size = parseFloat(own || getComputedStyle(k).fontSize);
          writes.push([k, `${Math.floor(((size * room * 0.98) / width) * 10) / 10}px`]);
        } else if (own && pass === 0 && width < room * 0.9) {
          writes.push([k, ""]); // the column grew: back to the natural size (shrunk again below if needed)
        }
      }
      if (!writes.length) break;
      for (const [k, size] of writes) k.style.fontSize = size;
    }
  };
  // Trailing debounce: a rerun changes the DOM many times while its pictures arrive; measuring (a forced
  // layout) once it has settled keeps the fitting off the path from key press to new picture.
  // A second, later pass catches a formula that was measured while its column was still hidden or its
  // fonts still loading (seen once on a cold server: a formula left cut off).
  let timer = 0;
  let again = 0;
  function later() {
    clearTimeout(timer);
    clearTimeout(again);
    timer = setTimeout(() => requestAnimationFrame(fit), 120);
    again = setTimeout(() => requestAnimationFrame(fit), 1000);
  }
  new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
  // A safety net: a formula measured while hidden and shown without a change we hear of was once left cut
  // (CI, the sliding-window view). Every 2 s one look (reads only, no writes unless a formula overflows).
  setInterval(() => requestAnimationFrame(fit), 2000);
  document.fonts.addEventListener("loadingdone", later); // KaTeX's fonts arrive after its first layout
  later();
})();
