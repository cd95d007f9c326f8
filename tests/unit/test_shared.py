"""components.ui.shared: one computation per key for every session, bounded; shared training runs; the worker
process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import types

import pytest
import torch

from components.compute.datasets import DataSpec, make_data
from components.compute.descent import RunSpec
from components.compute.descent_batch import descend_keyed, descend_many, keyed_surface
from components.compute.overfitting import ModelSpec, Trainer, TrainSpec
from components.ui.shared import ComputeProcess, SharedCache, TrainingPool, single_flight

# --------------------------------------------------------------------------- SharedCache


def test_a_key_is_computed_once_and_then_held():
    cache: SharedCache[int] = SharedCache(4)
    calls = []
    assert cache.get_or_compute("a", lambda: calls.append(1) or 10) == 10
    assert cache.get_or_compute("a", lambda: calls.append(1) or 99) == 10
    assert calls == [1] and cache.computed == 1 and "a" in cache


def test_sessions_asking_at_once_share_one_computation():
    cache: SharedCache[int] = SharedCache(4)
    started, calls, results = threading.Event(), [], []

    def slow() -> int:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return 7

    threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute("k", slow))) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [7] * 8
    assert len(calls) == 1  # the other seven waited for the first


def test_the_least_recently_used_key_is_evicted():
    cache: SharedCache[str] = SharedCache(2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"  # a is now the most recent
    cache.put("c", "C")
    assert "b" not in cache and "a" in cache and "c" in cache and len(cache) == 2


def test_an_error_reaches_every_waiter_and_nothing_is_stored():
    cache: SharedCache[int] = SharedCache(2)

    def boom() -> int:
        time.sleep(0.1)
        raise ValueError("bad settings")

    errors = []

    def ask() -> None:
        try:
            cache.get_or_compute("x", boom)
        except ValueError as err:
            errors.append(str(err))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == ["bad settings"] * 3 and "x" not in cache
    assert cache.get_or_compute("x", lambda: 5) == 5  # a later call computes again


def test_single_flight_serialises_one_key_only():
    locks: SharedCache[threading.Lock] = SharedCache(8)
    inside, most = [0], [0]

    def work() -> None:
        with single_flight(locks, "same"):
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert most[0] == 1
    with single_flight(locks, "same"), single_flight(locks, "other"):  # other keys are not blocked
        pass


def test_size_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        SharedCache(0)


# --------------------------------------------------------------------------- TrainingPool


def _key(degree: int = 3, epochs: int = 60):
    return DataSpec(), ModelSpec(degree=degree), TrainSpec(epochs=epochs)


def _make(key):
    data_spec, model, train = key
    return lambda: Trainer(make_data(data_spec), model, train, seed=data_spec.seed)


def _wait(pool: TrainingPool, run, viewer: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not run.done:
        assert time.monotonic() < deadline, "training did not finish"
        pool.watch(run, viewer)
        time.sleep(0.01)


def test_two_sessions_with_the_same_settings_share_one_run():
    pool = TrainingPool(first_paint=0.0)
    key = _key()
    a = pool.attach(key, _make(key))
    b = pool.attach(key, _make(key))
    assert a is b and pool.trained == 1
    _wait(pool, a, "session-a")
    reference = Trainer(*_parts(key))  # independent: the same settings trained in one go, here
    reference.run(key[2].epochs)
    with a.lock:
        assert a.trainer.train_losses == pytest.approx(reference.train_losses)
        assert a.trainer.test_losses == pytest.approx(reference.test_losses)


def _parts(key):
    data_spec, model, train = key
    return make_data(data_spec), model, train, data_spec.seed


def test_different_settings_get_different_runs_and_train_again_is_a_new_run():
    pool = TrainingPool(first_paint=0.0)
    k3, k5 = _key(3), _key(5)
    r3, r5 = pool.attach(k3, _make(k3)), pool.attach(k5, _make(k5))
    assert r3 is not r5 and pool.trained == 2
    again = pool.fresh(k3, _make(k3))
    assert again is not r3 and pool.get(k3) is again


def test_a_run_nobody_watches_is_not_trained():
    pool = TrainingPool(first_paint=0.0, viewer_timeout=0.2)
    key = _key(epochs=2000)
    run = pool.attach(key, _make(key))
    time.sleep(0.3)
    assert run.trainer.epoch == 0  # never watched
    pool.watch(run, "s")
    time.sleep(0.3)
    with run.lock:
        moved = run.trainer.epoch
    assert moved > 0
    pool.leave(run, "s")
    time.sleep(0.15)  # a turn in progress may finish
    with run.lock:
        paused = run.trainer.epoch
    time.sleep(0.3)
    with run.lock:
        assert run.trainer.epoch == paused  # left: paused


def test_watched_runs_take_turns():
    pool = TrainingPool(first_paint=0.0, turn_seconds=0.01)
    runs = [pool.attach(k, _make(k)) for k in (_key(d, epochs=3000) for d in (2, 4, 6))]
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        for i, r in enumerate(runs):
            pool.watch(r, f"s{i}")
        time.sleep(0.02)
    epochs = []
    for r in runs:
        with r.lock:
            epochs.append(r.trainer.epoch)
    assert min(epochs) > 0  # every watched run made progress (round robin), none waited for the others


def test_the_pool_keeps_a_bounded_number_of_runs():
    pool = TrainingPool(size=3, first_paint=0.0)
    for d in range(1, 7):
        k = _key(d)
        pool.attach(k, _make(k))
    assert len(pool) == 3
    assert pool.get(_key(1)) is None and pool.get(_key(6)) is not None


def test_sessions_attaching_at_the_same_moment_get_one_run():
    pool = TrainingPool(first_paint=0.0)
    key, runs = _key(), []
    barrier = threading.Barrier(8)

    def attach() -> None:
        barrier.wait()
        runs.append(pool.attach(key, _make(key)))

    threads = [threading.Thread(target=attach) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(r is runs[0] for r in runs) and pool.trained == 1
    _wait(pool, runs[0], "s")  # and that run is the one the pool trains


# --------------------------------------------------------------------------- ComputeProcess


def _pid() -> int:
    return os.getpid()


def _fail() -> None:
    raise ValueError("refused")


@pytest.fixture(scope="module")
def compute():
    process = ComputeProcess(1)
    process.start()
    _ready(process)
    yield process
    process.close()


def test_compute_process_answers_from_a_worker(compute):
    assert compute.ready and compute.pids
    pid = compute.call(_pid)
    assert pid in compute.pids and pid != os.getpid()


def test_compute_process_passes_the_functions_own_errors_on(compute):
    with pytest.raises(ValueError, match="refused"):
        compute.call(_fail)
    assert compute.call(_pid) != os.getpid()  # still there afterwards


def test_compute_process_without_workers_computes_here():
    process = ComputeProcess(0)
    process.start()
    assert not process.ready and process.call(_pid) == os.getpid()


def _ready(process: ComputeProcess) -> None:
    deadline = time.monotonic() + 60
    while not process.ready and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.ready


def test_compute_process_survives_a_dead_worker():
    process = ComputeProcess(1)
    process.start()
    try:
        _ready(process)
        (dead,) = process.pids
        os.kill(dead, signal.SIGKILL)  # the worker dies between two calls
        time.sleep(0.5)
        assert process.call(_pid) == os.getpid()  # answered here while a new worker starts
        _ready(process)
        assert process.pids != [dead] and process.call(_pid) in process.pids
    finally:
        process.close()


def test_descent_from_a_worker_equals_the_one_here(compute):
    """The page's paths come from the worker: the same bits as computed in the server."""
    region = ((-2.0, 2.0), (-1.0, 3.0))
    runs = [RunSpec("sgd", 0.001, None, 120), RunSpec("adam", 0.05, 0.8, 120), RunSpec("rmsprop", 0.01, 0.9, 40)]
    for key in [("rosenbrock",), ("bowl", 30.0, 45), ("custom", "sin(x) * y**2 + x**2")]:
        there = compute.call(descend_keyed, key, (-1.2, 1.0), runs, region)
        here = descend_many(keyed_surface(key), (-1.2, 1.0), runs, region)
        for a, b in zip(there, here, strict=True):
            assert torch.equal(a.xs, b.xs) and torch.equal(a.ys, b.ys) and torch.equal(a.grads, b.grads)
            assert (a.diverged_at, a.converged_at) == (b.diverged_at, b.converged_at)


def test_workers_do_not_run_the_script_that_started_them(tmp_path, monkeypatch):
    """In a Streamlit server ``__main__`` is the app script being run: a worker importing it would run the app
    and start a worker of its own, and so on without end."""
    marker = tmp_path / "ran"
    script = tmp_path / "app_script.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    fake = types.ModuleType("__main__")
    fake.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake)
    process = ComputeProcess(1)
    process.start()
    try:
        _ready(process)
        assert process.call(_pid) in process.pids
    finally:
        process.close()
    assert not marker.exists()
    assert sys.modules["__main__"] is fake  # put back


def test_workers_leave_with_a_server_killed_outright():
    """``kill -9`` of a replica (issue 11's failover) must not leave its worker behind."""
    code = (
        "import os, time\n"
        "from components.ui.shared import ComputeProcess\n"
        "p = ComputeProcess(1); p.start()\n"
        "while not p.ready: time.sleep(0.05)\n"
        "print(*p.pids, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout
    pids = [int(pid) for pid in out.split()]
    assert pids
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(os.path.exists(f"/proc/{pid}") for pid in pids)
