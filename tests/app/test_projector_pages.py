"""Every page renders in projector mode and in Chinese (projector styling touches every figure)."""

from __future__ import annotations

import pytest

from components.ui.pages import PAGES
from tests.app.conftest import open_page

QUERIES = {
    "gradient_descent": {"gd_runs": "4"},
    "derivatives": {"deriv_f1": "abs"},
}


@pytest.mark.parametrize("page", [p.module for p in PAGES if p.url_path])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_in_projector_mode(page, lang):
    at = open_page(page, projector="1", lang=lang, **QUERIES.get(page, {}))
    assert not at.exception, [e.message for e in at.exception]
    assert at.toggle(key="projector").value is True


def test_gradient_tab_in_projector_mode():
    at = open_page("derivatives", projector="1", deriv_field="true")
    at.session_state["deriv_view"] = "f(x, y): partial derivatives & gradient"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
