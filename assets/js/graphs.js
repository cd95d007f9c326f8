// Computation graphs (st.graphviz_chart) redraw without tweening: d3-graphviz by default samples every
// path of the old and the new graph point by point (getPointAtLength) to morph one into the other, even
// when nothing animates; that took ~170 ms of the browser's main thread per Autograd step (issue 10).
// Streamlit keeps one d3-graphviz instance per chart on its element (``__graphviz__``): switch it off there.
(() => {
  if (window.__mlpGraphs) return;
  window.__mlpGraphs = true;
  const calm = () => {
    document.querySelectorAll('[id^="st-graphviz-chart-"]').forEach((e) => {
      const g = e.__graphviz__;
      if (g && !g.__mlpCalm) {
        g.options({ tweenPaths: false, tweenShapes: false });
        g.__mlpCalm = true;
      }
    });
  };
  new MutationObserver(calm).observe(document.body, { childList: true, subtree: true });
  calm();
})();
