"""The Tensor indexing page in headless Chromium: typing an index highlights its cells and says them in words, a
refusal keeps the last good index, a deep link restores the shape tab's settings."""

from __future__ import annotations

import pytest

from tests.browser.conftest import goto, metric_value
from tools.live_server import wait_idle

pytestmark = pytest.mark.browser

EXCEPTION = '[data-testid="stException"]'
PICKED = '.st-key-ten_picture td[data-mark="pick"]'


def _type(page, text: str) -> None:
    box = page.locator(".st-key-ten_expr input")
    box.fill(text)
    box.press("Enter")
    wait_idle(page)


def test_typing_an_index_highlights_its_cells(page, server_url):
    goto(page, f"{server_url}/tensors")
    page.locator(PICKED).first.wait_for(timeout=30_000)
    assert [c.get_attribute("data-i") for c in page.locator(PICKED).all()] == ["12", "13", "14", "15"]
    _type(page, "A[:, 1, 1]")
    page.wait_for_function(f"() => document.querySelectorAll('{PICKED}').length === 2", timeout=30_000)
    assert [c.inner_text() for c in page.locator(PICKED).all()] == ["84", "88"]
    page.get_by_text("all students · English · exam 2").wait_for(timeout=30_000)
    assert "ten_expr=" in page.url
    _type(page, "A[__import__('os')]")
    page.get_by_text("cannot be an index here").wait_for(timeout=30_000)
    assert page.locator(PICKED).count() == 2  # still the last good index
    assert page.locator(EXCEPTION).count() == 0


def test_deep_link_restores_the_shape_tab(page, server_url):
    goto(
        page, f"{server_url}/tensors?ten_view=shape&ten_reduce=max&ten_dim=1&ten_op=transpose_view&ten_args=-1&lang=zh"
    )
    page.locator(".st-key-ten_reduced td").first.wait_for(timeout=30_000)
    assert page.locator(".st-key-ten_reduce input").input_value() == "max()"
    assert metric_value(page, "形状：A → s") == "(2, 3, 4) → (2, 4)"
    page.get_by_text("view size is not compatible").wait_for(timeout=30_000)
    assert page.locator(EXCEPTION).count() == 0
