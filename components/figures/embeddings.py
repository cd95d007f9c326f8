"""Pictures for the Embeddings page: the lookup token → id → row as HTML (styles and its animation in
``assets/css/base.css``), the training's loss curve beside the words on their two main directions (a Plotly spec),
and the ViT input with its patch grid."""

from __future__ import annotations

import re
from html import escape

import numpy as np
import torch

from components.figures.spec import SpecFigure, finite_values
from components.figures.theme import PALETTE, PROJECTOR_TEXT

SHOWN_COLUMNS = 8  # columns of the weight table drawn; the rest are counted
SHOWN_ROWS = 3  # rows drawn on each side of the looked-up one
KIND_COLOURS = {"male": PALETTE[0], "female": PALETTE[3], "city": PALETTE[2], "country": PALETTE[4],
                "animal": PALETTE[1], "food": PALETTE[5], "other": "#777777"}  # fmt: skip


def _cells(values: torch.Tensor, limit: float) -> str:
    out = []
    for v in values[:SHOWN_COLUMNS].tolist():
        share = max(-1.0, min(1.0, v / limit)) if limit > 0 else 0.0
        colour = f"rgba(213, 94, 0, {abs(share):.2f})" if share > 0 else f"rgba(0, 114, 178, {abs(share):.2f})"
        out.append(f'<td style="background:{colour}" data-v="{v:.4g}">{v:.2f}</td>')
    return "".join(out)


def lookup_html(word: str, word_id: int, weight: torch.Tensor, words: tuple[str, ...], labels: dict[str, str]) -> str:
    """Token → id → row: three boxes lit one after the other (CSS), then the rows of the weight table around
    ``word_id`` with that row marked (``data-row``), ``SHOWN_COLUMNS`` columns of ``d``. ``labels``: token, id,
    row, more (with ``{n}``), table (with ``{v}``, ``{d}``)."""
    vocab, dim = weight.shape
    limit = float(weight.abs().max()) or 1.0
    lo, hi = max(0, word_id - SHOWN_ROWS), min(vocab, word_id + SHOWN_ROWS + 1)
    more = (
        f'<td class="mlp-more">{escape(labels["more"].format(n=dim - SHOWN_COLUMNS))}</td>'
        if dim > SHOWN_COLUMNS
        else ""
    )
    head = "".join(f"<th>{j}</th>" for j in range(min(dim, SHOWN_COLUMNS)))
    rows = []
    for i in range(lo, hi):
        mark = ' class="mlp-looked" data-row="looked"' if i == word_id else ""
        rows.append(f"<tr{mark}><th>{i}</th><th>{escape(words[i])}</th>{_cells(weight[i], limit)}{more}</tr>")
    gap = '<tr><th colspan="2">⋮</th></tr>'
    table = (f'<table class="mlp-emb-table"><thead><tr><th>id</th><th></th>{head}</tr></thead><tbody>'
             f"{gap if lo > 0 else ''}{''.join(rows)}{gap if hi < vocab else ''}</tbody></table>")  # fmt: skip
    steps = (
        f'<div class="mlp-emb-step mlp-s1"><small>{escape(labels["token"])}</small><b>{escape(word)}</b></div>'
        f'<div class="mlp-emb-arrow">→</div>'
        f'<div class="mlp-emb-step mlp-s2"><small>{escape(labels["id"])}</small><b>{word_id}</b></div>'
        f'<div class="mlp-emb-arrow">→</div>'
        f'<div class="mlp-emb-step mlp-s3"><small>{escape(labels["row"])}</small><b>W[{word_id}]</b></div>'
    )
    caption = re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(labels["table"].format(v=vocab, d=dim)))  # code spans
    # A new key per lookup restarts the CSS animation (the browser replays it for a new element).
    return (f'<div class="mlp-emb" data-key="{word_id}-{dim}"><div class="mlp-emb-flow">{steps}</div>'
            f'<div class="mlp-emb-caption">{caption}</div>{table}</div>')  # fmt: skip


# The map's smallest square on a classroom screen, 1024 px wide (px: the sidebar open; the projector's figure is
# larger) and its labels' size (px; the projector's is its body text, theme.PROJECTOR_FONT): labels are placed for
# that worst case. The label font is given before the theme's projector scaling (x 1.4, theme._thicken).
MAP = {False: (380, 12), True: (500, 28)}


def _box(x: float, y: float, word: str, px: float) -> tuple[float, float, float, float]:
    """A label's box in px, above its point: Latin letters ~0.62 em wide, CJK 1 em, a little room around."""
    width = px * sum(1.0 if ord(ch) > 0x2E80 else 0.62 for ch in word) + 6
    return x - width / 2, y + 6, x + width / 2, y + 6 + 1.35 * px


def label_points(coords: torch.Tensor, words: list[str], order: list[int], span: float,
                 projector: bool = False) -> set[int]:  # fmt: skip
    """The points, in priority ``order``, whose labels fit without touching a label already placed or leaving
    the map (``span``: the axes' half range): a dense map names fewer words; hovering names every point."""
    side, px = MAP[projector]
    scale = side / (2 * span)
    placed: list[tuple[float, float, float, float]] = []
    keep = set()
    for k in order:
        box = _box(float(coords[k, 0]) * scale, float(coords[k, 1]) * scale, words[k], px)
        inside = box[0] >= -side / 2 and box[2] <= side / 2 and box[3] <= side / 2
        if inside and all(box[2] < b[0] or b[2] < box[0] or box[3] < b[1] or b[3] < box[1] for b in placed):
            placed.append(box)
            keep.add(k)
    return keep


def training_figure(losses: list[float], coords: torch.Tensor, words: list[str], kinds: list[str],
                    shares: tuple[float, float], epochs: int, labels: dict[str, str],
                    first: tuple[int, ...] = (), projector: bool = False) -> SpecFigure:  # fmt: skip
    """Left the loss per epoch (the axis holds all ``epochs``); right each word at its coordinates ``(n, 2)`` on
    the two main directions, coloured by its kind, the group words named where their labels fit (``first``:
    points named before the others; ``projector``: labels as large as the body text and black). ``labels``: epoch,
    loss, pc1, pc2 (with ``{share}``), and one per kind."""
    span = float(coords.abs().max()) * 1.15 if len(coords) else 1.0
    order = [*first, *(k for kind in KIND_COLOURS if kind != "other" for k, kd in enumerate(kinds) if kd == kind)]
    named = label_points(coords, words, list(dict.fromkeys(order)), span, projector)
    font = {"size": round(MAP[True][1] / 1.4), "color": PROJECTOR_TEXT} if projector else {"size": MAP[False][1]}
    data = [{"type": "scatter", "x": list(range(1, len(losses) + 1)), "y": finite_values(losses), "mode": "lines",
             "name": labels["loss"], "showlegend": False, "line": {"color": PALETTE[0], "width": 2}}]  # fmt: skip
    for kind, colour in KIND_COLOURS.items():
        pick = [k for k, kd in enumerate(kinds) if kd == kind]
        if not pick:
            continue
        group = kind != "other"  # group words are larger and named where it fits; every point is named on hover
        data.append({"type": "scatter", "x": finite_values(coords[pick, 0]), "y": finite_values(coords[pick, 1]),
                     "mode": "markers+text" if group else "markers",
                     "text": [words[k] if k in named else "" for k in pick], "hovertext": [words[k] for k in pick],
                     "textposition": "top center", "name": labels[kind], "xaxis": "x2", "yaxis": "y2",
                     "hoverinfo": "text", "marker": {"size": 8 if group else 5, "color": colour},
                     "textfont": {"color": colour, **font}})  # fmt: skip
    top = max(losses) if losses else 1.0
    still = {"fixedrange": True, "automargin": False}
    layout = {
        "height": 520, "margin": {"l": 55, "r": 10, "t": 20, "b": 110}, "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0.36, "y": 0, "yref": "container", "yanchor": "bottom"},
        "xaxis": {"domain": [0, 0.28], "range": [0, epochs], "title": {"text": labels["epoch"]}, **still},
        "yaxis": {"range": [0, top * 1.05], "title": {"text": labels["loss"]}, **still},
        "xaxis2": {"domain": [0.36, 1], "anchor": "y2", "range": [-span, span], "zeroline": False, **still,
                   "title": {"text": labels["pc1"].format(share=f"{100 * shares[0]:.0f}%")}},
        "yaxis2": {"anchor": "x2", "range": [-span, span], "zeroline": False, "scaleanchor": "x2", **still,
                   "title": {"text": labels["pc2"].format(share=f"{100 * shares[1]:.0f}%")}},
    }  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})


def patch_grid(pixels: np.ndarray, patch: int) -> np.ndarray:
    """``(H, W, 3)`` uint8 with a white line (one pixel, dark-edged) between patches of side ``patch``."""
    out = pixels.copy()
    for k in range(patch, out.shape[0], patch):
        out[k - 1 : k + 1, :] = (30, 30, 30)
        out[k, :] = 255
    for k in range(patch, out.shape[1], patch):
        out[:, k - 1 : k + 1] = (30, 30, 30)
        out[:, k] = 255
    return out
