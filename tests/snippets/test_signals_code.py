"""The Signals page's "PyTorch code" runs as-is and reproduces the page's output tensor, for presets and uploads."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
import torch

from tests.app.conftest import open_page
from tests.snippets.test_convolution_code import run_code
from tests.unit.test_signal_files import wav_bytes


def page_code_and_output(at) -> tuple[str, torch.Tensor]:
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if "F.conv1d" in c.value]
    return code, at.session_state["sig_output"]


SETTINGS = [
    {},
    {"sig_source": "square", "sig_kernel": "difference", "sig_mode": "valid"},
    {"sig_source": "chirp", "sig_kernel": "gaussian", "sig_size": "15", "sig_sigma": "2.5", "sig_padding": "reflect"},
    {"sig_source": "random_walk", "sig_kernel": "box", "sig_size": "20", "sig_mode": "full", "sig_seed": "42"},
    {"sig_source": "temperature", "sig_length": "1024", "sig_noise": "1.5", "sig_padding": "replicate"},
    {"sig_source": "impulse", "sig_kernel": "typed", "sig_weights": "1, 2, 3", "sig_flip": "true"},
    {"sig_kernel": "typed", "sig_weights": "1 2 1", "sig_normalise": "sum1", "sig_padding": "circular"},
    {"sig_kernel": "sharpen", "sig_normalise": "sum0", "sig_mode": "full", "sig_padding": "reflect"},
    {"sig_kernel": "second_difference", "sig_source": "noisy_sine", "sig_noise": "0"},
]


def _run(code: str, cwd) -> dict:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        namespace = run_code(code, cwd)
    namespace["printed"] = out.getvalue()
    return namespace


@pytest.mark.parametrize("query", SETTINGS, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()) or "defaults")
def test_code_reproduces_the_page_s_output(query, tmp_path):
    at = open_page("signals", **query)
    code, output = page_code_and_output(at)
    ns = _run(code, tmp_path)
    assert torch.equal(ns["y"], output)  # the same calls in the same order: bit for bit
    position = at.slider(key="sig_position").value
    assert f"y[{position}] = {output[position].item()}" in ns["printed"]
    if query.get("sig_flip"):
        np.testing.assert_allclose(ns["y_convolve"].numpy(), np.convolve(ns["x_pad"].view(-1).numpy(),
                                                                          ns["w"].numpy(), "valid"))  # fmt: skip


UPLOADS = [
    ("prices.csv", b"day,price\n" + b"".join(f"{i},{100 + (i * 7) % 13}\n".encode() for i in range(60)), "text/csv"),
    ("raw.csv", b"".join(f"{i * 0.5};{i % 5}\n".encode() for i in range(40)), "text/csv"),
    ("tone.wav", wav_bytes((np.sin(np.arange(4000) / 5) * 20000).astype(np.int16)), "audio/wav"),
    ("stereo24.wav", wav_bytes(np.arange(600).reshape(300, 2) * 1000, 3, 16000, channels=2), "audio/wav"),
]


@pytest.mark.parametrize(("name", "data", "mime"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_code_reads_the_upload_again(name, data, mime, tmp_path):
    at = open_page("signals")
    at.sidebar.get("file_uploader")[0].set_value((name, data, mime)).run()
    assert at.session_state["sig_source"] == "upload"
    if name == "raw.csv":
        at.selectbox(key="sig_column").set_value("2").run()
    code, output = page_code_and_output(at)
    (tmp_path / name).write_bytes(data)
    ns = _run(code, tmp_path)
    assert torch.equal(ns["y"], output)
