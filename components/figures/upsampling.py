"""Pictures and figures for the Upsampling page.

The methods are compared on a crop at the original's pixel scale: each crop is a small PNG of exact pixels
that the browser enlarges without smoothing (``image-rendering: pixelated``), so a blocky, blurred or
checkered result looks exactly as blocky, blurred or checkered as it is.
"""

from __future__ import annotations

from html import escape

import numpy as np
import torch

from components.figures.raster import encode
from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE

CROP = 64  # original pixels across the compared crop


def crop_box(h: int, w: int, cx: int, cy: int, size: int = CROP) -> tuple[int, int, int, int]:
    """``(top, left, height, width)`` of the crop centred at ``cx``%, ``cy``% of the picture, inside it."""
    ch, cw = min(size, h), min(size, w)
    top = min(max(round(cy / 100 * h) - ch // 2, 0), h - ch)
    left = min(max(round(cx / 100 * w) - cw // 2, 0), w - cw)
    return top, left, ch, cw


def _rgb(image: torch.Tensor) -> np.ndarray:
    return (image.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()


def crop(image: torch.Tensor, box: tuple[int, int, int, int]) -> torch.Tensor:
    """``(C, h, w)`` the crop of ``image``. A method that made a smaller picture (a transposed convolution) is
    cropped where it has pixels, white beyond."""
    top, left, ch, cw = box
    part = image[:, top : top + ch, left : left + cw]
    canvas = torch.ones(image.shape[0], ch, cw)
    canvas[:, : part.shape[1], : part.shape[2]] = part
    return canvas


def overshoot(part: torch.Tensor) -> torch.Tensor:
    """``(3, h, w)``: where ``part`` leaves [0, 1], red above 1, blue below 0 (full at 0.25 beyond), else white."""
    over = ((part - 1).clamp(min=0).amax(0) / 0.25).clamp(max=1)
    under = ((-part).clamp(min=0).amax(0) / 0.25).clamp(max=1)
    rgb = torch.ones(3, *over.shape)
    rgb[1] -= over + under
    rgb[0] -= under
    rgb[2] -= over
    return rgb.clamp(0, 1)


def sprite_png(tiles: list[torch.Tensor]) -> bytes:
    """The tiles (each ``(3, h, w)``, values clamped to [0, 1]) side by side in one PNG of exact pixels: one
    picture for the browser to fetch and decode instead of one per tile."""
    return encode(_rgb(torch.cat(tiles, dim=2)), "PNG")


def gallery_html(url: str, captions: list[tuple[str, str]]) -> str:
    """The sprite's tiles side by side, each with its name and a line under it (``captions``: ``(title, note)``
    per tile, escaped). Each tile shows its part of the one picture (``background-position``)."""
    n = len(captions)
    cells = "".join(
        f'<figure class="mlp-up"><div class="mlp-tile" role="img" aria-label="{escape(title)}" '
        f'style="background-image:url({escape(url)});background-size:{n * 100}% 100%;'
        f'background-position:{k * 100 / max(n - 1, 1):.4f}% 0"></div>'
        f"<figcaption><b>{escape(title)}</b><br>{escape(note)}</figcaption></figure>"
        for k, (title, note) in enumerate(captions)
    )
    return f'<div class="mlp-gallery">{cells}</div>'


def overlap_spectrum_figure(counts: torch.Tensor, stride: int, labels: dict[str, str]) -> SpecFigure:
    """The overlap counts along the middle row of the map and their spectrum: a peak at 1/S cycles per pixel
    (and its multiples) is the checkerboard's period.

    Args:
        counts: ``(H_out, W_out)`` from ``overlap_counts`` (of a large input: the spectrum's resolution is 1/width).
        labels: ``row``, ``spectrum``, ``pixel``, ``frequency``, ``count``, ``amplitude``, ``period`` texts.
    """
    row = counts[counts.shape[0] // 2].double()
    edge = min(len(row) // 4, 2 * stride + 2)
    inner = row[edge : len(row) - edge]  # the edges get fewer taps by construction: not the artifact
    freq = torch.fft.rfftfreq(len(inner), dtype=torch.float64)
    amp = torch.fft.rfft(inner - inner.mean()).abs() / len(inner)
    data = [
        {"type": "bar", "x": list(range(edge, len(row) - edge)), "y": finite_values(inner), "name": labels["row"],
         "marker": {"color": PALETTE[0]}, "hovertemplate": "%{y}<extra></extra>"},
        {"type": "scatter", "x": finite_values(freq), "y": finite_values(amp), "mode": "lines+markers",
         "name": labels["spectrum"], "xaxis": "x2", "yaxis": "y2", "line": {"color": PALETTE[3], "width": 2.5}},
    ]  # fmt: skip
    layout = {
        "height": 330,
        "margin": {"l": 50, "r": 10, "t": 30, "b": 95},
        "xaxis": {"domain": [0, 0.45], "title": {"text": labels["pixel"]}},
        "yaxis": {"title": {"text": labels["count"]}, "rangemode": "tozero"},
        "xaxis2": {"domain": [0.55, 1], "range": [0, 0.5], "title": {"text": labels["frequency"]}, "anchor": "y2"},
        "yaxis2": {"anchor": "x2", "rangemode": "tozero", "title": {"text": labels["amplitude"]}},
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "shapes": [{"type": "line", "xref": "x2", "yref": "paper", "x0": 1 / stride, "x1": 1 / stride, "y0": 0,
                    "y1": 1, "line": {"color": "#555555", "dash": "dot", "width": 1.5}}],
        "annotations": [{"xref": "x2", "yref": "paper", "x": 1 / stride, "y": 1.0, "yanchor": "bottom",
                         "text": labels["period"], "showarrow": False}],
    }  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})
