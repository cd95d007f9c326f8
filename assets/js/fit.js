// Display formulas cannot wrap (KaTeX), so one that is wider than its column is scaled
// down to fit instead of being cut off or scrolled (issue 9). Runs when the page changes,
// when a formula's column changes width (window size, sidebar, scrollbar) and when fonts load.
(() => {
  if (window.__mlpFit) return;
  window.__mlpFit = true;
  const resized = new ResizeObserver(() => later());
  const fit = () => {
    document.querySelectorAll(".katex-display > .katex").forEach((k) => {
      // st.latex centres its formula in a box as wide as the formula: the room is the element's column.
      const column = k.closest('[data-testid="stElementContainer"]') || k.parentElement.parentElement;
      const room = column.clientWidth - 8;
      resized.observe(column);
      if (!k.style.fontSize && k.scrollWidth <= room) return; // fits at its own size: one read, no writes
      k.style.fontSize = "";
      // Not every part scales with the font (fixed spaces, rules): shrink again until it fits.
      for (let i = 0; i < 4 && room > 0 && k.scrollWidth > room; i++) {
        const size = parseFloat(getComputedStyle(k).fontSize);
        k.style.fontSize = `${Math.floor(((size * room * 0.98) / k.scrollWidth) * 10) / 10}px`;
      }
    });
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
  document.fonts.addEventListener("loadingdone", later); // KaTeX's fonts arrive after its first layout
  later();
})();
