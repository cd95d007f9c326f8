"""Panels side by side, each with its own axes (plain JSON specs, see ``spec.py``), and the traces they hold:
lines, dots, bars, heatmaps. The Loss functions and Layers pages build their figures from them."""

from __future__ import annotations

from components.figures.spec import SpecFigure, finite_values

STILL = {"fixedrange": True, "automargin": False}


def line(x, y, name: str, colour: str, dash: str = "solid", width: float = 3, **extra) -> dict:
    return {"type": "scatter", "x": finite_values(x), "y": finite_values(y), "mode": "lines", "name": name,
            "line": {"color": colour, "width": width, "dash": dash}, **extra}  # fmt: skip


def dots(x, y, name: str, colour: str, size: float = 11, symbol: str = "circle", **extra) -> dict:
    return {"type": "scatter", "x": finite_values(x), "y": finite_values(y), "mode": "markers", "name": name,
            "marker": {"color": colour, "size": size, "symbol": symbol, "line": {"width": 1, "color": "#fff"}},
            **extra}  # fmt: skip


def panels_figure(panels: list[dict], height: int = 400) -> SpecFigure:
    """Panels in a row. Each panel: ``traces`` (trace dicts), ``x`` and ``y`` axis titles, optional ``x_range``,
    ``y_range``, ``title`` and ``shapes`` (in the panel's axes)."""
    gap = 0.12  # room for the next panel's y-axis title, also at the projector's font size
    width = (1 - gap * (len(panels) - 1)) / len(panels)
    data, layout, notes, shapes = [], {}, [], []
    for k, panel in enumerate(panels):
        n = "" if k == 0 else str(k + 1)
        xa, ya = f"x{n}", f"y{n}"
        data += [trace | {"xaxis": xa, "yaxis": ya} for trace in panel["traces"]]
        left = k * (width + gap)
        layout[f"xaxis{n}"] = {"domain": [left, left + width], "anchor": ya, "title": {"text": panel["x"]}, **STILL,
                               **({"range": panel["x_range"]} if "x_range" in panel else {})}  # fmt: skip
        layout[f"yaxis{n}"] = {"anchor": xa, "title": {"text": panel["y"]}, **STILL,
                               **({"range": panel["y_range"]} if "y_range" in panel else {})}  # fmt: skip
        shapes += [shape | {"xref": xa, "yref": ya} for shape in panel.get("shapes", [])]
        if panel.get("title"):
            notes.append({"text": f"<b>{panel['title']}</b>", "xref": f"{xa} domain", "yref": "paper", "x": 0.5,
                          "y": 1.0, "yanchor": "bottom", "showarrow": False})  # fmt: skip
    layout.update({
        "height": height, "margin": {"l": 55, "r": 10, "t": 40, "b": 100}, "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "annotations": notes, "shapes": shapes, "barmode": "group",
    })  # fmt: skip
    return SpecFigure({"data": data, "layout": layout})
