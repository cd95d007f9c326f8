"""The Signals page's input: a preset signal (length, noise, seed) or the user's CSV column or WAV file.

An upload lives in session state (not in the link); a bad file says why and the last good signal stays.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import streamlit as st
import torch
from streamlit.runtime.uploaded_file_manager import DeletedFile

from components.compute.signal_files import MAX_BYTES, MAX_SECONDS, SignalFile, SignalFileError, read_signal_file
from components.compute.signals import (
    AUDIO_RATE,
    MAX_LENGTH,
    MAX_NOISE,
    MIN_LENGTH,
    SIGNALS,
    SOUNDS,
    SignalSettings,
    make_signal,
)
from components.snippets.signals import FileSource
from components.ui.i18n import t
from components.ui.projector import uploader_limits
from components.ui.state import bound, url_choice

UPLOAD = "upload"
D = SignalSettings()
UPLOADED = SignalSettings(source=UPLOAD)


@dataclass(frozen=True)
class Source:
    """The signal on the page. Attributes:
    x: ``(N,)`` float64.
    label: what it is, for captions (a preset's name, or the file and column).
    rate: samples per second when it can be heard (a sound-like preset at ``AUDIO_RATE``, a WAV at its own).
    file: where an upload came from (the code panel reads it again), else ``None``.
    settings: the settings that made it (``source``, ``length``, ``noise``, ``seed``; the rest at defaults).
    """

    x: torch.Tensor
    label: str
    rate: int | None = None
    file: FileSource | None = None
    settings: SignalSettings = UPLOADED


@st.cache_resource(max_entries=8, show_spinner=False)
def _parse(digest: str, _data: bytes, name: str) -> SignalFile:
    """Parse once per file's bytes (refusals raise again, cheaply)."""
    return read_signal_file(_data, name)


def _upload() -> Any:
    upload = st.session_state.get("sig_upload")
    return None if isinstance(upload, DeletedFile) else upload  # after a failover: a name without bytes


def _from_file(sb: Any) -> Source | None:
    """The uploaded file's signal, or ``None`` after saying why there is none."""
    upload = _upload()
    if upload is None:
        lost = not st.session_state.get("sig_had_upload") and not st.session_state.get("sig_picked_upload")
        if lost:  # "upload" came with a link (or a reconnection): the file is not on this server
            st.warning(t("sig.upload_lost"), icon=":material/cloud_off:")
        else:
            sb.info(t("sig.upload_hint"))
        return None
    st.session_state["sig_had_upload"] = True
    data = upload.getvalue()
    try:
        parsed = _parse(hashlib.sha256(data).hexdigest(), data, upload.name)
    except SignalFileError as err:
        st.error(t(f"sig.file_error.{err.reason}", name=upload.name, **err.detail), icon=":material/error:")
        return None
    names = list(parsed.columns)
    column = names[0]
    if len(names) > 1:
        if st.session_state.get("sig_column") not in names:
            st.session_state["sig_column"] = _first_signal(parsed)
        column = sb.selectbox(t("sig.column"), names, key="sig_column")
    if parsed.cut:
        st.info(t("sig.cut", seconds=f"{MAX_SECONDS:g}"), icon=":material/content_cut:")
    if parsed.skipped:
        st.caption(t("sig.skipped", n=parsed.skipped))
    if parsed.rate:
        file = FileSource(upload.name, width=parsed.width)
        return Source(parsed.columns[column], upload.name, parsed.rate, file)
    file = FileSource(upload.name, parsed.index[column], parsed.header, parsed.delimiter)
    return Source(parsed.columns[column], f"{upload.name} · {column}", None, file)


def _first_signal(parsed: SignalFile) -> str:
    """The column shown first: the first that is not an evenly spaced count (a day or row number)."""
    for name, values in parsed.columns.items():
        steps = values.diff()
        if len(steps) and not bool((steps == steps[0]).all()):
            return name
    return next(iter(parsed.columns))


def signal_input(sb: Any) -> Source:
    """The signal's controls, drawn in ``sb`` (the page's settings place): a preset with its length, noise and
    seed, or an upload (a CSV column or a WAV file). Returns the signal (the last good one if the upload is
    refused or lost)."""

    def switch_to_upload() -> None:
        if _upload() is not None:
            st.session_state["sig_source"] = UPLOAD

    def picked() -> None:  # the user chose in the box (a link or a reconnection does not call this)
        st.session_state["sig_picked_upload"] = st.session_state.get("sig_source") == UPLOAD

    sb.subheader(t("sig.signal_header"))
    kind = url_choice(
        sb.selectbox,
        t("sig.signal"),
        [*SIGNALS, UPLOAD],
        "sig_source",
        D.source,
        format_func=lambda k: t(f"sig.signals.{k}"),
        on_change=picked,
    )
    sb.file_uploader(
        t("sig.upload"),
        type=["csv", "txt", "wav"],
        key="sig_upload",
        on_change=switch_to_upload,
        help=t("sig.upload_help", mb=MAX_BYTES // 2**20, seconds=f"{MAX_SECONDS:g}"),
    )
    uploader_limits("sig_upload", t("sig.upload_limits", mb=MAX_BYTES // 2**20))
    if kind == UPLOAD:
        source = _from_file(sb)
        if source is None:
            source = st.session_state.get("sig_last_good") or _preset(D.source, D.length, D.noise, D.seed)
            st.caption(t("sig.kept", name=source.label))
        st.session_state["sig_last_good"] = source
        return source
    length = sb.slider(t("sig.length"), MIN_LENGTH, MAX_LENGTH, D.length, step=16, **bound("sig_length"))
    noise = sb.slider(
        t("sig.noise"), 0.0, MAX_NOISE, D.noise, step=0.05, help=t("sig.noise_help"), **bound("sig_noise")
    )
    seed = sb.number_input(t("sig.seed"), 0, 9999, D.seed, step=1, help=t("sig.seed_help"), **bound("sig_seed"))
    source = _preset(kind, length, noise, int(seed))
    st.session_state["sig_last_good"] = source
    return source


def _preset(kind: str, length: int, noise: float, seed: int) -> Source:
    rate = AUDIO_RATE if kind in SOUNDS else None
    made = SignalSettings(source=kind, length=length, noise=noise, seed=seed)
    return Source(make_signal(kind, length, noise, seed), t(f"sig.signals.{kind}"), rate, None, made)
