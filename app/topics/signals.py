"""Signals · 信号滤波: the convolution of the Convolution page on a 1-D signal is a filter."""

from dataclasses import replace

import streamlit as st

from components.compute.signals import SignalError, SignalSettings, filter_signal
from components.snippets.signals import signals_code
from components.ui.code_panel import code_panel
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.lesson import Lesson, page_header
from components.ui.present import controls, is_present, page_explanation
from components.ui.signals import STEPS
from components.ui.signals.controls import filter_controls
from components.ui.signals.source import signal_input
from components.ui.signals.views import (
    flip_note,
    frequency_view,
    length_panel,
    listen_view,
    metrics,
    position_slider,
    time_view,
    window_view,
)
from components.ui.state import bound, link_notice, reset_button, url_tabs

page_header("sig", Lesson("sig", SignalSettings, STEPS))
notice = st.container()
source = signal_input(controls())
side = None if is_present() else st.sidebar.container()  # the filter settings: drawn by the section, in place
reset_button("sig", SignalSettings)


def sig_body() -> None:
    """Everything the filter settings change: a change reruns only this (``ui.fragments``)."""
    settings, kernel = filter_controls(controls(side), source.settings)
    x, w = source.x, kernel.weights
    chart = st.container()  # the picture first, its controls under it (in the presentation view too)
    try:
        result = filter_signal(x, w, settings.mode, settings.padding)
    except SignalError as err:
        st.warning(t(f"sig.error.{err.reason}", **err.detail), icon=":material/error:")
        with chart:
            time_view(x, None, None, 0)
        length_panel(len(x), len(w), settings.mode)
        link_notice("sig", notice)
        return
    position = position_slider(len(result.output))
    flip = st.toggle(t("sig.flip"), **bound("sig_flip"))
    other = filter_signal(x, w, settings.mode, settings.padding, flip=True) if flip else None
    with chart:
        time_view(x, result, other, position)
    st.session_state["sig_output"] = result.output  # the tensor on screen (tests compare the code panel with it)
    if other is not None:
        flip_note(result, other)
    metrics(x, result, position)
    length_panel(len(x), len(w), settings.mode)

    tabs = url_tabs({"window": t("sig.tab_window"), "frequency": t("sig.tab_frequency"),
                     "listen": t("sig.tab_listen")}, "sig_view")  # fmt: skip
    if tabs["window"].open:
        with tabs["window"]:
            window_view(result, position)
    if tabs["frequency"].open:
        with tabs["frequency"]:
            frequency_view(x, result)
    if tabs["listen"].open:
        with tabs["listen"]:
            listen_view(source, settings, w)
    link_notice("sig", notice)
    code = signals_code(replace(settings, flip=flip), kernel.typed, position, source.file)
    code_panel(code, "signals.py")


section(sig_body)
page_explanation("signals")
