"""Budget 2: one Convolution page rerun (stride slider moved, 1024×1024 upload) through ``AppTest``.

Runs in a fresh interpreter (``python -m benchmarks.bench_rerun``) so that the heap, the
``gc.freeze()`` in app/main.py and Streamlit's caches do not depend on what ran before in
``python -m benchmarks``. ``AppTest`` does not run Streamlit's post-script ``gc.collect(2)``
(``runner.postScriptGC``), which a real server runs after every script run, so it is timed
separately and also reported added to the run.
"""

from __future__ import annotations

import ast
import cProfile
import gc
import importlib
import pstats
import subprocess
import sys
import time
from collections import defaultdict
from typing import Any

from benchmarks.common import PHOTO_SIDE, ROOT, Check, Report, photo_1024, summary

BUDGET_MS = 60.0
RERUNS = 30
COLD_RUNS = 6
PROFILED_RUNS = 6
STRIDES = (2, 1, 3, 1)  # cycled; every value is cached after the warm-up pass
INPUT_METRIC = "Input W×H"  # assets/i18n/en.toml conv.metric_input
OUTPUT_METRIC = "Output W×H"
SUBPROCESS_TIMEOUT_S = 300


class _ScriptTimer:
    """Wraps ``ScriptRunner._run_script`` (the script thread's whole run, as in a server) to time it
    and, when asked, profile it: cProfile only sees the thread it is enabled in."""

    def __init__(self) -> None:
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        self.cls = ScriptRunner
        self.original = ScriptRunner._run_script
        self.times: list[float] = []
        self.profile: cProfile.Profile | None = None
        timer = self

        def timed(runner: Any, rerun_data: Any) -> None:
            prof = timer.profile
            start = time.perf_counter()
            if prof is not None:
                prof.enable()
            try:
                timer.original(runner, rerun_data)
            finally:
                if prof is not None:
                    prof.disable()
                timer.times.append((time.perf_counter() - start) * 1e3)

        ScriptRunner._run_script = timed

    def restore(self) -> None:
        self.cls._run_script = self.original


def _metric(at: Any, label: str) -> str | None:
    return next((m.value for m in at.metric if m.label == label), None)


def _checked_run(at: Any) -> None:
    at.run()
    if at.exception:
        raise RuntimeError(f"the page raised: {[e.message for e in at.exception]}")


def _setup(at: Any) -> str:
    """Open the Convolution page and upload the photo; returns the input-size metric."""
    _checked_run(at)
    at.switch_page("topics/convolution.py")
    _checked_run(at)
    at.file_uploader(key="conv_upload").set_value((f"astronaut_{PHOTO_SIDE}.jpg", photo_1024(), "image/jpeg"))
    _checked_run(at)
    if at.selectbox(key="conv_image").value != "upload":  # the uploader's on_change normally switches it
        at.selectbox(key="conv_image").set_value("upload")
        _checked_run(at)
    return _metric(at, INPUT_METRIC) or "missing"


AREAS = (
    ("/plotly/", "plotly"),
    ("/_plotly_utils/", "plotly"),
    ("/narwhals/", "plotly"),
    ("/streamlit/", "streamlit"),
    ("/google/protobuf", "streamlit"),
    ("/PIL/", "PIL (image encoding)"),
    ("/torch", "torch"),
    ("/numpy/", "numpy"),
)


def _area(filename: str) -> str | None:
    """Package a profiled function belongs to; ``None`` for built-ins and the standard library."""
    if filename.startswith((str(ROOT / "app"), str(ROOT / "components"))):
        return "our code (app/, components/)"
    for key, area in AREAS:
        if key in filename:
            return area
    if filename == "~" or filename.startswith("<") or "/lib/python3" in filename:
        return None
    return "other"


def _profile_breakdown(prof: cProfile.Profile, runs: int, wall_ms: float) -> tuple[list[str], dict[str, Any]]:
    """Own time by package (built-ins and stdlib charged to the package that called them) and the
    heaviest functions of our code, scaled from profiled to unprofiled time."""
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]

    def owner(func: tuple, seen: frozenset = frozenset()) -> str | None:
        """The package of ``func``, or of the nearest caller (heaviest first) that has one."""
        area = _area(func[0])
        if area is not None or len(seen) > 12:
            return area
        callers = stats.get(func, (0, 0, 0, 0, {}))[4]
        for _, caller in sorted(((c[2], f) for f, c in callers.items() if f not in seen and f != func), reverse=True):
            area = owner(caller, seen | {func})
            if area is not None:
                return area
        return None

    by_area: dict[str, float] = defaultdict(float)
    total = sum(s[2] for s in stats.values())
    for func, (_, _, tt, _, _) in stats.items():
        by_area[owner(func) or "unattributed"] += tt
    per_run = total * 1e3 / runs
    scale = wall_ms / per_run if total else 1.0  # profiler overhead: the shares are what count
    ours = sorted(
        (
            (s[3], f"{name}  ({file.removeprefix(str(ROOT) + '/')}:{line})")
            for (file, line, name), s in stats.items()
            if _area(file) == "our code (app/, components/)" and name != "<module>"
        ),
        reverse=True,
    )[:8]
    builtins = sorted(((s[2], name) for (file, _, name), s in stats.items() if file == "~"), reverse=True)[:3]
    lines = [
        f"  profile of {runs} cached reruns (cProfile in the script thread; {per_run:.0f} ms/rerun profiled, "
        f"scaled to the unprofiled {wall_ms:.0f} ms):",
        "    own time by package (built-ins and stdlib, e.g. copy.deepcopy, charged to their caller):",
    ]
    lines += [
        f"      {area:<30} {tt / total * 100:5.1f} %  ≈ {tt * 1e3 / runs * scale:4.0f} ms"
        for area, tt in sorted(by_area.items(), key=lambda kv: -kv[1])
        if tt / total >= 0.005
    ]
    lines.append("    heaviest functions of our code (cumulative, per rerun):")
    lines += [f"      {ct * 1e3 / runs * scale:4.0f} ms  {name}" for ct, name in ours]
    lines.append("    heaviest built-ins (own time, per rerun):")
    lines += [f"      {tt * 1e3 / runs * scale:4.0f} ms  {name}" for tt, name in builtins]
    data = {
        "profiled_ms_per_rerun": per_run,
        "share_by_area": {a: tt / total for a, tt in by_area.items()},
        "our_functions_ms": {name: ct * 1e3 / runs * scale for ct, name in ours},
        "builtins_ms": {name: tt * 1e3 / runs * scale for tt, name in builtins},
    }
    return lines, data


def _timed_gc(repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        gc.collect(2)
        best = min(best, (time.perf_counter() - start) * 1e3)
    return best


def measure() -> Report:
    """The benchmark proper (in the fresh interpreter)."""
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # AppTest's main-thread queries log "missing ScriptRunContext"
    from streamlit.testing.v1 import AppTest

    report = Report("rerun", "Page rerun (AppTest): stride slider moved, 1024×1024 upload, cached result")
    timer = _ScriptTimer()
    try:
        at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=60)
        size = _setup(at)
        expected = f"{PHOTO_SIDE}×{PHOTO_SIDE}"
        if size != expected:
            raise RuntimeError(f"upload not in use: input metric is {size!r}, expected {expected!r}")
        slider = "conv_stride"
        for stride in STRIDES:  # warm-up: every stride value computed and cached once
            at.slider(key=slider).set_value(stride)
            _checked_run(at)
            gc.collect(2)

        runs, gcs, scripts, wrong = [], [], [], 0
        for i in range(RERUNS):
            stride = STRIDES[i % len(STRIDES)]
            at.slider(key=slider).set_value(stride)
            n_script = len(timer.times)
            start = time.perf_counter()
            at.run()
            runs.append((time.perf_counter() - start) * 1e3)
            start = time.perf_counter()
            gc.collect(2)  # what runner.postScriptGC does in the server after each run
            gcs.append((time.perf_counter() - start) * 1e3)
            scripts.extend(timer.times[n_script:])
            side = -(-PHOTO_SIDE // stride)
            if at.exception or _metric(at, OUTPUT_METRIC) != f"{side}×{side}":
                wrong += 1
        run_s = summary(runs)
        total_s = summary([r + g for r, g in zip(runs, gcs, strict=True)])
        script_s, gc_s = summary(scripts), summary(gcs)
        report.checks += [
            Check("at.run() median", run_s["median"], BUDGET_MS),
            Check("at.run() + post-script gc.collect(2) median", total_s["median"], BUDGET_MS),
        ]
        report.lines += [
            f"  upload check: input metric {size!r} ok; {RERUNS} reruns, strides cycling {STRIDES}",
            f"  at.run(): median {run_s['median']:.0f}, p90 {run_s['p90']:.0f}, min {run_s['min']:.0f}, "
            f"max {run_s['max']:.0f} ms; + gc.collect(2): median {total_s['median']:.0f}, p90 {total_s['p90']:.0f} ms",
            f"  split (medians): script thread {script_s['median']:.0f} ms (what a server runs), AppTest's own "
            f"overhead {run_s['median'] - script_s['median']:.0f} ms, post-script gc.collect(2) "
            f"{gc_s['median']:.0f} ms",
        ]
        if wrong:
            report.lines.append(f"  !! {wrong} reruns showed an exception or a wrong output size")

        if total_s["median"] > BUDGET_MS:  # before the cold runs below, so every profiled run is a cache hit
            timer.profile = prof = cProfile.Profile()
            for i in range(PROFILED_RUNS):
                at.slider(key=slider).set_value(STRIDES[i % len(STRIDES)])
                _checked_run(at)
                gc.collect(2)
            timer.profile = None
            profile = _profile_breakdown(prof, PROFILED_RUNS, script_s["median"])
        else:
            profile = None

        # Cold: the same stride values with the page's result caches emptied before each run (every
        # st.cache_* function in components/ except the image input's, so the decoded upload stays cached).
        from streamlit.runtime.caching.cache_utils import CachedFunc

        caches = {
            id(f): f
            for name, module in list(sys.modules.items())
            if name.startswith("components.")
            for f in vars(module).values()
            if isinstance(f, CachedFunc) and getattr(f._info.func, "__module__", "") != "components.ui.image_input"
        }.values()
        cold = []
        for i in range(COLD_RUNS):
            for cached in caches:
                cached.clear()
            at.slider(key=slider).set_value(1 + i % 2)
            start = time.perf_counter()
            _checked_run(at)
            cold.append((time.perf_counter() - start) * 1e3)
            gc.collect(2)
        cold_s = summary(cold)
        report.lines.append(
            f"  info: first visit of a setting ({len(caches)} cached functions emptied, strides 1/2): at.run() median "
            f"{cold_s['median']:.0f}, max {cold_s['max']:.0f} ms"
        )
        report.data = {
            "reruns": RERUNS,
            "strides": list(STRIDES),
            "at_run_ms": run_s,
            "at_run_plus_gc_ms": total_s,
            "script_thread_ms": script_s,
            "post_script_gc_ms": gc_s,
            "cold_at_run_ms": cold_s,
            "wrong_runs": wrong,
            "samples_at_run_ms": [round(r, 2) for r in runs],
            "samples_gc_ms": [round(g, 2) for g in gcs],
            "gc_apptest": {"frozen": gc.get_freeze_count(), "unfrozen": len(gc.get_objects())},
        }
        if profile:
            report.lines += profile[0]
            report.data["profile"] = profile[1]
    finally:
        timer.restore()
    return report


def _page_imports() -> list[str]:
    """Modules the topic pages import (any not already imported by components.ui.boot are imported on the
    first visit, after the freeze, and stay in the collector's view)."""
    names = []
    for path in sorted((ROOT / "app" / "topics").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            elif isinstance(node, ast.Import):
                names += [a.name for a in node.names]
    return names


def gc_model() -> dict[str, Any]:
    """The server process's heap, rebuilt in import order: Streamlit's server, then
    ``components.ui.boot.load()`` (the router calls it before any topic page, or in the background after the
    home page: the heavy imports and ``gc.collect(); gc.freeze()``), then whatever the topic pages still import.
    Returns what the post-script ``gc.collect(2)`` then costs per rerun."""
    importlib.import_module("streamlit.web.bootstrap")
    importlib.import_module("components.ui.boot").load()
    frozen = gc.get_freeze_count()
    before = _timed_gc()
    for name in _page_imports():
        importlib.import_module(name)
    importlib.import_module("plotly.io")  # st.plotly_chart's lazy import
    return {
        "frozen": frozen,
        "gc_before_page_imports_ms": before,
        "unfrozen_after_page_imports": len(gc.get_objects()),
        "gc_after_page_imports_ms": _timed_gc(),
    }


def _subprocess(arg: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_rerun", arg],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_S,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        command = f"python -m benchmarks.bench_rerun {arg}"
        raise RuntimeError(f"`{command}` failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return lines[-1]


def run() -> Report:
    import json

    report = Report.from_json(_subprocess("--measure"))
    model = json.loads(_subprocess("--gc-model"))
    apptest = report.data.get("gc_apptest", {})
    report.lines += [
        "  gc in a server-like process (server modules → components.ui.boot: imports + gc.freeze() → page imports): "
        f"{model['frozen']:,} objects frozen, {model['unfrozen_after_page_imports']:,} left unfrozen → post-script "
        f"gc.collect(2) {model['gc_after_page_imports_ms']:.1f} ms per rerun "
        f"(AppTest process: {apptest.get('unfrozen', 0):,} unfrozen)",
    ]
    report.data["gc_server_model"] = model
    return report


if __name__ == "__main__":
    import json

    print(json.dumps(gc_model()) if sys.argv[1:] == ["--gc-model"] else measure().to_json())
