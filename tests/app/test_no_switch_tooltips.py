"""No switch or checkbox carries a "?" tooltip: on an interactive whiteboard tapping the icon
inside the label flips the switch and changes the lesson (issue 9). Their help is a caption."""

from __future__ import annotations

import pytest

from components.ui.pages import PAGES
from tests.app.conftest import ok, open_page

VIEWS = [(p.module, {}) for p in PAGES] + [
    ("derivatives", {"deriv_view": "2d"}),
    ("convolution", {"conv_kernel": "sobel_x", "conv_view": "window"}),
    ("autograd", {"ag_view": "errors"}),
    ("autograd", {"ag_view": "tiny"}),
]


@pytest.mark.parametrize(("page", "query"), VIEWS)
def test_switches_have_no_tooltip(page, query):
    at = open_page(None if page == "home" else page, **query)
    ok(at)
    with_help = [(w.key, w.label) for kind in ("toggle", "checkbox") for w in at.get(kind) if w.help]
    assert with_help == []
