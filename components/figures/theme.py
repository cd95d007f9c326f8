"""Shared Plotly styling: normal and projector mode (DESIGN §4)."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
DIVERGING = "RdBu_r"  # blue negative, white zero, red positive
SEQUENTIAL = "Gray"


def apply_theme(fig: go.Figure, projector: bool = False) -> go.Figure:
    """Style ``fig`` in place for the screen or a classroom projector and return it.

    Projector mode: larger fonts, thicker lines and markers, black text on white.
    """
    base = 20 if projector else 13
    fig.update_layout(
        template="plotly_white",
        colorway=PALETTE,
        font={"size": base, "color": "#000000" if projector else "#262730"},
        title={"font": {"size": base + 4}},
        margin={"l": 10, "r": 10, "t": 50 if fig.layout.title.text else 20, "b": 10},
        paper_bgcolor="#ffffff",
    )
    fig.update_annotations(font_size=base + 2)
    if projector:
        fig.update_traces(line_width=5, selector={"type": "scatter"})
        fig.update_traces(marker_size=14, selector={"type": "scatter"})
        for trace in fig.data:
            if trace.type == "heatmap" and trace.textfont.size:
                trace.textfont.size = round(trace.textfont.size * 1.4)
    return fig
