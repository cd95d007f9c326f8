"""components.compute.signal_files: good CSV and WAV files read right, bad ones refused with a reason."""

from __future__ import annotations

import io
import struct
import wave

import numpy as np
import pytest

from components.compute.signal_files import MAX_ROWS, SignalFileError, read_signal_file, read_wav


def wav_bytes(samples: np.ndarray, width: int = 2, rate: int = 8000, channels: int = 1) -> bytes:
    """PCM ``samples`` (ints of the width's range, shape ``(n,)`` or ``(n, channels)``) as a WAV file."""
    if width == 3:
        raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in samples.ravel())
    else:
        dtype = {1: np.uint8, 2: "<i2", 4: "<i4"}[width]
        raw = np.asarray(samples, dtype=dtype).tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as f:
        f.setnchannels(channels)
        f.setsampwidth(width)
        f.setframerate(rate)
        f.writeframes(raw)
    return buf.getvalue()


def test_csv_with_a_header_keeps_its_numeric_columns():
    text = "date,price,label,volume\n" + "".join(f"2024-01-{i:02d},{100 + i * 0.5},x,{i}\n" for i in range(1, 21))
    f = read_signal_file(text.encode(), "prices.csv")
    assert list(f.columns) == ["price", "volume"] and f.header and f.delimiter == ","
    assert f.columns["price"].tolist() == [100 + i * 0.5 for i in range(1, 21)]
    assert f.index == {"price": 1, "volume": 3}


def test_csv_without_header_semicolons_bom_and_blank_cells():
    rows = [f"{i};{i * i}" if i != 5 else f"{i};" for i in range(30)]
    f = read_signal_file(("\ufeff" + "\n".join(rows) + "\n\n").encode("utf-8"), "data.csv")
    assert not f.header and f.delimiter == ";" and list(f.columns) == ["1", "2"]
    assert f.columns["1"].tolist() == list(range(30))
    assert f.columns["2"].tolist() == [i * i for i in range(30) if i != 5] and f.skipped == 1


def test_one_number_per_line():
    f = read_signal_file("\n".join(str(v) for v in np.linspace(-1, 1, 50)).encode(), "x.txt")
    np.testing.assert_allclose(f.columns["1"].numpy(), np.linspace(-1, 1, 50))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00\x01garbage", "not_text"),
        (b"a,b\n1,2\n", "no_numbers"),  # too few numbers
        (b"name,city\nann,paris\n" * 20, "no_numbers"),
        (b"1\x00\n" * 40, "not_text"),
        (b"x,y\n" + b"a,nan\n" * 20, "no_numbers"),  # text, and a column with a NaN
        (b"0\n" * (MAX_ROWS + 5), "too_many_rows"),
        (b"0" * (21 * 1024 * 1024), "too_big"),
    ],
)
def test_bad_csv_files_say_why(data, reason):
    with pytest.raises(SignalFileError) as err:
        read_signal_file(data, "bad.csv")
    assert err.value.reason == reason


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_wav_of_every_pcm_width_reads_as_floats_in_minus_one_to_one(width):
    full = 2 ** (8 * width - 1)
    ints = np.array([0, full // 2, -full // 2, full - 1, -full] * 10, dtype=np.int64)
    stored = ints + 128 if width == 1 else ints
    f = read_signal_file(wav_bytes(stored, width, 11025), "clip.wav")
    assert f.rate == 11025 and f.width == width and not f.cut
    np.testing.assert_allclose(f.columns["audio"].numpy(), ints / full, atol=1e-12)


def test_stereo_is_averaged_to_mono():
    left, right = np.arange(40) * 100, -np.arange(40) * 50
    f = read_wav(wav_bytes(np.stack([left, right], 1), 2, 8000, channels=2))
    np.testing.assert_allclose(f.columns["audio"].numpy(), (left + right) / 2 / 32768)


def test_long_recordings_are_cut_to_ten_seconds():
    f = read_wav(wav_bytes(np.zeros(8000 * 12, dtype=np.int16), 2, 8000))
    assert f.cut and len(f.columns["audio"]) == 80000


def _float_wav() -> bytes:
    data = np.zeros(100, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, 8000, 32000, 4, 32)
    return b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<I", 16) + fmt + b"data" + \
        struct.pack("<I", len(data)) + data  # fmt: skip


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_float_wav(), "wav_broken"),  # IEEE float: not PCM
        (b"RIFF\x10\x00\x00\x00WAVEjunk", "wav_broken"),
        (wav_bytes(np.zeros(5, dtype=np.int16)), "no_numbers"),
    ],
)
def test_bad_wav_files_say_why(data, reason):
    with pytest.raises(SignalFileError) as err:
        read_signal_file(data, "clip.wav")
    assert err.value.reason == reason


def test_a_truncated_wav_reads_what_is_there():
    data = wav_bytes(np.arange(1000, dtype=np.int16))
    f = read_signal_file(data[: len(data) - 1001], "clip.wav")  # half the samples and half a sample gone
    assert 400 < len(f.columns["audio"]) < 1000
