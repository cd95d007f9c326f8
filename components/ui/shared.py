"""What every session of one server shares (issue 11: a whole class on one link).

Every result on a page is a pure function of its settings, and the settings are in the link: a class that
opens the teacher's link asks for the same results forty times. So:

* ``SharedCache`` holds pure results for every session, bounded (least recently used out), and computes each
  key once: a session asking for a key another session is computing waits for that result instead of
  computing it again (forty students pressing the same key at once cost one computation);
* ``TrainingPool`` trains models for every session: one run per distinct experiment, trained by a bounded
  set of worker threads, round robin, so every watched run makes progress and interactive reruns keep a core.
  A session with the same settings attaches to the run already there (the 40th student sees the teacher's
  curves at once); a run nobody watches any more is paused, not trained;
* ``ComputeProcess`` runs the heaviest pure computations of a rerun (gradient-descent paths) in a worker
  process of their own: the server's Python runs one thread at a time, and forty sessions' reruns already
  fill that one; the worker uses the machine's other core.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import sys
import threading
import time
import types
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class SharedCache(Generic[V]):
    """A bounded map ``key -> value`` shared by every session, each key computed once (thread-safe)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self.size = size
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._flights: dict[Hashable, Future] = {}
        self._lock = threading.Lock()
        self.computed = 0  # how many times a value was computed (tests and benchmarks read it)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    def get(self, key: Hashable, default: Any = None) -> V | Any:
        with self._lock:
            if key not in self._data:
                return default
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._store(key, value)

    def _store(self, key: Hashable, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.size:
            self._data.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The value for ``key``: held, being computed by another session (wait for it), or computed now.
        An exception in ``compute`` reaches every session waiting for it and nothing is stored."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            flight = self._flights.get(key)
            owner = flight is None
            if owner:
                flight = self._flights[key] = Future()
        if not owner:
            return flight.result()
        try:
            value = compute()
        except BaseException as err:
            with self._lock:
                del self._flights[key]
            flight.set_exception(err)
            raise
        with self._lock:
            self.computed += 1
            self._store(key, value)
            del self._flights[key]
        flight.set_result(value)
        return value


@contextlib.contextmanager
def single_flight(locks: SharedCache[threading.Lock], key: Hashable) -> Iterator[None]:
    """Hold the lock of ``key`` (one per key, from ``locks``): sessions computing the same thing take turns,
    so the second finds the first's result instead of computing it again."""
    with locks.get_or_compute(key, threading.Lock):
        yield


# --------------------------------------------------------------------------- training


@dataclass(eq=False)
class SharedRun:
    """One training run on the server. Read the trainer only under ``lock`` (the pool trains it meanwhile)."""

    key: Hashable
    trainer: Any
    created: float = field(default_factory=time.monotonic)
    lock: threading.RLock = field(default_factory=threading.RLock)
    viewers: dict[str, float] = field(default_factory=dict)  # session id -> when it last looked
    served: float = 0.0  # when a worker last trained it (round robin: the least recently served goes next)
    chunk: int = 5  # epochs per turn, adapted to ``TrainingPool.turn_seconds``
    error: BaseException | None = None
    finished: threading.Event = field(default_factory=threading.Event)  # set when done (trained or failed)

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if the run finishes meanwhile (watchers see the end at once)."""
        self.finished.wait(seconds)

    @property
    def done(self) -> bool:
        return bool(self.trainer.done) or self.error is not None


class TrainingPool:
    """Runs by key, trained by ``workers`` threads in turns of ~``turn_seconds``, only while watched.

    Args:
        workers: training threads (the rest of the machine answers reruns).
        size: runs kept; the least recently watched finished or abandoned ones go first.
        first_paint: a new run waits this long, so its first picture reaches the browser on a quiet CPU.
        viewer_timeout: a session that has not looked for this long no longer counts as watching.
    """

    def __init__(
        self,
        workers: int = 1,
        size: int = 256,
        turn_seconds: float = 0.05,
        first_paint: float = 0.15,
        viewer_timeout: float = 4.0,
    ) -> None:
        self.workers, self.size, self.turn_seconds = workers, size, turn_seconds
        self.first_paint, self.viewer_timeout = first_paint, viewer_timeout
        self._runs: OrderedDict[Hashable, SharedRun] = OrderedDict()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []
        self._closed = False
        self.trained = 0  # runs created (tests read it)
        atexit.register(self.close)  # a worker killed inside a torch call aborts the process at exit

    # ------------------------------------------------------------------ sessions
    def attach(self, key: Hashable, make: Callable[[], Any]) -> SharedRun:
        """The run for ``key``: the one already on the server, or a new one made by ``make()`` (sessions
        attaching at the same moment get the same run)."""
        with self._lock:
            run = self._runs.get(key)
            if run is not None and run.error is None:
                self._runs.move_to_end(key)
                return run
        made = make()  # outside the lock: building a model takes a moment
        with self._lock:
            run = self._runs.get(key)
            if run is not None and run.error is None:  # another session was quicker
                self._runs.move_to_end(key)
                return run
            return self._add(SharedRun(key, made))

    def fresh(self, key: Hashable, make: Callable[[], Any]) -> SharedRun:
        """A new run for ``key`` from scratch ("train again"); sessions watching the old one keep it."""
        made = make()
        with self._lock:
            return self._add(SharedRun(key, made))

    def _add(self, run: SharedRun) -> SharedRun:
        self._runs[run.key] = run
        self._runs.move_to_end(run.key)
        self.trained += 1
        self._evict()
        self._start()
        self._wake.notify_all()
        return run

    def watch(self, run: SharedRun, viewer: str) -> None:
        """``viewer`` (a session id) is looking at ``run``: it gets trained."""
        now = time.monotonic()
        with self._lock:
            run.viewers[viewer] = now
            self._wake.notify_all()

    def leave(self, run: SharedRun, viewer: str) -> None:
        """``viewer`` no longer looks at ``run`` (new settings, stopped): nobody left, the run pauses."""
        with self._lock:
            run.viewers.pop(viewer, None)

    def viewers(self) -> int:
        """Sessions watching some run now (the page draws less often when many do)."""
        now = time.monotonic()
        with self._lock:
            return sum(1 for r in self._runs.values() for t in r.viewers.values() if now - t < self.viewer_timeout)

    def get(self, key: Hashable) -> SharedRun | None:
        with self._lock:
            return self._runs.get(key)

    def __len__(self) -> int:
        return len(self._runs)

    # ------------------------------------------------------------------ workers
    def _evict(self) -> None:
        """Keep ``size`` runs: drop the least recently attached that nobody watches."""
        now = time.monotonic()
        for key in list(self._runs):
            if len(self._runs) <= self.size:
                return
            run = self._runs[key]
            if not any(now - t < self.viewer_timeout for t in run.viewers.values()):
                del self._runs[key]

    def _start(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._work, name=f"training-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next(self) -> SharedRun | None:
        """The watched, unfinished run served longest ago (``None``: nothing to do)."""
        now = time.monotonic()
        ready = [
            r
            for r in self._runs.values()
            if not r.done
            and now - r.created >= self.first_paint
            and any(now - t < self.viewer_timeout for t in r.viewers.values())
        ]
        return min(ready, key=lambda r: r.served, default=None)

    def close(self) -> None:
        """Stop the workers after their current turn (at exit; a closed pool trains nothing more)."""
        with self._lock:
            self._closed = True
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout=5)

    def _work(self) -> None:
        with contextlib.suppress(OSError, AttributeError):  # lower priority than the threads answering reruns
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)
        while True:
            with self._lock:
                run = self._next()
                while run is None and not self._closed:
                    self._wake.wait(timeout=0.05)
                    run = self._next()
                if self._closed:
                    return
                run.served = time.monotonic()
            self._turn(run)

    def _turn(self, run: SharedRun) -> None:
        with run.lock:
            start = time.perf_counter()
            try:
                run.trainer.run(run.chunk)
            except Exception as err:
                run.error = err
                return
            spent = time.perf_counter() - start
        run.chunk = max(1, min(5000, round(run.chunk * self.turn_seconds / max(spent, 1e-4))))


# --------------------------------------------------------------------------- worker process

WORKERS = "ML_PLAYGROUND_COMPUTE_WORKERS"


def compute_workers() -> int:
    """Worker processes for pure computations: ``ML_PLAYGROUND_COMPUTE_WORKERS``, else 1 (0: in the server)."""
    try:
        return max(0, int(os.environ.get(WORKERS, "1")))
    except ValueError:
        return 1


def _worker_ready(threads: int, server: int) -> int:
    """Run first in a new worker: its torch thread count, the imports done (the first call is then quick), and
    a watch on the server: a server killed outright (``kill -9``) cannot stop its workers, so they go alone."""
    import gc

    import torch

    import components.compute.descent_batch  # noqa: F401

    torch.set_num_threads(threads)
    gc.collect()
    gc.freeze()  # as in the server (boot): a collection walking torch's import-time objects costs ~100 ms

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()
    return os.getpid()


@contextlib.contextmanager
def _no_main_script() -> Iterator[None]:
    """A spawned process first imports its parent's ``__main__``. In a Streamlit server that is the app script
    of the run starting it: each worker would run the app and start a worker of its own, without end. Hide it
    while the workers are spawned; they need nothing from it."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")  # no __file__, no __spec__: nothing to import
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


class ComputeProcess:
    """Calls of plain functions on plain data, made in ``workers`` processes of their own.

    ``call(fn, *args)`` returns ``fn(*args)``: from a worker once one is ready, else computed right here (while
    the workers start, with ``workers=0``, or when one died: the pool is then started again). ``fn`` must be
    a module-level function, its arguments and result picklable, and its result the same wherever it runs.
    """

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self.threads = 1  # torch's intra-op threads in each worker
        self._pool: ProcessPoolExecutor | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self.pids: list[int] = []  # the workers' process ids, once ready (tests and benchmarks read them)
        self.remote = 0  # calls answered by a worker

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def start(self, threads: int | None = None) -> None:
        """Start the workers in the background (a no-op when started or ``workers=0``)."""
        with self._lock:
            self.threads = threads or self.threads
            if self.workers < 1 or self._pool is not None:
                return
            # spawn, not fork: the server runs threads (Tornado, torch) that a forked child would inherit broken.
            pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            self._pool = pool
        with _no_main_script():  # each submit spawns a worker until there are ``workers`` (none later)
            warm = [pool.submit(_worker_ready, self.threads, os.getpid()) for _ in range(self.workers)]

        def ready(_: Future) -> None:
            if all(f.done() for f in warm) and not any(f.cancelled() or f.exception() for f in warm):
                self.pids = sorted({f.result() for f in warm})
                self._ready.set()

        for f in warm:
            f.add_done_callback(ready)

    def call(self, fn: Callable[..., V], *args: Any) -> V:
        pool = self._pool if self._ready.is_set() else None
        if pool is None:
            return fn(*args)
        try:
            result = pool.submit(fn, *args).result()
        except BrokenProcessPool:  # a worker died: start again, answer from here meanwhile
            self._restart(pool)
            return fn(*args)
        except RuntimeError as err:
            if "after shutdown" not in str(err):  # fn's own error (torch raises RuntimeError too)
                raise
            return fn(*args)  # shut down at exit
        self.remote += 1
        return result

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is not broken:
                return
            self._ready.clear()
            self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)
        self.start()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            self._ready.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


COMPUTE = ComputeProcess(compute_workers())  # the server's worker, started by ``boot.load()``
