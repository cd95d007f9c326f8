"""AppTest helpers: run the real router, then switch to a page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
MAIN = str(ROOT / "app" / "main.py")


def open_page(page: str | None = None, **query: str) -> AppTest:
    """Run ``app/main.py`` (with ``query`` as URL parameters), then ``page`` if given.

    The "PyTorch code" panel is open (``code=true``, unless ``query`` says otherwise): it is drawn only then, and
    tests read it."""
    at = AppTest.from_file(MAIN, default_timeout=60)
    for k, v in {"code": "true", **query}.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(f"topics/{page}.py")
        at.run()
    return at


def charts(at: AppTest) -> list[tuple[str, dict]]:
    """The page's Plotly charts (``ui.charts``) in page order: (key, figure spec)."""
    from components.ui.charts import NAME, figure_of

    found = [e for e in at.get("bidi_component") if e.proto.component_name == NAME]
    return [(e.proto.id.rsplit("-", 1)[-1], figure_of(e)) for e in found]


def figure(at: AppTest, i: int | str = 0) -> dict:
    """One chart's figure spec: the ``i``-th on the page, or the one keyed ``i``."""
    drawn = charts(at)
    if isinstance(i, str):
        (spec,) = [f for k, f in drawn if k == i]
        return spec
    return drawn[i][1]


def ok(at: AppTest) -> None:
    """The run raised nothing (Streamlit shows exceptions on the page; say which)."""
    assert not at.exception, [e.message for e in at.exception]


def png_bytes(width: int, height: int, color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def texts(at: AppTest) -> list[str]:
    """Every piece of visible text the page rendered."""
    out: list[str] = []
    for kind in ("markdown", "caption", "title", "subheader", "header", "latex", "warning", "error", "info"):
        out += [str(e.value) for e in at.get(kind)]
    out += [m.label for m in at.metric]
    return out


@pytest.fixture
def conv() -> AppTest:
    return open_page("convolution")
