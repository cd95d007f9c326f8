"""Plotly charts that change in place (issue 10).

``st.plotly_chart`` names each chart element after a hash of its whole figure: a new figure is a new element,
so every change unmounts the chart and plotly.js draws the next one from nothing (``newPlot``: the axes, the
ticks, every trace, thousands of DOM nodes; ~100-250 ms of the browser's main thread for one press on the
descent chart, more than the rest of the rerun). This component keeps one plot per key for the session and
hands each new figure to ``Plotly.react``, which redraws only what changed (a new path, not the axes and the
contour picture under it).

plotly.js comes from the installed ``plotly`` package (the version the figures are written for), copied once
into ``app/static/vendor/`` and served by Streamlit's static serving; the browser loads it once per page load,
and keeps it (the file name carries the version). The figure travels as JSON bytes (``orjson``): Streamlit
hashes bytes for the element's identity instead of re-serialising a dict twice.

Tests read a chart's figure with :func:`figure_of` (the element's ``proto.bytes``).
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import orjson
import streamlit as st
from streamlit.elements.lib.form_utils import current_form_id
from streamlit.elements.lib.layout_utils import LayoutConfig
from streamlit.elements.lib.utils import compute_and_register_element_id
from streamlit.proto.BidiComponent_pb2 import BidiComponent
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState, get_script_run_ctx

from components.ui.i18n import ROOT

VENDOR = ROOT / "app" / "static" / "vendor"
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "responsive": True}

_JS = r"""
const load = (src) => {
  if (!window.__mlPlotly) {
    window.__mlPlotly = window.Plotly ? Promise.resolve(window.Plotly) : new Promise((ok, bad) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = () => ok(window.Plotly);
      s.onerror = () => { window.__mlPlotly = null; s.remove(); bad(new Error("plotly.js did not load")); };
      document.head.appendChild(s);
    });
  }
  return window.__mlPlotly;
};

export default function ({ parentElement, data }) {
  let gd = parentElement.querySelector(":scope > .ml-chart");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "ml-chart";
    parentElement.appendChild(gd);
    let width = 0;  // the column's width changes (sidebar folded, window resized): the plot follows
    new ResizeObserver(([e]) => {
      const w = Math.round(e.contentRect.width);
      if (w !== width && gd._fullLayout && window.Plotly) { width = w; window.Plotly.Plots.resize(gd); }
    }).observe(gd);
  }
  const text = new TextDecoder().decode(data);
  if (text === gd.__mlText) return;  // the same figure again: nothing to draw
  gd.__mlText = text;
  const { figure: fig, config, src } = JSON.parse(text);
  gd.style.height = (fig.layout && fig.layout.height ? fig.layout.height : 450) + "px";  // no jump before the draw
  gd.__mlNext = fig;
  gd.removeAttribute("data-drawn");
  const draw = () => load(src).then((Plotly) => {
    const f = gd.__mlNext;  // only the newest figure: presses that came meanwhile are drawn once
    if (!f) return;
    gd.__mlNext = null;
    return Plotly.react(gd, { data: f.data, layout: f.layout, frames: f.frames || [], config }).then(() => {
      if (!gd.__mlNext) gd.setAttribute("data-drawn", "1");  // the newest figure is on screen (tests wait for it)
    });
  });
  gd.__mlBusy = (gd.__mlBusy || Promise.resolve()).then(draw, draw);  // one draw at a time
}
"""


@cache
def _script() -> str:
    """The served plotly.js (copied from the installed package on first use): its URL, relative to the page."""
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    name = f"plotly-{plotly.__version__}.min.js"
    target = VENDOR / name
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        VENDOR.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        shutil.copyfile(source, partial)
        partial.replace(target)  # whole or absent: a browser never gets half a file
    return f"app/static/vendor/{name}"


NAME = "ml_playground_chart"
_IDS: dict[tuple[str, str], str] = {}  # (page's script hash, key) -> element id: a function of those two only


def live_chart(spec: dict, key: str) -> None:
    """Draw the Plotly figure ``spec`` (a plain dict) as the chart ``key``, updating it in place on the next run.

    The same key may be drawn again in the same run, into the same slot (``st.empty``: Overfitting redraws
    while it trains): it stays the same element, so the browser updates the same plot. Built here rather than
    through the component's mount call, which registers a widget state this chart does not have and refuses
    a key twice in a run.
    """
    data = orjson.dumps({"figure": spec, "config": CONFIG, "src": _script()}, option=orjson.OPT_SERIALIZE_NUMPY)
    dg = st._main  # enqueues into the current container (a `with` block), like any st.* call
    proto = BidiComponent(component_name=NAME, isolate_styles=False, js_content=_JS, bytes=data)
    proto.form_id = current_form_id(dg)
    proto.id = _element_id(key, dg)
    dg._enqueue("bidi_component", proto, layout_config=LayoutConfig(width="stretch", height="content"))


def _element_id(key: str, dg) -> str:
    ctx = get_script_run_ctx()
    page = ThreadState.get().active_script_hash if ctx else ""
    if ctx and (page, key) in _IDS and key in ctx.shared.widget_user_keys_this_run:
        return _IDS[(page, key)]  # drawn before in this run: the same element again
    element_id = compute_and_register_element_id("bidi_component", user_key=key, key_as_main_identity=True, dg=dg)
    _IDS[(page, key)] = element_id
    return element_id


def figure_of(element) -> dict:
    """The figure of a chart element as AppTest sees it (tests)."""
    return orjson.loads(element.proto.bytes)["figure"]
