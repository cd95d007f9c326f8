"""The inspected output pixel: x / y / channel controls in the link, and two click pickers.

``conv_ox`` and ``conv_oy`` are number inputs in the link; their default is the
centre of the current output, so a link without them opens on the centre and a
link with them reopens on that exact pixel. The page writes them into the link
itself whenever the pixel is not the current centre: Streamlit's ``bind`` left
a pixel out once its (moving) default had moved away, and the link then opened
on another pixel. ``conv_channel`` is a choice
(``0``, ``1``, ``2``) in the link. Both tabs create the controls, so the pixel
survives a tab switch and every change of stride, preset or padding (clamped to
the new output).

The pickers (see ``components/figures/conv_pick.py``): pictures of the whole
output and of the zoomed neighbourhood. ``plot_click`` turns a click on either into data
coordinates, rounded to the pixel under the mouse and clamped to the output; it
sets ``conv_ox`` / ``conv_oy`` before the next run, like a widget callback.
"""

from __future__ import annotations

import streamlit as st

from components.compute.convolution import ConvGeometry, ConvSettings, output_size
from components.compute.kernels import make_kernel
from components.figures.conv_pick import pick_html, picture_ranges, pixel_at, zoom_box, zoom_html
from components.ui.convolution.controls import ConvResult
from components.ui.convolution.pictures import Shown, picker_picture, zoom_image
from components.ui.i18n import t
from components.ui.media import media_url
from components.ui.plot_click import plot_click
from components.ui.state import clamp_state, url_choice

OVERVIEW, ZOOM = "conv_pick", "conv_zoom"
CHANNEL = "conv_channel"


def default_pixel(h: int, w: int) -> dict[str, int]:
    """The pixel the default settings open on (the centre of their output), for the reset button."""
    d = ConvSettings()
    g = ConvGeometry(make_kernel(d.kernel).shape[0], d.padding, d.padding_mode, d.stride, d.dilation)
    return {"conv_ox": output_size(w, g) // 2, "conv_oy": output_size(h, g) // 2}


def _listen(chart_key: str, box: tuple[int, int, int, int], h_out: int, w_out: int) -> None:
    """A click on the chart ``chart_key`` (showing ``box``) picks the pixel under the mouse."""

    def picked(x: float, y: float) -> None:
        st.session_state["conv_oy"], st.session_state["conv_ox"] = pixel_at(x, y, h_out, w_out)

    plot_click(chart_key, *picture_ranges(box), picked, picture=True)


def _channel(container, channels: int) -> int:
    ids = [str(c) for c in range(channels)]
    if st.session_state.get(CHANNEL) not in (None, *ids):  # colour switched to grayscale
        st.session_state[CHANNEL] = ids[0]
    names = {"0": "R", "1": "G", "2": "B"} if channels == 3 else {"0": t("conv.colors.gray")}
    return int(url_choice(container.selectbox, t("conv.channel"), ids, CHANNEL, ids[0], format_func=names.get))


def _seed_from_link(h_out: int, w_out: int) -> None:
    """Take x and y from the link when no value is held, as ``bind`` does.

    Streamlit seeds a bound widget from the link in the run that first creates
    it; when a rerun interrupts that run (the tabs above report their state as
    soon as they are drawn), the browser never saw the seeded value and the
    next run falls back to the default. Seeding here makes the link win anyway.
    """
    for key, high in (("conv_ox", w_out - 1), ("conv_oy", h_out - 1)):
        requested = st.query_params.get(key)
        if key not in st.session_state and requested is not None and requested.isdigit() and int(requested) <= high:
            st.session_state[key] = int(requested)


def pick_controls(h_out: int, w_out: int, channels: int) -> tuple[int, int, int]:
    """x, y and channel of the inspected output pixel (default the centre). Returns ``(y, x, channel)``."""
    _seed_from_link(h_out, w_out)
    clamp_state("conv_ox", 0, w_out - 1)
    clamp_state("conv_oy", 0, h_out - 1)
    cols = st.columns(3)
    ox = cols[0].number_input(t("conv.pick_x"), 0, w_out - 1, w_out // 2, key="conv_ox")
    oy = cols[1].number_input(t("conv.pick_y"), 0, h_out - 1, h_out // 2, key="conv_oy")
    # A value the browser still held from a larger output (two quick presses) is never used out of range.
    ox, oy = min(max(int(ox), 0), w_out - 1), min(max(int(oy), 0), h_out - 1)
    _link_pixel({"conv_ox": (ox, w_out // 2), "conv_oy": (oy, h_out // 2)})
    return oy, ox, _channel(cols[2], channels)


def _link_pixel(values: dict[str, tuple[int, int]]) -> None:
    """Each coordinate in the link unless it is the current centre (what a link without it opens on)."""
    for key, (value, centre) in values.items():
        if value == centre:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != str(value):
            st.query_params[key] = str(value)


def pickers(result: ConvResult, shown: Shown, oy: int, ox: int) -> None:
    """The overview (choose the area) beside the zoom (see the pixels); a click on either picks a pixel.

    The overview is the output picture already on the page when it is large enough: the browser has it."""
    _, h_out, w_out = result.output.shape
    box = zoom_box(h_out, w_out, (oy, ox))
    y0, x0, rows, cols = box
    left, right = st.columns(2, gap="medium")
    with left:
        st.caption(t("conv.pick_title"))
        overview = media_url(*picker_picture(result, shown), OVERVIEW)
        st.container(key=OVERVIEW).html(pick_html(overview, h_out, w_out, (oy, ox)))
        _listen(OVERVIEW, (0, 0, h_out, w_out), h_out, w_out)
    with right:
        st.caption(t("conv.zoom_title", x0=x0, x1=x0 + cols - 1, y0=y0, y1=y0 + rows - 1))
        st.container(key=ZOOM).html(zoom_html(media_url(zoom_image(result, shown, box), "PNG", ZOOM), box, (oy, ox)))
        _listen(ZOOM, box, h_out, w_out)


def inspected_pixel(result: ConvResult) -> tuple[int, int, int]:
    """``(channel, y, x)`` chosen with ``pick_controls`` in this run (the centre before any choice)."""
    c, h_out, w_out = result.output.shape
    return (
        min(int(st.session_state.get(CHANNEL) or 0), c - 1),
        min(max(int(st.session_state.get("conv_oy", h_out // 2)), 0), h_out - 1),
        min(max(int(st.session_state.get("conv_ox", w_out // 2)), 0), w_out - 1),
    )
