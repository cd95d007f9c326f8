"""A user's own signal: a numeric column of a CSV file, or a short WAV recording.

Both are parsed strictly from bytes (``csv`` and ``wave`` from the standard library, never evaluated) and
bounded before any work: the file size, the rows, the seconds of audio.
"""

from __future__ import annotations

import csv
import io
import math
import struct
import wave
from dataclasses import dataclass, field

import numpy as np
import torch

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 50
MAX_SECONDS = 10.0  # of a WAV file: longer recordings are cut (and the page says so)
MIN_SAMPLES = 16


class SignalFileError(ValueError):
    """A file that is not a usable signal: ``reason`` is a catalog key (``sig.file_error.<reason>``)."""

    def __init__(self, reason: str, message: str, **detail: object):
        super().__init__(message)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class SignalFile:
    """Attributes:
    columns: name -> ``(N,)`` float64 values (a WAV file has one, ``"audio"``).
    rate: samples per second (WAV), else ``None``.
    cut: the recording was longer than ``MAX_SECONDS`` and was cut to it.
    skipped: blank cells left out of the columns (CSV).
    index: name -> the column's 0-based position in the file (CSV).
    header: the first non-blank row held the names (CSV).
    delimiter: the CSV's delimiter.
    width: bytes per sample (WAV).
    """

    columns: dict[str, torch.Tensor]
    rate: int | None = None
    cut: bool = False
    skipped: int = 0
    index: dict[str, int] = field(default_factory=dict)
    header: bool = False
    delimiter: str = ","
    width: int = 0


def read_signal_file(data: bytes, name: str) -> SignalFile:
    """A ``.wav`` file by its name (and its ``RIFF`` header), anything else as CSV text."""
    if not data:
        raise SignalFileError("empty", f"the file is empty. Got 0 bytes from {name!r}")
    if len(data) > MAX_BYTES:
        raise SignalFileError("too_big", f"files up to {MAX_BYTES} bytes. Got {len(data)}", size=len(data))
    if data[:4] == b"RIFF" or name.lower().endswith(".wav"):
        return read_wav(data)
    return read_csv(data)


def _number(cell: str) -> float | None:
    """A cell's number, ``None`` for a blank cell; raises ``ValueError`` for anything else."""
    s = cell.strip()
    if not s:
        return None
    v = float(s)  # "1e3", "-2.5", " 7 ": numbers only; "nan" and "inf" are refused below
    if not math.isfinite(v):
        raise ValueError(s)
    return v


def read_csv(data: bytes) -> SignalFile:
    """The numeric columns of a CSV (or one-number-per-line) text: a first row with any non-number is the
    header; a column is numeric when every non-blank cell below the header is a finite number."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SignalFileError("not_text", f"a CSV file must be UTF-8 text. Got {err.reason}") from err
    if "\x00" in text:
        raise SignalFileError("not_text", "a CSV file must be text. Got a NUL byte")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ("\t" if "\t" in sample else ",")
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)]
    if len(rows) > MAX_ROWS + 1:
        raise SignalFileError("too_many_rows", f"at most {MAX_ROWS} rows. Got {len(rows)}", rows=len(rows))
    if not rows:
        raise SignalFileError("no_numbers", "the file holds no numbers. Got only blank lines")
    width = min(max(len(r) for r in rows), MAX_COLUMNS)
    header = rows[0]
    try:
        for cell in header:
            _number(cell)
        names, body, header_row = [f"{j + 1}" for j in range(width)], rows, False
    except ValueError:
        names = [(header[j].strip() if j < len(header) else "") or f"{j + 1}" for j in range(width)]
        body, header_row = rows[1:], True
    columns, index, skipped = {}, {}, 0
    for j, name in enumerate(names):
        try:
            cells = [_number(r[j]) if j < len(r) else None for r in body]
        except ValueError:
            continue  # a text column (dates, labels): not a signal
        values = [v for v in cells if v is not None]
        if len(values) >= MIN_SAMPLES:
            name = name if name not in columns else f"{name} ({j + 1})"
            columns[name], index[name] = torch.tensor(values, dtype=torch.float64), j
            skipped += len(cells) - len(values)
    if not columns:
        raise SignalFileError("no_numbers", f"no column holds {MIN_SAMPLES} or more numbers. Got {len(body)} rows")
    return SignalFile(columns, skipped=skipped, index=index, header=header_row, delimiter=delimiter)


_WIDTHS = {1: np.uint8, 2: np.int16, 4: np.int32}


def read_wav(data: bytes) -> SignalFile:
    """A PCM WAV file (8, 16, 24 or 32 bit, any channels: averaged to mono) as floats in [-1, 1], at most
    ``MAX_SECONDS`` of it."""
    try:
        with wave.open(io.BytesIO(data)) as f:
            channels, width, rate, frames = f.getnchannels(), f.getsampwidth(), f.getframerate(), f.getnframes()
            if not 1 <= rate <= 384_000 or not 1 <= channels <= 16 or width not in (1, 2, 3, 4):
                raise SignalFileError("wav_format", f"unsupported WAV: {channels} ch, {width} B, {rate} Hz")
            keep = min(frames, int(MAX_SECONDS * rate))
            raw = f.readframes(keep)
    except (wave.Error, EOFError, struct.error) as err:
        raise SignalFileError("wav_broken", f"not a PCM WAV file. Got: {err}") from err
    count = len(raw) // (width * channels)
    if count < MIN_SAMPLES:
        raise SignalFileError("no_numbers", f"a WAV needs {MIN_SAMPLES} samples or more. Got {count}")
    raw = raw[: count * width * channels]
    if width == 3:  # 24-bit little-endian: widen to 32 bits
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        samples = (b[:, 0].astype(np.int32) | b[:, 1].astype(np.int32) << 8 | b[:, 2].astype(np.int32) << 16) << 8
        scale = 2.0**31
    else:
        samples = np.frombuffer(raw, dtype=np.dtype(_WIDTHS[width]).newbyteorder("<")).astype(np.float64)
        if width == 1:
            samples = samples - 128.0  # 8-bit WAV is unsigned
        scale = 2.0 ** (8 * width - 1)
    mono = samples.astype(np.float64).reshape(count, channels).mean(axis=1) / scale
    return SignalFile({"audio": torch.from_numpy(mono)}, rate=rate, cut=keep < frames, width=width)
