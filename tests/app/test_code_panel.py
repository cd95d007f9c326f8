"""The "PyTorch code" panel is drawn only while open (issue 10); ``?code=true`` opens it."""

from __future__ import annotations

import pytest

from tests.app.conftest import ok, open_page


@pytest.mark.parametrize("page", ["convolution", "derivatives", "gradient_descent", "autograd", "overfitting"])
def test_closed_panel_sends_no_code_and_the_link_opens_it(page):
    closed = open_page(page, code="false")
    ok(closed)
    assert not [c for c in closed.code if "import torch" in c.value]
    assert not [b for b in closed.get("download_button") if b.proto.label == "Download .py"]
    opened = open_page(page)  # code=true
    ok(opened)
    assert [c for c in opened.code if "import torch" in c.value]
