"""The in-place chart (``ui.charts``): one element per key, redrawn in the same slot, its figure readable."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.conftest import charts


def _script() -> None:
    import streamlit as st

    from components.ui.charts import live_chart

    slot = st.empty()
    for k in range(3):  # a live view: the same chart again in the same slot, within one run
        with slot:
            live_chart({"data": [{"type": "scatter", "x": [0, 1], "y": [k, k]}], "layout": {"height": 200}}, "live")
    live_chart({"data": [], "layout": {}}, "other")


def test_a_chart_redrawn_in_its_slot_stays_one_element_with_the_last_figure():
    at = AppTest.from_function(_script, default_timeout=60).run()
    assert not at.exception
    drawn = charts(at)
    assert [k for k, _ in drawn] == ["live", "other"]
    assert drawn[0][1]["data"][0]["y"] == [2, 2]
    ids = [e.proto.id for e in at.get("bidi_component")]
    assert len(set(ids)) == 2 and all(i.endswith(("-live", "-other")) for i in ids)


def test_the_served_plotly_js_is_the_installed_packages_own():
    import plotly

    from components.ui.charts import ROOT, _script

    url = _script()  # relative to the page: Streamlit serves app/static/ at /app/static/
    served = ROOT / url
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert served.read_bytes() == source.read_bytes()
    assert plotly.__version__ in url
