"""Exact data coordinates of a click on a Plotly chart.

``st.plotly_chart(on_select=...)`` reports only *data points* under the cursor: a click on a picture is
answered with the nearest point of an invisible grid (24 x 24 put a click at 1.73, 0.11 on 1.65, 0.04), and
heatmaps are not selectable at all. A grid fine enough for the sliders' 0.01 would be ~10^5 points. So a tiny
custom component listens to the pointer instead: a press and release within a few pixels on the chart's
plot area (Plotly's ``nsewdrag`` layer of that subplot, whose box *is* the axes' range), or on a plain picture
(its ``<img>`` box), is converted to data coordinates with the fixed ranges and sent to Python as a one-shot
trigger. The figure carries no
click grid at all. A drag (pan) or a click on the Play buttons or the legend is not a click on the plot.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

_JS = """
export default function ({ data, setTriggerValue }) {
  const sel = data.target;
  let down = null;
  const onDown = (e) => {
    const layer = e.target && e.target.closest ? e.target.closest(sel) : null;
    const ok = layer && e.button === 0;
    down = ok ? { x: e.clientX, y: e.clientY, t: e.timeStamp, r: layer.getBoundingClientRect() } : null;
  };
  const onUp = (e) => {
    const d = down;
    down = null;
    if (!d || Math.hypot(e.clientX - d.x, e.clientY - d.y) > 5 || e.timeStamp - d.t > 1000) return;
    const fx = (d.x - d.r.left) / d.r.width, fy = (d.y - d.r.top) / d.r.height;
    const [x0, x1] = data.x, [y0, y1] = data.y;
    setTriggerValue("click", { x: x0 + fx * (x1 - x0), y: y1 - fy * (y1 - y0) });
  };
  const onMove = (e) => {
    const layer = e.target && e.target.closest ? e.target.closest(sel) : null;
    if (layer && layer.style.cursor !== "crosshair") layer.style.cursor = "crosshair";
  };
  document.addEventListener("pointerdown", onDown, true);
  document.addEventListener("pointerup", onUp, true);
  document.addEventListener("pointerover", onMove, true);
  return () => {
    document.removeEventListener("pointerdown", onDown, true);
    document.removeEventListener("pointerup", onUp, true);
    document.removeEventListener("pointerover", onMove, true);
  };
}
"""
_COMPONENT = st.components.v2.component("ml_playground_plot_click", html="", js=_JS)


def plot_click(
    chart_key: str,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    on_click: Callable[[float, float], None],
    subplot: str = "xy",
    picture: bool = False,
    inside: str | None = None,
) -> None:
    """Call ``on_click(x, y)`` (before the next run, like a widget callback) when the plot is clicked.

    Args:
        chart_key: the ``key`` of the ``st.plotly_chart`` to listen to.
        x_range, y_range: that subplot's fixed axis ranges (``fixedrange`` axes: the view never moves).
        on_click: gets the clicked point in data coordinates, unrounded.
        subplot: Plotly's subplot id (``"xy"``, ``"x2y2"``...).
        picture: listen to the ``<img>`` inside the element keyed ``chart_key`` instead of a chart (its box is
            the ranges: ``x`` left to right, ``y`` top to bottom as given).
        inside: like ``picture``, for another element inside it (a CSS selector: a grid of numbers' cells).
    """
    key = f"{chart_key}_click"

    def clicked() -> None:
        point = (st.session_state.get(key) or {}).get("click") or {}
        if isinstance(point.get("x"), int | float) and isinstance(point.get("y"), int | float):
            on_click(float(point["x"]), float(point["y"]))

    if inside:
        target = f".st-key-{chart_key} {inside}"
    elif picture:
        target = f".st-key-{chart_key} img"
    else:
        target = f'.st-key-{chart_key} .nsewdrag[data-subplot="{subplot}"]'
    data = {"chart": chart_key, "target": target, "x": list(x_range), "y": list(y_range)}
    _COMPONENT(key=key, data=data, on_click_change=clicked, height=0)
