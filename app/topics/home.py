"""Home: what the lab is, and a card per page."""

import streamlit as st

from components.ui.home import page_cards
from components.ui.i18n import t

st.title(t("home.title"))
st.markdown(t("home.intro"))
page_cards()
st.subheader(t("home.how_title"))
st.markdown(t("home.how"))
