"""Plotly figures for the Convolution page."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from components.figures.theme import DIVERGING, PALETTE


def _cell_text(z: np.ndarray) -> dict:
    """Numbers inside the cells while they fit: 3 significant digits up to 5x5,
    two decimals in a smaller font up to 9 columns, hover only beyond."""
    cols = z.shape[1] if z.ndim == 2 else 1
    if cols > 9:
        return {}
    fmt = "{:.3g}" if cols <= 5 else "{:.2f}"
    return {
        "text": [[fmt.format(v) for v in row] for row in z],
        "texttemplate": "%{text}",
        "textfont": {"size": 13 if cols <= 5 else 9},
    }


def _heatmap(z: np.ndarray, signed: bool, showscale: bool = False, **kw) -> go.Heatmap:
    finite = np.abs(z[np.isfinite(z)])
    limit = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    return go.Heatmap(
        z=z,
        colorscale=DIVERGING if signed else "Gray",
        zmin=-limit if signed else 0.0,
        zmax=limit if signed else 1.0,
        showscale=showscale,
        hovertemplate="row %{y}, col %{x}: %{z:.4g}<extra></extra>",
        **_cell_text(z),
        **kw,
    )


def _square_axes(fig: go.Figure, n: int) -> None:
    for i in range(1, n + 1):
        fig.update_yaxes(
            autorange="reversed", scaleanchor=f"x{'' if i == 1 else i}", showticklabels=False, row=1, col=i
        )
        fig.update_xaxes(showticklabels=False, row=1, col=i)


def kernel_figure(kernel: torch.Tensor, title: str) -> go.Figure:
    """The kernel's weights as a grid of numbers, coloured by sign."""
    z = kernel.detach().double().numpy()
    fig = go.Figure(_heatmap(z, signed=True))
    fig.update_layout(title=title, height=260, width=260)
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False)
    fig.update_xaxes(showticklabels=False)
    return fig


def multiply_add_figure(
    patch: torch.Tensor, weights: torch.Tensor, products: torch.Tensor, titles: list[str]
) -> go.Figure:
    """Input patch, kernel weights and their element-wise products side by side."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.04)
    fig.add_trace(_heatmap(patch.double().numpy(), signed=False), row=1, col=1)
    fig.add_trace(_heatmap(weights.double().numpy(), signed=True), row=1, col=2)
    fig.add_trace(_heatmap(products.double().numpy(), signed=True), row=1, col=3)
    _square_axes(fig, 3)
    fig.update_layout(height=330)
    return fig


def _window_outline(rows: list[int], cols: list[int]) -> tuple[list[float], list[float]]:
    y0, y1, x0, x1 = rows[0] - 0.5, rows[-1] + 0.5, cols[0] - 0.5, cols[-1] + 0.5
    return [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]


def sliding_window_figure(
    padded: torch.Tensor, output: torch.Tensor, taps: list[tuple[list[int], list[int]]], labels: dict[str, str]
) -> go.Figure:
    """Animated window sliding over a small padded crop, filling the output.

    Args:
        padded: ``(Hp, Wp)`` padded input crop.
        output: ``(Ho, Wo)`` convolution of that crop.
        taps: per output position in row-major order, the (rows, cols) it reads.
        labels: ``input``, ``output``, ``play``, ``pause``, ``step`` texts.
    """
    out = output.double().numpy()
    h_out, w_out = out.shape
    signed = bool((out < 0).any())
    fig = make_subplots(rows=1, cols=2, subplot_titles=[labels["input"], labels["output"]], horizontal_spacing=0.06)
    fig.add_trace(_heatmap(padded.double().numpy(), signed=False), row=1, col=1)
    frames = []
    for step, (rows, cols) in enumerate(taps):
        shown = np.full(out.shape, np.nan)
        shown.flat[: step + 1] = out.flat[: step + 1]
        ox, oy = _window_outline(rows, cols)
        tx, ty = np.meshgrid(cols, rows)
        cell = divmod(step, w_out)
        frames.append(
            go.Frame(
                name=str(step),
                data=[
                    go.Scatter(x=ox, y=oy, mode="lines", line={"color": PALETTE[1], "width": 4}),
                    go.Scatter(x=tx.ravel(), y=ty.ravel(), mode="markers", marker={"color": PALETTE[1], "size": 7}),
                    _heatmap(shown, signed=signed),
                    go.Scatter(
                        x=[cell[1]],
                        y=[cell[0]],
                        mode="markers",
                        marker={"symbol": "square-open", "color": PALETTE[1], "size": 18, "line": {"width": 3}},
                    ),
                ],
                traces=[1, 2, 3, 4],
            )
        )
    first = frames[0].data
    fig.add_trace(first[0], row=1, col=1)
    fig.add_trace(first[1], row=1, col=1)
    fig.add_trace(first[2], row=1, col=2)
    fig.add_trace(first[3], row=1, col=2)
    fig.frames = frames
    _square_axes(fig, 2)
    fig.update_xaxes(range=[-0.5, w_out - 0.5], row=1, col=2)
    fig.update_yaxes(range=[h_out - 0.5, -0.5], autorange=False, row=1, col=2)
    play = {"frame": {"duration": 350, "redraw": True}, "fromcurrent": True, "transition": {"duration": 0}}
    fig.update_layout(
        height=430,
        showlegend=False,
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.08,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {"label": labels["play"], "method": "animate", "args": [None, play]},
                    {
                        "label": labels["pause"],
                        "method": "animate",
                        "args": [[None], {"mode": "immediate", "frame": {"duration": 0}}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.2,
                "len": 0.8,
                "y": -0.04,
                "currentvalue": {"prefix": labels["step"] + " "},
                "steps": [
                    {
                        "label": str(i + 1),
                        "method": "animate",
                        "args": [[str(i)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}}],
                    }
                    for i in range(len(frames))
                ],
            }
        ],
    )
    return fig
