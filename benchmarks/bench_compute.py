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


def _timings(fns: dict[str, Callable[[], object]], runs: int = RUNS, warmup: int = WARMUP) -> dict[str, dict]:
    """Wall-time summary (ms) of each function, each timed in its own block after its own warm-up.

    Not interleaved: a 60 ms default-layout conv2d evicts the caches and would
    tax whichever call follows it (measured: 2 ms becomes 6-9 ms), which is
    not what a page rerun sees. Two passes, keeping each function's faster
    median, damp load spikes from elsewhere on the machine.
    """
    best: dict[str, dict] = {}
    for _ in range(2):
        for name, fn in fns.items():
            for _ in range(warmup):
                fn()
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                fn()
                samples.append((time.perf_counter() - start) * 1e3)
            result = summary(samples)
            if name not in best or result["median"] < best[name]["median"]:
                best[name] = result
    return best


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
        f"  torch {torch.__version__}, {torch.get_num_threads()} threads; median of {RUNS} (after {WARMUP} warm-up), ms"
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
        timings = _timings(fns)
        ms = {name: t["median"] for name, t in timings.items()}
        best = min(ms["contiguous"], ms["channels_last"])
        ratio = ms["ours"] / best
        rows.append({"k": k, "ratio": ratio, "max_abs_diff": diff, "ms": timings})
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
    timings = _timings({"gray": lambda: convolve(gray, kernel, g), "to_grayscale": lambda: to_grayscale(image)})
    ms = {name: t["median"] for name, t in timings.items()}
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
        "gray_k3_ms": timings["gray"],
        "to_grayscale_ms": timings["to_grayscale"],
        "app_view_strides": list(x_view.stride()),
    }
    return report
