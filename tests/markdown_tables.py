"""Read back the tables of text a page shows (``components.ui.tables``), as a reader sees them: the Markdown
rendered by an independent CommonMark + GFM parser (markdown-it-py), not by the code that wrote it."""

from __future__ import annotations

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable("table")


def parse_tables(source: str) -> list[list[dict[str, str]]]:
    """Every table in ``source``: rows as ``{header: cell text}``."""
    tables, rows, row = [], [], []
    for tok in _PARSER.parse(source):
        if tok.type == "inline":
            row.append("".join(c.content for c in tok.children or []) or tok.content)
        elif tok.type == "tr_close":
            rows.append(row)
            row = []
        elif tok.type == "table_close":
            head, *body = rows
            tables.append([dict(zip(head, r, strict=True)) for r in body])
            rows = []
    return tables


def read_tables(at) -> list[list[dict[str, str]]]:
    """The tables of text of an AppTest run, in page order."""
    return [tb for m in at.markdown for tb in parse_tables(str(m.value)) if "--- |" in str(m.value)]
