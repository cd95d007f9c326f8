"""The Signals page's "PyTorch code": the signal, the kernel, ``F.pad`` + ``F.conv1d``, the inspected sample."""

from __future__ import annotations

from dataclasses import dataclass

from components.compute.signals import (
    CHIRP_FROM,
    CHIRP_TO,
    FIXED,
    SINE_PERIOD,
    SQUARE_PERIOD,
    SignalSettings,
    pad_amounts,
)


@dataclass(frozen=True)
class FileSource:
    """Where an uploaded signal came from, to read it again.

    Attributes:
        name: the file's name (the code opens it from the working directory).
        column: the CSV column's 0-based position; ``None``: a WAV file.
        header: the CSV's first non-blank row holds the names.
        delimiter: the CSV delimiter.
        width: WAV bytes per sample.
    """

    name: str
    column: int | None = None
    header: bool = False
    delimiter: str = ","
    width: int = 2


_SYNTHETIC = {
    "noisy_sine": [f"x = torch.sin(2 * math.pi * n / {SINE_PERIOD})  # a period of {SINE_PERIOD} samples"],
    "square": [f"x = torch.where(n % {SQUARE_PERIOD} < {SQUARE_PERIOD / 2:g}, 1.0, -1.0).double()"],
    "impulse": ["x = torch.zeros(N, dtype=torch.float64)", "x[N // 2] = 1.0  # one sample: the output is the kernel"],
    "random_walk": ["x = 100 + torch.cumsum(torch.randn(N, generator=g, dtype=torch.float64), 0)  # a 'stock price'"],
    "temperature": ["x = 12 - 10 * torch.cos(2 * math.pi * (n - 15) / 365)  # daily mean temperature, °C"],
}


def _synthetic(s: SignalSettings) -> list[str]:
    body = _SYNTHETIC.get(s.source) or [
        f"rate = ({CHIRP_TO} - {CHIRP_FROM}) / (N - 1)  # the frequency grows by this much per sample",
        f"x = torch.sin(2 * math.pi * ({CHIRP_FROM} * n + rate * n**2 / 2))",
    ]
    return [
        f"N = {s.length}",
        f"g = torch.Generator().manual_seed({s.seed})",
        "n = torch.arange(N, dtype=torch.float64)",
        *body,
        f"x = x + {s.noise!r} * torch.randn(N, generator=g, dtype=torch.float64)  # noise",
    ]


def _from_file(f: FileSource) -> list[str]:
    if f.column is None:
        dtype = {1: "np.uint8", 2: "'<i2'", 4: "'<i4'"}.get(f.width)
        lines = [
            f"with wave.open({f.name!r}) as w:  # a PCM WAV file, at most 10 s of it",
            "    channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()",
            "    raw = w.readframes(min(w.getnframes(), int(10.0 * rate)))",
        ]
        if dtype is None:  # 24 bit: three bytes per sample, widened to 32
            lines += [
                "b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)",
                "samples = (b[:, 0] | b[:, 1] << 8 | b[:, 2] << 16) << 8",
                "scale = 2.0**31",
            ]
        else:
            lines.append(f"samples = np.frombuffer(raw, dtype={dtype}).astype(np.float64)")
            lines += ["samples = samples - 128.0  # 8-bit WAV is unsigned"] if f.width == 1 else []
            lines.append(f"scale = 2.0**{8 * f.width - 1}")
        return [*lines, "x = torch.from_numpy(samples.astype(np.float64).reshape(-1, channels).mean(axis=1) / scale)"]
    j = f.column
    return [
        f"with open({f.name!r}, newline='', encoding='utf-8-sig') as file:",
        f"    rows = [r for r in csv.reader(file, delimiter={f.delimiter!r}) if any(c.strip() for c in r)]",
        *(["rows = rows[1:]  # the first row holds the names"] if f.header else []),
        f"cells = [r[{j}] if len(r) > {j} else '' for r in rows]  # column {j + 1}",
        "x = torch.tensor([float(c) for c in cells if c.strip()], dtype=torch.float64)",
    ]


def _kernel(kind: str, size: int, sigma: float, weights: list[float], normalise: str) -> list[str]:
    if kind == "box":
        lines = [f"w = torch.full(({size},), 1 / {size}, dtype=torch.float64)  # moving average"]
    elif kind == "gaussian":
        lines = [
            f"j = torch.arange({size}, dtype=torch.float64) - {(size - 1) / 2!r}",
            f"w = torch.exp(-(j**2) / (2 * {sigma!r}**2))",
            "w = w / w.sum()  # a Gaussian, summing to 1",
        ]
    elif kind in FIXED:
        lines = [f"w = torch.tensor({list(FIXED[kind])!r}, dtype=torch.float64)"]
    else:
        lines = [f"w = torch.tensor({weights!r}, dtype=torch.float64)  # the typed weights"]
    if normalise == "sum1":
        lines.append("w = w / w.sum()  # normalised: the weights sum to 1")
    elif normalise == "sum0":
        lines.append("w = w - w.mean()  # normalised: the weights sum to 0")
    return lines


def _convolve() -> list[str]:
    return [
        "# True convolution flips the kernel first: np.convolve(x_pad, w) == F.conv1d(x_pad, w.flip(0))",
        "y_convolve = torch.from_numpy(np.convolve(x_pad.view(-1).numpy(), w.numpy(), mode='valid'))",
        "print('max |conv1d - np.convolve| =', (y - y_convolve).abs().max().item())",
    ]


def signals_code(s: SignalSettings, weights: list[float], position: int, file: FileSource | None = None) -> str:
    """Runnable code that computes the page's output ``y`` (and prints the inspected sample ``y[position]``).

    Args:
        s: the page's settings (``source``, ``kernel``, ``mode``, ``padding``, ``flip`` ...).
        weights: the typed weights (``s.kernel == "typed"``), as parsed.
        position: the inspected output sample.
        file: the upload's source when ``s.source == "upload"``.
    """
    k = len(weights) if s.kernel == "typed" else (s.size if s.kernel in ("box", "gaussian") else len(FIXED[s.kernel]))
    left, right = pad_amounts(k, s.mode)
    numpy = s.flip or (file is not None and file.column is None)
    head = ["import math"] if file is None else (["import csv"] if file.column is not None else ["import wave"])
    head += ["", *(["import numpy as np"] if numpy else []), "import torch", "import torch.nn.functional as F"]
    mode = "constant" if s.padding == "zeros" else s.padding
    pad_line = (
        f"x_pad = F.pad(x.view(1, 1, -1), ({left}, {right}), mode={mode!r})  # {s.mode!r}: {left} left, {right} right"
        if left or right
        else f"x_pad = x.view(1, 1, -1)  # {s.mode!r}: no padding"
    )
    lines = [
        *head,
        "",
        *(_from_file(file) if file is not None else _synthetic(s)),
        "",
        *_kernel(s.kernel, s.size, s.sigma, weights, s.normalise),
        "",
        pad_line,
        "y = F.conv1d(x_pad, w.view(1, 1, -1)).view(-1)  # cross-correlation: w is not flipped (as in nn.Conv1d)",
        *(_convolve() if s.flip else []),
        "",
        "print(x.shape, w.shape, '->', y.shape)",
        f"window = x_pad.view(-1)[{position} : {position} + len(w)]",
        f"print('y[{position}] =', y[{position}].item(), '= sum of products', (window * w).sum().item())",
        "H = torch.fft.rfft(w, n=512).abs()  # the kernel's gain at each frequency (0 to 0.5 cycles per sample)",
        "print('gain at f = 0:', H[0].item(), ' at f = 0.5:', H[-1].item())",
    ]
    return "\n".join(lines) + "\n"
