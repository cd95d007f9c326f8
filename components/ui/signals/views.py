"""The Signals page's views: input and output together, one output sample's window, the spectra, listening."""

from __future__ import annotations

import io
import wave

import streamlit as st
import torch

from components.compute.signals import (
    AUDIO_RATE,
    AUDIO_SECONDS,
    Filtered,
    SignalSettings,
    filter_signal,
    frequency_response,
    make_signal,
    output_length,
    spectrum,
)
from components.figures.grid_html import grid, grids
from components.figures.numbers import fmt
from components.figures.signals import signal_figure, spectrum_figure, time_figure, window_figure
from components.ui.i18n import t
from components.ui.lesson import is_hidden, masked
from components.ui.projector import show_figure
from components.ui.signals.source import Source
from components.ui.state import bound, clamp_state

D = SignalSettings()
ROW_NUMBERS = 16  # a window row writes its numbers up to this many samples (hover beyond)
NYQUIST_LOW = 0.5  # |H(0.5)| below this share of |H(0)|: the kernel passes slow changes and stops fast ones


def _labels(*keys: str) -> dict[str, str]:
    return {k: t(f"sig.fig_{k}") for k in keys}


def position_slider(length: int) -> int:
    """The inspected output sample (in the link); its range follows the output length."""
    clamp_state("sig_position", 0, length - 1)
    return st.slider(t("sig.position"), 0, max(length - 1, 1), min(D.position, length - 1), help=t("sig.position_help"),
                     disabled=length == 1, **bound("sig_position"))  # fmt: skip


def time_view(x: torch.Tensor, result: Filtered | None, other: Filtered | None, position: int) -> None:
    """Input and output on one axis, the window of output sample ``position`` shaded (``result`` ``None``: the
    filter could not run, the input alone)."""
    labels = _labels("input", "output", "other", "sample", "index")
    if result is None:
        fig = signal_figure(x, labels)
    else:
        fig = time_figure(x, result, position, labels, None if other is None else other.output)
    show_figure(fig, key="sig_time", fit="sig_time")


def flip_note(result: Filtered, other: Filtered) -> None:
    """What the switch shows: conv1d vs np.convolve, and whether they differ for this kernel."""
    gap = float((result.output - other.output).abs().max())
    symmetric = bool(torch.equal(result.kernel, result.kernel.flip(0)))
    key = "sig.flip_same" if symmetric else "sig.flip_differs"
    st.info(t(key, gap=fmt(gap, 3)), icon=":material/swap_horiz:")


def metrics(x: torch.Tensor, result: Filtered, position: int) -> None:
    n, k, length = len(x), len(result.kernel), len(result.output)
    cols = st.columns(4)
    cols[0].metric(t("sig.m_input"), f"N = {n}")
    cols[1].metric(t("sig.m_kernel"), f"K = {k}")
    cols[2].metric(t("sig.m_output"), masked(f"L = {length}"), help=t("sig.m_output_help"))
    cols[3].metric(t("sig.m_sample", i=position), masked(fmt(float(result.output[position]), 5)))


def length_panel(n: int, k: int, mode: str) -> None:
    """``L = N + P_left + P_right − K + 1`` with the numbers, and the three modes' lengths."""
    result = output_length(n, k, mode)
    left = result - n + k - 1  # P_left + P_right
    st.markdown(t("sig.length_title"))
    pl, pr = t("sig.p_left"), t("sig.p_right")
    shown = masked(str(result) if result > 0 else rf"{result} \le 0")
    st.latex(rf"L = N + P_\text{{{pl}}} + P_\text{{{pr}}} - K + 1 = {n} + {left} - {k} + 1 = {shown}")

    def length(m: str) -> str:
        n_out = output_length(n, k, m)
        return masked(str(n_out) if n_out > 0 else t("sig.no_output"))

    rows = " · ".join(
        f"**{t(f'sig.modes.{m}')}: {length(m)}**" if m == mode else f"{t(f'sig.modes.{m}')}: {length(m)}"
        for m in ("valid", "same", "full")
    )  # fmt: skip
    st.caption(t("sig.length_modes") + " " + rows)


def window_view(result: Filtered, position: int) -> None:
    """The window of output sample ``position``: taps, weights, products and their sum; play walks it on."""
    labels = _labels("padded", "taps", "weights", "products", "sum", "index", "play", "pause", "position")
    play = st.toggle(t("sig.play"), **bound("sig_play"))
    st.caption(t("sig.play_help"))
    show_figure(window_figure(result, position, labels, play, hidden=is_hidden()), key="sig_window")
    taps, w, products = result.window(position)
    total = float(result.output[position])
    a = position - result.left
    row = {"signed": True, "digits": 3, "narrow": ROW_NUMBERS}
    panels = [
        grid(taps.numpy()[None, :], title=t("sig.grid_taps", a=a, b=a + len(w) - 1), **row),
        grid(w.numpy()[None, :], title=t("sig.grid_weights", last=len(w) - 1), **row),
        grid(products.numpy()[None, :], title=t("sig.grid_products"), **row),
    ]
    st.container(key="sig_products").html(grids(panels, rows=True))
    check = masked(fmt(float(products.sum()), 6))
    st.markdown(t("sig.sum", i=position, k=len(w), total=masked(fmt(total, 6)), check=check))


def frequency_view(x: torch.Tensor, result: Filtered) -> None:
    """|X(f)|, |Y(f)| and the kernel's |H(f)|: a smoothing kernel is a low-pass filter, a difference a high-pass."""
    n_fft = max(len(x), len(result.output))
    spectra = {"input": spectrum(x, n_fft), "output": spectrum(result.output, n_fft)}
    response = frequency_response(result.kernel)
    labels = _labels("input", "output", "gain", "frequency", "amplitude", "gain_axis")
    show_figure(spectrum_figure(spectra, response, labels), key="sig_spectrum")
    h = response[1]
    dc, top = float(h[0]), float(h[-1])
    cols = st.columns(2)
    cols[0].metric(t("sig.m_dc"), fmt(dc, 4), help=t("sig.m_dc_help"))
    cols[1].metric(t("sig.m_nyquist"), fmt(top, 4), help=t("sig.m_nyquist_help"))
    if top < NYQUIST_LOW * dc:
        st.markdown(t("sig.low_pass"))
    elif dc < NYQUIST_LOW * top:
        st.markdown(t("sig.high_pass"))
    else:
        st.markdown(t("sig.band"))


def _wav(samples: torch.Tensor, rate: int, peak: float) -> bytes:
    """16-bit PCM WAV scaled by ``peak`` (the louder clip's): Streamlit would scale each clip to full volume,
    and a smoothed clip's quieter sound could not be heard as quieter."""
    pcm = (samples / peak).clamp(-1, 1) * 32767 if peak > 0 else torch.zeros_like(samples)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(pcm.round().to(torch.int16).numpy().tobytes())
    return buf.getvalue()


def listen_view(source: Source, settings: SignalSettings, weights: torch.Tensor) -> None:
    """Input and output as sound: a sound-like preset made again 2 s long at 8 kHz (one sample = 1/8000 s),
    or the uploaded WAV at its own rate; filtered the same way (``same``: as long as the input)."""
    if source.rate is None:
        st.info(t("sig.no_sound"), icon=":material/volume_off:")
        return
    if source.file is None:  # a preset: the same signal, long enough to hear
        s = source.settings
        x = make_signal(s.source, int(AUDIO_RATE * AUDIO_SECONDS), s.noise, s.seed)
        st.caption(t("sig.listen_preset", rate=AUDIO_RATE))
    else:
        x = source.x
        st.caption(t("sig.listen_file", rate=source.rate))
    padding = settings.padding if len(weights) // 2 < len(x) else "zeros"
    y = filter_signal(x, weights, "same", padding).output
    peak = float(max(x.abs().max(), y.abs().max()))
    left, right = st.columns(2)
    with left:
        st.markdown(t("sig.listen_input"))
        st.audio(_wav(x, source.rate, peak), format="audio/wav")
    with right:
        st.markdown(t("sig.listen_output"))
        st.audio(_wav(y, source.rate, peak), format="audio/wav")
    st.caption(t("sig.listen_loudness"))
