"""Script-run timings for the benchmarks: with ``ML_PLAYGROUND_TIMINGS=<file>`` every run appends one JSON line
(page, wall-clock start and end in epoch ms, the script thread's CPU ms). Off (one environment lookup) otherwise.

The browser's ``performance.timeOrigin + performance.now()`` is on the same clock, so ``benchmarks/bench_controls``
places each run between the key press and the painted page.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass

TIMINGS = "ML_PLAYGROUND_TIMINGS"


@dataclass
class Run:
    page: str
    start_ms: float
    cpu_s: float

    def end(self) -> None:
        path = os.environ.get(TIMINGS)
        if not path:
            return
        row = {
            "page": self.page,
            "start": self.start_ms,
            "end": time.time() * 1000,
            "cpu_ms": (time.thread_time() - self.cpu_s) * 1000,
        }
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


def begin(page: str) -> Run:
    return Run(page, time.time() * 1000, time.thread_time())
