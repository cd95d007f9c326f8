"""Issue 11: a whole class on one server — N students as real Streamlit sessions, plus a real browser.

Two scenarios per page, each student a websocket session (``benchmarks/classroom.py``) that opens the
teacher's link, then makes ``MOVES`` moves with ~``THINK_S`` seconds of thinking between them, waiting for each
run and fetching its pictures:

* **follow** the teacher: everyone opens the same link and makes the same moves (the page's first control,
  one step up each time): the teacher moves every ``THINK_S`` seconds and each student makes that move
  somewhere in the ``THINK_S`` that follow (students react within a couple of seconds, not all at once);
* **explore**: everyone moves controls on their own — a random control of the page, a random ±1 step from
  where that student is.

The teacher's real Chromium opens the link first (it is on the projector before the class opens it); while
the students work, it (``bench_controls``' press) moves the same first control and is timed from key press
to painted page. Reported per page and scenario: p50 / p95 / max of the answer (request sent → run finished
and its pictures fetched), errors (timeouts, lost connections, pictures that did not load, exceptions
drawn), training time apart (Overfitting retrains on every move), the browser's press, and the server's peak
RSS and CPU.

``python -m benchmarks classroom`` (also in ``make classroom``); ``CLASS_SIZE``, ``CLASS_PAGES``
(e.g. ``Overfitting,Gradient descent``) and ``CLASS_SCENARIOS`` (``follow,explore``) narrow a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed

from benchmarks.classroom import Run, Student, StudentError
from benchmarks.common import Check, Report, summary

STUDENTS = 40
MOVES = 6
THINK_S = 2.0
ARRIVAL_S = 5.0  # the class opens the link within this many seconds
TIMEOUT_S = 60.0
P95_BUDGET = 1.0
TRAINING_P95_BUDGET = 15.0
BROWSER_PRESSES = 6


@dataclass
class Page:
    name: str
    path: str
    controls: list[str]  # widget keys (prefixes: the autograd graph's keys end in a hash)
    query: str = ""
    training: bool = False  # every move retrains: the answer is the first progress, training reported apart
    browser_selector: str = ""  # a slider the one browser presses ("": no browser on this page)


def _slider(key: str) -> str:
    return f'[class*="st-key-{key}"] [role="slider"], [class*="st-key-{key}"] input[type=range]'


PAGES = [
    Page(
        "Convolution",
        "convolution",
        ["conv_padding", "conv_stride", "conv_dilation", "conv_size", "conv_sigma"],
        "conv_kernel=gaussian",
        browser_selector=_slider("conv_padding"),
    ),
    Page("Derivatives", "derivatives", ["deriv_x0", "deriv_dx"], browser_selector=_slider("deriv_x0")),
    Page(
        "Gradient descent",
        "gradient-descent",
        ["gd_lr", "gd_steps", "gd_x0", "gd_y0"],
        browser_selector=_slider("gd_lr"),
    ),
    Page("Autograd", "autograd", ["ag_step_", "ag_v_w_"], browser_selector=_slider("ag_step_")),
    Page(
        "Overfitting",
        "overfitting",
        ["fit_degree", "fit_noise"],
        training=True,
        browser_selector=_slider("fit_degree"),
    ),
    Page("Signals", "signals", ["sig_size", "sig_noise"], browser_selector=_slider("sig_size")),
    Page("Upsampling", "upsampling", ["up_factor", "up_cx"], browser_selector=_slider("up_cx")),
    Page("Activations", "activations", ["act_x"], browser_selector=_slider("act_x")),
    Page("Losses", "losses", ["loss_w", "loss_outlier"], browser_selector=_slider("loss_w")),
    Page("Layers", "layers", ["lay_batch", "lay_seed"], browser_selector=_slider("lay_batch")),
    Page("Tensors", "tensors", ["ten_seed"], "ten_source=custom&ten_shape=2%2C%203%2C%206%2C%206"),
    Page("Linear maps", "linear-maps", ["lin_w01", "lin_b0", "lin_x1"], browser_selector=_slider("lin_w01")),
    Page("Embeddings", "embeddings", ["emb_dim", "emb_sentence"], browser_selector=_slider("emb_dim")),
]


@dataclass
class Outcome:
    answers: list[float] = field(default_factory=list)  # seconds: the page answered the move
    trainings: list[float] = field(default_factory=list)  # seconds: the run (training) finished
    opens: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    browser: list[float] = field(default_factory=list)  # ms, key press → painted, in real Chromium
    rss_mb: float = 0.0
    cpu_s: float = 0.0
    seconds: float = 0.0

    def record(self, run: Run, training: bool) -> None:
        done = run.pictures if run.pictures is not None else run.seconds
        if training:
            self.answers.append(run.answered if run.answered is not None else done)
            self.trainings.append(done)
        else:
            self.answers.append(done)
        if run.media_errors:
            self.errors.append(f"{run.media_errors} of {run.media} pictures did not load")
        self.exceptions += run.exceptions


def _key(student: Student, prefix: str) -> str:
    keys = sorted({w.key for w in student.widgets.values() if w.key.startswith(prefix)})
    if not keys:
        raise LookupError(f"no control {prefix!r}")
    return keys[0]


async def _student(
    i: int, base: str, page: Page, scenario: str, out: Outcome, start: float, rng: random.Random
) -> None:
    await asyncio.sleep(rng.uniform(0, ARRIVAL_S))
    s = Student(base, page.path, page.query, TIMEOUT_S)
    try:
        t0 = time.perf_counter()
        first = await s.open()
        out.opens.append(time.perf_counter() - t0)
        out.exceptions += first.exceptions
        for n in range(MOVES):
            # follow: the teacher's move every THINK_S, each student a moment after it; explore: own pace
            if scenario == "follow":
                due = start + ARRIVAL_S + (n + 1) * THINK_S + rng.uniform(0, THINK_S)
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                key, steps = _key(s, page.controls[0]), 1
            else:
                await asyncio.sleep(THINK_S * rng.uniform(0.5, 1.5))
                key, steps = _key(s, rng.choice(page.controls)), rng.choice((-1, 1))
            run = await s.move(key, steps)
            if run is None:  # at the end of its range: the other way
                run = await s.move(key, -steps)
            if run is not None:
                out.record(run, page.training)
    except Exception as err:
        out.errors.append(f"student {i}: {type(err).__name__}: {err}")
    finally:
        await s.close()


def _proc_stats(pid: int) -> tuple[float, float]:
    """(RSS MB, CPU seconds) of the server process."""
    rss = 0.0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return rss, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return rss, 0.0


def _browser(base: str, page: Page, out: Outcome, stop: threading.Event, shown: threading.Event) -> None:
    """One real Chromium on the page while the class works (the teacher's projector): presses of the first
    control, timed. ``shown`` is set once the page is painted (or the browser failed)."""
    from playwright.sync_api import sync_playwright

    from benchmarks import bench_controls as bc
    from tools.live_server import launch_chromium, wait_idle

    case = bc.PageCase(page.name, page.path, [], query=page.query)
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
            browser = launch_chromium(p)
            context = browser.new_context(viewport=bc.VIEWPORT, locale="en-US")
            tab = bc._open(context, base, case, "", Path(tmp))
            shown.set()
            for _ in range(BROWSER_PRESSES):
                if stop.is_set():
                    break
                row = bc._press(tab, page.browser_selector, "ArrowRight", page.training)
                if row is None:
                    out.errors.append("browser: a press did not land")
                else:
                    out.browser.append(row.get("answer", row["total"]))
                with contextlib.suppress(Exception):
                    wait_idle(tab, 60_000)
                tab.wait_for_timeout(int(THINK_S * 1000))
            browser.close()
    except Exception as err:
        out.errors.append(f"browser: {type(err).__name__}: {err}")
    finally:
        shown.set()


async def _class(base: str, pid: int, page: Page, scenario: str, n: int, with_browser: bool) -> Outcome:
    """The teacher's browser opens the link first (it is on the projector before the class opens it), then
    the class arrives within ``ARRIVAL_S``."""
    out = Outcome()
    rng = random.Random(f"{page.name}/{scenario}")
    stop, shown = threading.Event(), threading.Event()
    browser = (
        threading.Thread(target=_browser, args=(base, page, out, stop, shown), daemon=True) if with_browser else None
    )
    rss0, cpu0 = _proc_stats(pid)
    peak = rss0
    if browser is not None:
        browser.start()
        await asyncio.to_thread(shown.wait, 120)
    start = time.perf_counter()
    tasks = [
        asyncio.create_task(_student(i, base, page, scenario, out, start, random.Random(rng.random())))
        for i in range(n)
    ]
    while not all(t.done() for t in tasks):
        await asyncio.sleep(0.25)
        peak = max(peak, _proc_stats(pid)[0])
    if browser is not None:
        await asyncio.to_thread(browser.join, 120)
        stop.set()
    out.seconds = time.perf_counter() - start
    rss1, cpu1 = _proc_stats(pid)
    out.rss_mb, out.cpu_s = max(peak, rss1), cpu1 - cpu0
    return out


LOST = (StudentError, OSError, TimeoutError, ConnectionClosed)  # a move on a replica that died
FAILOVER_STUDENTS = 40
FAILOVER_SECONDS = 24.0  # the lesson the students are in
KILL_AT = 10.0  # seconds into it, one replica dies
RECOVERY_BUDGET = 5.0


async def _failover(front: str, kill: Callable[[str], None], page: Page, n: int) -> dict[str, Any]:
    """``n`` students explore ``page`` through the balancer; at ``KILL_AT`` replica 1 (about half the class:
    new browsers go round robin) is killed. Its students reconnect, as the browser does, and rerun their link
    on the survivor.

    Returns: recovery seconds per student of the dead replica (kill → a run answered on the survivor), the
    answers of the other students during the 10 s after the kill, and errors (a student that never came
    back, a move that failed on a live replica)."""
    rng = random.Random("failover")
    out: dict[str, Any] = {"recovery": [], "others": [], "errors": [], "moved": 0, "killed": None}
    killed_at: list[float] = []
    started = time.perf_counter()

    async def student(i: int, r: random.Random) -> None:
        await asyncio.sleep(r.uniform(0, 3.0))
        s = Student(front, page.path, page.query, TIMEOUT_S)
        try:
            await s.open()
            while time.perf_counter() - started < FAILOVER_SECONDS:
                await asyncio.sleep(r.uniform(0.5, 1.5))
                mine = s.replica
                try:
                    run = await s.move(_key(s, r.choice(page.controls)), r.choice((-1, 1)))
                except LOST as err:
                    if not killed_at or mine != out["killed"]:
                        out["errors"].append(f"student {i} on {mine}: {type(err).__name__}: {err}")
                        return
                    for _ in range(120):  # the browser retries; so does the student, for up to 30 s
                        try:
                            await s.reconnect()
                            break
                        except LOST:
                            await asyncio.sleep(0.25)
                    else:
                        out["errors"].append(f"student {i}: never came back after the kill")
                        return
                    out["recovery"].append(time.perf_counter() - killed_at[0])
                    continue
                if run is not None:
                    out["moved"] += 1
                    if killed_at and mine != out["killed"] and time.perf_counter() - killed_at[0] < 10:
                        out["others"].append(run.pictures if run.pictures is not None else run.seconds)
        except Exception as err:
            out["errors"].append(f"student {i}: {type(err).__name__}: {err}")
        finally:
            await s.close()

    async def killer() -> None:
        await asyncio.sleep(KILL_AT)
        out["killed"] = "replica1"  # round robin put about half of the class there
        kill(out["killed"])
        killed_at.append(time.perf_counter())

    await asyncio.gather(killer(), *(student(i, random.Random(rng.random())) for i in range(n)))
    return out


SOAK_INTERACTIONS = 1000
SOAK_GROWTH_MB = 100.0  # RSS after 1,000 interactions, over RSS after the first round


async def _soak(base: str, pid: int, total: int) -> list[tuple[int, float]]:
    """``total`` interactions by rounds of 20 students (each opens a page, makes 10 moves, leaves), the
    pages in turn: (interactions so far, server RSS MB) after each round. Nothing per session may stay."""
    done, rss, rng, i = 0, [(0, _proc_stats(pid)[0])], random.Random("soak"), 0
    while done < total:
        page = PAGES[i % len(PAGES)]
        i += 1
        counts = []

        async def one(k: int, page: Page = page, counts: list = counts) -> None:
            s = Student(base, page.path, page.query, TIMEOUT_S)
            r = random.Random(rng.random())
            try:
                await s.open()
                n = 1
                for _ in range(10):
                    await asyncio.sleep(r.uniform(0.0, 0.1))
                    n += (await s.move(_key(s, r.choice(page.controls)), r.choice((-1, 1)))) is not None
                counts.append(n)
            finally:
                await s.close()

        await asyncio.gather(*(one(k) for k in range(20)), return_exceptions=True)
        done += sum(counts)
        await asyncio.sleep(1.0)  # let the server drop the closed sessions
        rss.append((done, _proc_stats(pid)[0]))
    return rss


def _ms(values: list[float]) -> str:
    if not values:
        return "—"
    s = summary([v * 1000 for v in values])
    return f"p50 {s['median']:.0f}  p95 {s['p95']:.0f}  max {s['max']:.0f} ms"


def run() -> Report:
    from tools.live_server import live_server, server_pid

    n = int(os.environ.get("CLASS_SIZE", STUDENTS))
    only = os.environ.get("CLASS_PAGES")
    scenarios = os.environ.get("CLASS_SCENARIOS", "follow,explore").split(",")
    pages = [p for p in PAGES if not only or p.name in only.split(",")]
    report = Report("classroom", f"A class on one server: {n} students per page, {MOVES} moves each, + 1 browser")
    data: dict[str, Any] = {}
    with live_server() as base:
        pid = server_pid(base)
        for page in pages:
            for scenario in scenarios:
                out = asyncio.run(_class(base, pid, page, scenario, n, with_browser=bool(page.browser_selector)))
                label = f"{page.name} · {scenario}"
                answers = summary([v * 1000 for v in out.answers]) if out.answers else None
                errors = len(out.errors) + len(out.exceptions)
                report.lines.append(
                    f"  {label:<30} answer {_ms(out.answers)} (n={len(out.answers)})  errors {errors}  "
                    f"open {_ms(out.opens)}"
                )
                if page.training:
                    report.lines.append(f"  {'':<30} training to the end: {_ms(out.trainings)}")
                browser = summary(out.browser) if out.browser else None
                report.lines.append(
                    f"  {'':<30} browser press → painted: "
                    + (f"p50 {browser['median']:.0f}  max {browser['max']:.0f} ms" if browser else "—")
                    + f"  ·  server RSS {out.rss_mb:.0f} MB, CPU {out.cpu_s:.1f} s in {out.seconds:.0f} s"
                )
                for e in (out.errors + out.exceptions)[:5]:
                    report.lines.append(f"  {'':<30} ! {e[:160]}")
                budget = TRAINING_P95_BUDGET if page.training and scenario == "explore" else P95_BUDGET
                value = (summary(out.trainings)["p95"] if page.training and scenario == "explore" else None) or (
                    answers["p95"] / 1000 if answers else float("inf")
                )
                report.checks += [
                    Check(f"{label} p95", value, budget, "s"),
                    Check(f"{label} errors", float(errors), 0.0, "count"),
                ]
                if page.training:
                    report.checks.append(
                        Check(f"{label} answer p95", answers["p95"] / 1000 if answers else float("inf"), 1.0, "s")
                    )
                data[label] = out.__dict__
        if os.environ.get("CLASS_SOAK", "1") != "0":
            rss = asyncio.run(_soak(base, pid, SOAK_INTERACTIONS))
            report.lines.append(
                "  RSS over 1,000 interactions (20 students a round, the pages in turn): "
                + ", ".join(f"{n}: {mb:.0f} MB" for n, mb in rss)
            )
            growth = rss[-1][1] - rss[1][1]  # after the first round: the pages' one-off imports and caches
            report.checks.append(Check("server RSS growth over 1,000 interactions", growth, SOAK_GROWTH_MB, "MB"))
            data["soak"] = rss
    if os.environ.get("CLASS_FAILOVER", "1") != "0":
        _replicas(report, data, pages, n)
    report.data = data
    return report


def _replicas(report: Report, data: dict[str, Any], pages: list[Page], n: int) -> None:
    """Two replicas behind HAProxy on this machine: explore against one server, then a replica killed."""
    from deploy.cluster import Cluster, haproxy_available

    if not haproxy_available():
        report.lines.append("  (no HAProxy: the two-replica runs are left out; apt-get install haproxy)")
        return
    with tempfile.TemporaryDirectory() as logs, Cluster(2, log_dir=Path(logs)) as cluster:
        pid = cluster.replicas[0].pid
        for page in [p for p in pages if p.name in ("Convolution", "Gradient descent")]:
            out = asyncio.run(_class(cluster.url, pid, page, "explore", n, with_browser=False))
            report.lines.append(
                f"  2 replicas · {page.name} · explore   answer {_ms(out.answers)}  errors "
                f"{len(out.errors) + len(out.exceptions)}"
            )
            data[f"2 replicas · {page.name} · explore"] = out.__dict__
        page = next((p for p in pages if p.name == "Convolution"), PAGES[0])

        def kill(name: str) -> None:
            cluster.kill_replica(next(i for i, r in enumerate(cluster.replicas) if r.name == name))

        fo = asyncio.run(_failover(cluster.url, kill, page, FAILOVER_STUDENTS))
    rec = summary(fo["recovery"]) if fo["recovery"] else None
    report.lines.append(
        f"  failover ({FAILOVER_STUDENTS} students exploring {page.name}, {fo['killed']} killed at {KILL_AT:.0f} s): "
        + (
            f"{len(fo['recovery'])} students back on the survivor in p50 {rec['median']:.2f} s, max {rec['max']:.2f} s"
            if rec
            else "nobody was on the killed replica"
        )
        + f"; the others during the 10 s after: {_ms(fo['others'])}; errors {len(fo['errors'])}; {fo['moved']} moves"
    )
    for e in fo["errors"][:5]:
        report.lines.append(f"  {'':<30} ! {e[:160]}")
    report.checks += [
        Check("failover: students back on a survivor (max)", rec["max"] if rec else float("inf"), RECOVERY_BUDGET, "s"),
        Check("failover: errors", float(len(fo["errors"])), 0.0, "count"),
    ]
    data["failover"] = fo
