"""Shared Plotly styling: normal and projector mode (DESIGN §4)."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import numpy as np
from plotly.colors import get_colorscale

from components.figures.spec import SpecFigure

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
DIVERGING = "RdBu_r"  # blue negative, white zero, red positive
# plotly.js knows no "_r" names: specs carry explicit colour lists.
DIVERGING_SCALE = [[float(p), c] for p, c in get_colorscale(DIVERGING)]
GREY_SCALE = [[0.0, "#000000"], [1.0, "#ffffff"]]
# Projector text is as large as the projector's body text (assets/css/projector.css: 28 px) and black.
BASE_FONT, PROJECTOR_FONT = 13, 28
TEXT, PROJECTOR_TEXT = "#262730", "#000000"  # 15:1 and 21:1 on white
PROJECTOR_SCALE = 1.5  # figures with a fixed size grow with the fonts
# The app's font, then the shipped Chinese subset (app/static/fonts): Chinese labels render on any machine.
FONT_FAMILY = "'Source Sans', PlaygroundCJK, 'Noto Sans CJK SC', sans-serif"
THEMED = "ml-playground-themed"
TEMPLATE = Path(__file__).resolve().parents[2] / "assets" / "plotly_template.json"


PIXELS = ("size", "pad", "standoff", "xpad")  # the template's lengths: Streamlit writes them in rem


@cache
def template(scale: float = 1.0) -> dict:
    """Streamlit's own Plotly template for this app's theme (light grid, no x grid, automargins), as its chart
    element applied it in the browser, saved once: our charts draw with plotly.js directly (``ui.charts``).

    Its lengths were rem, turned into pixels at the page's font size: ``scale`` = that size / 16 px (the
    projector's larger text, so axis labels keep their distance from the plot)."""

    def scaled(node):
        if isinstance(node, dict):
            return {k: round(v * scale) if k in PIXELS and isinstance(v, int | float) else scaled(v)
                    for k, v in node.items()}  # fmt: skip
        return node

    return scaled(json.loads(TEMPLATE.read_text(encoding="utf-8")))


def log_axis(values, fixed_range: bool = False) -> dict:
    """A log axis for losses: over a decade or more only powers of ten are labelled (every k-th decade, at most
    ~8 labels). ``fixed_range``: a range around the finite positive values, so the
    axis does not jump while curves grow."""
    v = np.asarray([x for x in np.ravel(np.asarray(values, dtype=object)) if x is not None], dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    axis: dict = {"type": "log", "exponentformat": "power"}
    if not len(v):
        return axis
    lo, hi = float(np.log10(v.min())), float(np.log10(v.max()))
    if hi - lo >= 1:  # whole decades only (at most ~8 labels): "5 6 7 8 9" between them read like losses
        axis["dtick"] = max(1, math.ceil((hi - lo) / 8))
    if fixed_range:
        pad = 0.1 * (hi - lo) + 0.05
        axis["range"] = [lo - pad, hi + pad]
    return axis


def apply_theme(fig: SpecFigure, projector: bool = False) -> SpecFigure:
    """Style ``fig`` in place for the screen or a classroom projector and return it.

    Projector mode: larger fonts, thicker lines and markers, black text on white.
    """
    base = PROJECTOR_FONT if projector else BASE_FONT
    color = PROJECTOR_TEXT if projector else TEXT
    layout = fig.spec.setdefault("layout", {})
    if layout.get("meta") == THEMED:
        return fig  # already styled: scaling twice would compound
    layout["meta"] = THEMED
    layout.setdefault("template", template(PROJECTOR_FONT / 16 if projector else 1.0))
    layout.update(
        colorway=PALETTE,
        font={"size": base, "color": color, "family": FONT_FAMILY},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    layout.setdefault("margin", {"l": 10, "r": 10, "t": 40, "b": 10})  # a figure's own margins stay
    # Streamlit's template sizes axis text itself (small), so the layout font alone leaves ticks tiny on a projector.
    # Each text gets its size and colour here: Streamlit's template greys ticks and titles (3.6:1 on white).
    for axis in _axes(layout):
        axis["tickfont"] = {**axis.get("tickfont", {}), "size": base, "color": color}
        title = axis.get("title", {})
        title = {"text": title} if isinstance(title, str) else title
        axis["title"] = {**title, "font": {**title.get("font", {}), "size": base + 1, "color": color}}
    layout["legend"] = {**layout.get("legend", {}), "font": {"size": base, "color": color}}
    layout["hoverlabel"] = {"font": {"size": base}}
    if isinstance(layout.get("title"), dict):
        layout["title"]["font"] = {**layout["title"].get("font", {}), "size": base + 2, "color": color}
    for note in layout.get("annotations", []):
        own = note.get("font", {}).get("color", color)
        if projector and own != color and note.get("text"):
            # A coloured label (the ∇f and u arrows: 2.3:1 and 3.1:1 on white) is read from the back of the
            # room in black on white, framed in its colour so it still names its arrow.
            note.update(bordercolor=own, borderwidth=2, bgcolor="#ffffff", borderpad=2)
            own = color
        note["font"] = {**note.get("font", {}), "size": base + 2, "color": own}
    for trace in fig.spec.get("data", []):
        bar = trace.get("colorbar") or trace.get("marker", {}).get("colorbar")
        if bar is not None:
            bar["tickfont"] = {"size": base, "color": color}
            bar_title = bar.get("title", {})
            bar["title"] = {**({"text": bar_title} if isinstance(bar_title, str) else bar_title),
                            "font": {"size": base, "color": color}}  # fmt: skip
    if projector:
        for side in ("width", "height"):
            if side in layout:
                layout[side] = round(layout[side] * PROJECTOR_SCALE)
        # Margins hold tick labels and titles (automargin is off): they grow with the text.
        layout["margin"] = {side: round(v * PROJECTOR_FONT / BASE_FONT) for side, v in layout["margin"].items()}
        traces = fig.spec.get("data", []) + [t for f in fig.spec.get("frames", []) for t in f["data"]]
        for trace in traces:
            _thicken(trace)
    return fig


def _axes(layout: dict) -> list[dict]:
    """Every 2-D and 3-D axis of ``layout``, created when the figure relies on the default pair."""
    names = [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]
    axes = [layout.setdefault(name, {}) for name in names]
    for scene in (v for k, v in layout.items() if k.startswith("scene")):
        axes += [scene.setdefault(name, {}) for name in ("xaxis", "yaxis", "zaxis")]
    return axes


def _scaled(value: object, factor: float) -> object:
    """A size (or a per-point list of sizes) times ``factor``."""
    if isinstance(value, list | tuple):
        return [v * factor for v in value]
    return value * factor


def _thicken(trace: dict) -> None:
    if "line" in trace:
        trace["line"] = {**trace["line"], "width": _scaled(trace["line"].get("width", 2), 1.5)}
    if "marker" in trace:
        trace["marker"] = {**trace["marker"], "size": _scaled(trace["marker"].get("size", 6), 1.5)}
    if "textfont" in trace and trace.get("type") == "heatmap":
        # Numbers in cells: as large as the cells allow, up to the layout font (plotly.js fits text of no size).
        trace["textfont"] = {k: v for k, v in trace["textfont"].items() if k != "size"}
    elif "textfont" in trace:
        trace["textfont"] = {**trace["textfont"], "size": round(1.4 * trace["textfont"].get("size", 12))}
