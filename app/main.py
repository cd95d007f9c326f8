"""ML Playground router: page config, shared sidebar, navigation. No page content here."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` puts only app/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from components.ui.boot import load, load_soon  # noqa: E402  (heavy imports + gc.freeze(), once per process)
from components.ui.fragments import before_section_reruns  # noqa: E402
from components.ui.i18n import t  # noqa: E402
from components.ui.pages import PAGES, SECTIONS  # noqa: E402
from components.ui.present import clear_places, fit_probe  # noqa: E402
from components.ui.projector import projector_requested  # noqa: E402
from components.ui.reruns import install  # noqa: E402
from components.ui.sidebar import share, shared_sidebar  # noqa: E402
from components.ui.state import remember_arrival  # noqa: E402
from components.ui.timing import begin  # noqa: E402

install()  # a section's rerun for a session that never drew it runs the whole page (once per process)
run = begin(st.context.url or "")  # benchmarks only (ML_PLAYGROUND_TIMINGS)
st.set_page_config(
    page_title="ML Playground · 机器学习可视化实验室",
    page_icon=str(ROOT / "assets" / "images" / "icon.png"),  # a file: no icon font fetched from the internet
    layout="wide",
    initial_sidebar_state="collapsed" if projector_requested() else "auto",
)
remember_arrival()
share_slot = shared_sidebar()

nav = {
    t(f"sections.{section}"): [
        st.Page(
            ROOT / "app" / "topics" / f"{p.module}.py",
            title=t(f"{p.i18n}.title"),
            icon=p.icon,
            url_path=p.url_path,
            default=p.url_path == "",
        )
        for p in PAGES
        if p.section == section
    ]
    for section in SECTIONS
}
page = st.navigation({k: v for k, v in nav.items() if v})
clear_places()  # the presentation strip of the previous run is gone
before_section_reruns(None)  # the page's lesson bar sets it again
home = page.url_path == ""
if not home:
    load()  # torch and the rest: the home page is painted without them, they load just after it (load_soon)
try:
    page.run()
finally:  # also after st.stop(): the link is complete only once the page's widgets exist
    share(share_slot)
    fit_probe()  # the presentation view measures the page's main picture in the browser
    run.end()
    if home:
        load_soon()
