"""Run the speed benchmarks and print each number beside its budget.

Usage (from the repository root):
``python -m benchmarks [compute] [rerun] [browser] [controls] [startup] [descent] [overfitting] [training]``
(default: all, in that order). Results also go to ``benchmarks/results/latest.json``.
Exit code 0 unless a benchmark crashed; a missed budget is a result, not a failure.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import Report, load_average  # noqa: E402

BENCHMARKS = {
    "compute": "benchmarks.bench_compute",
    "rerun": "benchmarks.bench_rerun",
    "browser": "benchmarks.bench_browser",
    "controls": "benchmarks.bench_controls",
    "startup": "benchmarks.bench_startup",
    "descent": "benchmarks.bench_descent",
    "overfitting": "benchmarks.bench_overfitting",
    "training": "benchmarks.bench_training",
    "classroom": "benchmarks.bench_classroom",
}
SLOW = {"classroom"}  # minutes long: only when named (`make classroom`), not in the default run
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"


def _fmt(value: float, unit: str) -> str:
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "count":
        return f"{value:.0f}"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "epochs/s":
        return f"{value:.0f} epochs/s"
    if unit == "redraws/s":
        return f"{value:.1f} redraws/s"
    return f"{value:.1f} ms"  # one decimal, so a MISS by a hair does not read "150 ms ≤ 150 ms"


def print_report(i: int, report: Report) -> None:
    print(f"\n[{i}] {report.title}  ({report.seconds:.0f} s)")
    if report.error:
        print(f"  CRASHED: {report.error.strip().splitlines()[-1]}")
        print("  " + report.error.strip().replace("\n", "\n  "))
    for c in report.checks:
        verdict = "PASS" if c.passed else "MISS"
        print(f"  {verdict}  {c.label:<46} {_fmt(c.value, c.unit):>10}   budget {c.relation} {_fmt(c.budget, c.unit)}")
    for line in report.lines:
        print(line)
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    unknown = [a for a in argv if a not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}", file=sys.stderr)
        return 2
    names = argv or [b for b in BENCHMARKS if b not in SLOW]
    load_before = load_average()
    print(
        f"ML Playground speed benchmarks · {datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · "
        f"{os.cpu_count()} CPUs · Python {platform.python_version()} · load avg {load_before[0]:.2f}"
    )
    if load_before[0] > 0.7:
        print("  note: the machine is already busy (load average above); numbers will be pessimistic")
    reports: list[Report] = []
    for i, name in enumerate(names, 1):
        start = time.perf_counter()
        try:
            report = importlib.import_module(BENCHMARKS[name]).run()
        except Exception:
            report = Report(name, name, error=traceback.format_exc())
        report.seconds = time.perf_counter() - start
        reports.append(report)
        print_report(i, report)

    checks = [c for r in reports for c in r.checks]
    crashed = [r.name for r in reports if r.error]
    passed = sum(c.passed for c in checks)
    total_s = sum(r.seconds for r in reports)
    print(
        f"\nSummary: {passed}/{len(checks)} budgets met"
        + (f", crashed: {', '.join(crashed)}" if crashed else "")
        + f" · {total_s:.0f} s · load avg {load_before[0]:.2f} → {load_average()[0]:.2f}"
    )
    for c in checks:
        if not c.passed:
            print(f"  MISS {c.label}: {_fmt(c.value, c.unit)} (budget {c.relation} {_fmt(c.budget, c.unit)})")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": {"before": load_before, "after": load_average()},
        "summary": {"budgets": len(checks), "met": passed, "crashed": crashed},
        "benchmarks": {r.name: r.as_dict() for r in reports},
    }
    RESULTS.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"Results: {RESULTS.relative_to(ROOT)}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
