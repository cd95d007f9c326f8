"""The Signals page in AppTest: defaults, every signal and kernel, extremes, bad input, uploads, 中文."""

from __future__ import annotations

import numpy as np
import pytest

from components.compute.signals import KERNELS, SIGNALS, make_signal
from tests.app.conftest import figure, metric, ok, open_page, texts
from tests.unit.test_signal_files import wav_bytes
from tests.unit.test_signals import naive


def _numbers(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_defaults_show_the_filtered_sine_and_its_numbers():
    at = open_page("signals")
    ok(at)
    x = make_signal("noisy_sine", 256, 0.3, 0).numpy()
    y = naive(x, np.full(9, 1 / 9), "same", "zeros")
    m = _numbers(at)
    assert (m["Input"], m["Kernel"], m["Output length"]) == ("N = 256", "K = 9", "L = 256")
    assert float(m["y[120]"]) == pytest.approx(y[120], abs=1e-4)
    fig = figure(at, "sig_time")
    np.testing.assert_allclose(fig["data"][0]["y"], x, rtol=1e-5)
    np.testing.assert_allclose(fig["data"][1]["y"], y, rtol=1e-5, atol=1e-6)
    assert fig["data"][1]["x"][0] == 0  # same: output sample i sits over input sample i
    assert any("y[120]" in s and "sum of the 9 products" in s for s in texts(at))


def test_position_slider_takes_another_sample_apart():
    at = open_page("signals")
    at.slider(key="sig_position").set_value(30).run()
    ok(at)
    x = make_signal("noisy_sine", 256, 0.3, 0).numpy()
    assert float(metric(at, "y[30]")) == pytest.approx(naive(x, np.full(9, 1 / 9), "same", "zeros")[30], abs=1e-4)
    window = figure(at, "sig_window")
    assert window["data"][3]["x"] == list(range(26, 35)) and window["data"][4]["text"][0].startswith("y[30] = ")
    assert "frames" not in window  # Play is off: no frames to send
    at.toggle(key="sig_play").set_value(True).run()
    frames = figure(at, "sig_window")["frames"]
    assert [f["name"] for f in frames] == [str(i) for i in range(30, 62)]
    assert frames[5]["data"][2]["x"] == list(range(31, 40))  # a frame holds traces 1-4: its taps are third


@pytest.mark.parametrize("signal", SIGNALS)
def test_every_signal(signal):
    ok(open_page("signals", sig_source=signal, sig_view="listen"))


@pytest.mark.parametrize("kernel", KERNELS)
def test_every_kernel(kernel):
    at = open_page("signals", sig_kernel=kernel, sig_view="frequency")
    ok(at)
    assert figure(at, "sig_spectrum")["data"]


def test_frequency_view_gains_are_the_sums_of_the_weights():
    at = open_page("signals", sig_kernel="box", sig_size="9", sig_view="frequency")
    assert float(metric(at, "Gain at f = 0 (a constant)")) == pytest.approx(1.0)
    assert float(metric(at, "Gain at f = 0.5 (fastest wiggle)")) == pytest.approx(1 / 9, rel=1e-3)
    assert any("low-pass" in s for s in texts(at))
    at = open_page("signals", sig_kernel="difference", sig_view="frequency")
    assert float(metric(at, "Gain at f = 0.5 (fastest wiggle)")) == pytest.approx(2.0)
    assert any("high-pass" in s for s in texts(at))


def test_extremes():
    at = open_page("signals", sig_length="2048", sig_size="63", sig_mode="full", sig_padding="circular")
    ok(at)
    assert metric(at, "Output length") == "L = 2110"
    at = open_page("signals", sig_length="16", sig_size="63", sig_mode="valid")
    ok(at)
    assert any("valid needs a signal at least as long as the kernel" in str(w.value) for w in at.warning)
    assert figure(at, "sig_time")["data"][0]["y"]  # the input is still drawn
    at = open_page("signals", sig_length="16", sig_size="63", sig_padding="reflect")
    ok(at)
    assert any("reflect padding" in str(w.value) for w in at.warning)


def test_bad_typed_weights_keep_the_last_good_ones():
    at = open_page("signals", sig_kernel="typed", sig_weights="1, 2, 1")
    assert metric(at, "Kernel") == "K = 3"
    at.text_input(key="sig_weights").input("1, 2, import os").run()
    ok(at)
    assert any("“import” is not a number" in str(e.value) for e in at.sidebar.error)
    assert metric(at, "Kernel") == "K = 3"
    assert any("last good weights: 1, 2, 1" in str(c.value) for c in at.sidebar.caption)


def test_weights_that_sum_to_zero_cannot_sum_to_one():
    at = open_page("signals", sig_kernel="difference", sig_normalise="sum1")
    ok(at)
    assert any("sum to 0" in str(w.value) for w in at.sidebar.warning)


def test_flip_shows_np_convolve_and_says_which_one_layers_use():
    flip = {"sig_kernel": "typed", "sig_weights": "1, 2, 3", "sig_flip": "true", "sig_noise": "0"}
    at = open_page("signals", sig_source="impulse", sig_position="127", **flip)
    ok(at)
    assert float(metric(at, "y[127]")) == 3.0  # conv1d reads the weights backwards over an impulse
    fig = figure(at, "sig_time")
    conv = np.array(fig["data"][2]["y"], dtype=float)
    x = make_signal("impulse", 256).numpy()
    np.testing.assert_allclose(conv, np.convolve(np.pad(x, 1), [1, 2, 3], "valid"))
    assert any("does **not** flip" in str(i.value) for i in at.info)
    at = open_page("signals", sig_flip="true")
    assert any("symmetric" in str(i.value) for i in at.info)


def test_listen():
    at = open_page("signals", sig_view="listen")
    assert len(at.get("audio")) == 2
    at = open_page("signals", sig_source="temperature", sig_view="listen")
    assert not at.get("audio") and any("not a sound" in str(i.value) for i in at.info)


def test_csv_upload_with_several_columns():
    data = b"day,low,high\n" + b"".join(f"{i},{i % 7},{10 + i % 3}\n".encode() for i in range(50))
    at = open_page("signals")
    at.sidebar.get("file_uploader")[0].set_value(("weather.csv", data, "text/csv")).run()
    ok(at)
    assert metric(at, "Input") == "N = 50"
    assert at.selectbox(key="sig_column").options == ["day", "low", "high"]
    at.selectbox(key="sig_column").set_value("high").run()
    fig = figure(at, "sig_time")
    assert fig["data"][0]["y"] == [10 + i % 3 for i in range(50)]


def test_wav_upload_can_be_heard():
    data = wav_bytes((np.sin(np.arange(8000) / 3) * 10000).astype(np.int16), 2, 8000)
    at = open_page("signals", sig_view="listen")
    at.sidebar.get("file_uploader")[0].set_value(("tone.wav", data, "audio/wav")).run()
    ok(at)
    assert metric(at, "Input") == "N = 8000" and len(at.get("audio")) == 2


def test_a_bad_file_keeps_the_last_good_signal():
    at = open_page("signals")
    good = b"v\n" + b"".join(f"{i}\n".encode() for i in range(40))
    at.sidebar.get("file_uploader")[0].set_value(("good.csv", good, "text/csv")).run()
    assert metric(at, "Input") == "N = 40"
    at.sidebar.get("file_uploader")[0].set_value(("bad.wav", b"RIFF\x00\x00junkjunk", "audio/wav")).run()
    ok(at)
    assert any("is not a PCM WAV file" in str(e.value) for e in at.error)
    assert metric(at, "Input") == "N = 40"


def test_a_link_to_an_upload_this_server_does_not_have():
    at = open_page("signals", sig_source="upload")
    ok(at)
    assert any("does not have it" in str(w.value) for w in at.warning)
    assert metric(at, "Input") == "N = 256"


def test_bad_link_values_fall_back_and_are_named():
    at = open_page("signals", sig_kernel="<b>x</b>", sig_size="999", sig_mode="nope")
    ok(at)
    assert at.selectbox(key="sig_kernel").value == "box" and metric(at, "Kernel") == "K = 9"
    (notice,) = [i for i in at.info if "not valid" in str(i.value)]
    assert "sig_kernel" in str(notice.value) and "sig_mode" in str(notice.value) and "sig_size" in str(notice.value)


def test_chinese():
    at = open_page("signals", lang="zh", sig_view="frequency")
    ok(at)
    assert at.title[0].value == "信号滤波：一维卷积"
    assert "输入" in _numbers(at)
    assert not [s for s in texts(at) if s.startswith("sig.")]


def test_no_negative_lengths_and_predict_first_hides_every_answer():
    at = open_page("signals", sig_length="16", sig_size="63")
    (modes,) = [c for c in texts(at) if c.startswith("Each mode:")]
    assert "valid: no output" in modes and "-46" not in modes
    at = open_page("signals", predict="1", sig_source="impulse", sig_noise="0", sig_size="15", sig_mode="valid")
    (modes,) = [c for c in texts(at) if c.startswith("Each mode:")]
    assert modes.count("?") == 3 and not any(c.isdigit() for c in modes)  # every mode's length hidden
    assert metric(at, "Output length") == "?"
    assert figure(at, "sig_window")["data"][4]["text"] == ["y[120] = ?"]
    (line,) = [s for s in texts(at) if s.startswith("**y[120]**")]
    assert line.count("?") == 2


def test_listen_plays_both_clips_on_one_scale():
    import io
    import wave

    at = open_page("signals", sig_view="listen", sig_size="31")
    assert len(at.get("audio")) == 2
    from components.compute.signals import filter_signal, make_kernel
    from components.ui.signals.views import _wav

    x = make_signal("noisy_sine", 16000, 0.3, 0)
    y = filter_signal(x, make_kernel("box", 31), "same", "zeros").output
    peak = float(max(x.abs().max(), y.abs().max()))
    loud = []
    for v in (x, y):
        with wave.open(io.BytesIO(_wav(v, 8000, peak))) as clip:
            loud.append(np.frombuffer(clip.readframes(16000), "<i2"))
    assert abs(loud[0]).max() == 32767 and abs(loud[1]).max() < 0.6 * 32767  # the smoothed clip is quieter
