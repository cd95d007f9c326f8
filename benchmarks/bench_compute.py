"""Budget 1: our convolution of a 1024×1024 RGB photo within 1.5× of the faster plain ``F.conv2d`` layout."""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from benchmarks.common import Check, Report, photo_1024, summary
from components.compute.convolution import ConvGeometry, convolve, to_grayscale
from components.compute.images import decode_image, to_tensor

KERNEL_SIZES = (3, 7, 11)
WARMUP, RUNS = 5, 21
BUDGET_RATIO = 1.5
THREADS = 2  # as app/main.py sets


def _median_ms(fns: dict[str, Callable[[], object]], runs: int = RUNS, warmup: int = WARMUP) -> dict[str, float]:
    """Median wall time of each function; calls are interleaved so load spikes hit all alike."""
    names = list(fns)
    for _ in range(warmup):
        for name in names:
            fns[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        order = names[i % len(names) :] + names[: i % len(names)]
        for name in order:
            start = time.perf_counter()
            fns[name]()
            samples[name].append((time.perf_counter() - start) * 1e3)
    return {name: summary(s)["median"] for name, s in samples.items()}


def run() -> Report:
    torch.set_num_threads(THREADS)
    report = Report("compute", "Compute: depthwise conv of a 1024×1024 RGB photo")
    pixels = decode_image(photo_1024()).pixels
    image = to_tensor(pixels)  # (3, H, W) float, channels-last strides, as the app builds it
    x = image.unsqueeze(0).contiguous()  # default layout
    x_cl = x.contiguous(memory_format=torch.channels_last)  # canonical channels-last copy
    # What `convolve` gets when it calls .contiguous(channels_last) on the app's tensor: a no-op view whose
    # batch stride is 3 (not C*H*W), so torch's layout heuristic does not recognise it as channels-last.
    x_view = image.unsqueeze(0).contiguous(memory_format=torch.channels_last)
    gen = torch.Generator().manual_seed(0)
    rows = []
    report.lines.append(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; median of {RUNS} (after {WARMUP} warm-up), ms"
    )
    report.lines.append(
        "   k │   ours │ conv2d contiguous │ conv2d channels-last │ ours/best │ info: conv2d on app's view†"
    )
    for k in KERNEL_SIZES:
        kernel = torch.randn(k, k, generator=gen)
        g = ConvGeometry(kernel_size=k, padding=k // 2)
        weight = kernel.expand(3, 1, k, k).contiguous()
        fns = {
            "ours": lambda kernel=kernel, g=g: convolve(image, kernel, g),
            "contiguous": lambda w=weight, k=k: F.conv2d(x, w, padding=k // 2, groups=3),
            "channels_last": lambda w=weight, k=k: F.conv2d(x_cl, w, padding=k // 2, groups=3),
            "app_view": lambda w=weight, k=k: F.conv2d(x_view, w, padding=k // 2, groups=3),
        }
        diff = float((convolve(image, kernel, g) - fns["contiguous"]()[0]).abs().max())
        ms = _median_ms(fns)
        best = min(ms["contiguous"], ms["channels_last"])
        ratio = ms["ours"] / best
        rows.append({"k": k, **{f"{n}_ms": round(v, 3) for n, v in ms.items()}, "ratio": ratio, "max_abs_diff": diff})
        report.checks.append(Check(f"k={k:<2} ours / faster conv2d", ratio, BUDGET_RATIO, "×"))
        report.lines.append(
            f"  {k:>2} │ {ms['ours']:>6.1f} │ {ms['contiguous']:>17.1f} │ {ms['channels_last']:>20.1f} │"
            f" {ratio:>8.1f}× │ {ms['app_view']:>6.1f}"
        )
        if diff > 1e-4:
            report.lines.append(f"  !! k={k}: ours differs from conv2d by {diff:.2e}")

    # Grayscale (information only): `convolve` runs it as 3 identical channels.
    kernel = torch.randn(3, 3, generator=gen)
    g = ConvGeometry(kernel_size=3, padding=1)
    gray = to_grayscale(image)
    ms = _median_ms({"gray": lambda: convolve(gray, kernel, g), "to_grayscale": lambda: to_grayscale(image)})
    report.lines.append(
        f"  info: k=3 grayscale input: ours {ms['gray']:.1f} ms (+ to_grayscale {ms['to_grayscale']:.1f} ms)"
    )
    report.lines.append(
        "  † app's tensor after .contiguous(channels_last): strides "
        f"{tuple(x_view.stride())} (a no-op view; canonical channels-last is {tuple(x_cl.stride())})"
    )
    report.data = {
        "threads": torch.get_num_threads(),
        "runs": RUNS,
        "warmup": WARMUP,
        "rgb": rows,
        "gray_k3_ms": round(ms["gray"], 3),
        "to_grayscale_ms": round(ms["to_grayscale"], 3),
        "app_view_strides": list(x_view.stride()),
    }
    return report
