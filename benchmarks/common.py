"""Shared pieces: result records, statistics, the 1024×1024 test photo."""

from __future__ import annotations

import io
import json
import os
import statistics
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ASTRONAUT = ROOT / "assets" / "images" / "astronaut.jpg"
PHOTO_SIDE = 1024


@dataclass
class Check:
    """One number against its budget (smaller is better; with ``at_least``, larger is: a rate)."""

    label: str
    value: float
    budget: float
    unit: str = "ms"
    at_least: bool = False

    @property
    def passed(self) -> bool:
        return self.value >= self.budget if self.at_least else self.value <= self.budget

    @property
    def relation(self) -> str:
        return "≥" if self.at_least else "≤"

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": round(self.value, 3),
            "budget": self.budget,
            "unit": self.unit,
            "at_least": self.at_least,
            "pass": self.passed,
        }


@dataclass
class Report:
    """What one benchmark hands back: budget checks, extra lines to print, raw data for JSON."""

    name: str
    title: str
    checks: list[Check] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None

    @classmethod
    def from_json(cls, text: str) -> Report:
        raw = json.loads(text)
        raw["checks"] = [Check(**c) for c in raw["checks"]]
        return cls(**raw)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "checks": [c.as_dict() for c in self.checks],
            "notes": self.lines,
            "data": self.data,
            "seconds": round(self.seconds, 1),
            "error": self.error,
        }


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile, ``q`` in ``[0, 100]`` (NumPy's default method)."""
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summary(values: list[float]) -> dict[str, float]:
    """Median, p90, p95, min, max of a list of samples (same unit as the samples)."""
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p90": percentile(values, 90),
        "p95": percentile(values, 95),
        "min": min(values),
        "max": max(values),
    }


def load_average() -> tuple[float, ...]:
    """1, 5 and 15 minute load averages (other work on the 2 cores skews every number)."""
    return tuple(round(x, 2) for x in os.getloadavg())


@cache
def photo_1024() -> bytes:
    """The 512×512 astronaut upscaled to 1024×1024 (LANCZOS) as a JPEG, quality 90."""
    from PIL import Image

    with Image.open(ASTRONAUT) as img:
        big = img.convert("RGB").resize((PHOTO_SIDE, PHOTO_SIDE), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    big.save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def photo_file(folder: Path) -> Path:
    """``photo_1024()`` written to ``folder`` (for the browser's file input)."""
    path = folder / f"astronaut_{PHOTO_SIDE}.jpg"
    path.write_bytes(photo_1024())
    return path
