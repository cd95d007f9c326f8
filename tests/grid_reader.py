"""Reads the HTML grids of ``components/figures/grid_html.py`` back (stdlib ``html.parser``, not the builder's
code): per grid its title, scale, cell values (``None`` for an empty cell), the numbers written in the cells,
the cells' colours and the colour bar's tick labels."""

from __future__ import annotations

from html.parser import HTMLParser


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.grids: list[dict] = []
        self._in: str | None = None  # what the text being read belongs to: title, cell, tick

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        cls = a.get("class", "")
        if cls == "mlp-grid":
            self.grids.append({"title": "", "rows": int(a["data-rows"]), "cols": int(a["data-cols"]),
                               "zmin": float(a["data-zmin"]), "zmax": float(a["data-zmax"]),
                               "cells": [], "ticktext": [], "bar": None})  # fmt: skip
        elif cls == "mlp-grid-title":
            self._in = "title"
        elif cls == "mlp-hole":
            self.grids[-1]["cells"].append({"v": None, "text": "", "colour": None, "title": ""})
        elif "data-v" in a:
            style = dict(p.split(":", 1) for p in a["style"].split(";") if p)
            self.grids[-1]["cells"].append(
                {
                    "v": float(a["data-v"]),
                    "text": "",
                    "colour": style["background"],
                    "ink": style["color"],
                    "title": a.get("title", ""),
                }
            )
            self._in = "cell"
        elif cls == "mlp-bar":
            self.grids[-1]["bar"] = a["style"]
        elif tag == "span" and self.grids:
            self._in = "tick"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.grids[-1]["title"] += data
        elif self._in == "cell":
            self.grids[-1]["cells"][-1]["text"] += data
        elif self._in == "tick":
            self.grids[-1]["ticktext"].append(data)


def read_grids(html: str) -> list[dict]:
    """Every grid in ``html``; ``z``/``text``/``colours`` as row lists."""
    reader = _Reader()
    reader.feed(html)
    for g in reader.grids:
        rows = [g["cells"][r * g["cols"] : (r + 1) * g["cols"]] for r in range(g["rows"])]
        g["z"] = [[c["v"] for c in row] for row in rows]
        g["text"] = [[c["text"] for c in row] for row in rows]
        g["colours"] = [[c["colour"] for c in row] for row in rows]
        g["titles"] = [[c["title"] for c in row] for row in rows]
    return reader.grids
