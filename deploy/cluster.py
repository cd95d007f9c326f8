"""N replicas of the app on loopback ports behind HAProxy, in one command (DESIGN §8).

    .venv/bin/python -m deploy.cluster --replicas 2 --port 8600     # or: make cluster N=2

prints the balancer's URL and stops everything on Ctrl-C. Tests use the same code:

    with Cluster(n=2) as c:
        c.url, c.replicas[0].port, c.replicas[0].pid
        c.kill_replica(0)

Every replica gets the same ``server.cookieSecret`` (STREAMLIT_SERVER_COOKIE_SECRET: taken from
the environment, or a fresh random one shared by this cluster's replicas).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from deploy import balancer
from tools.live_server import ROOT, free_port, wait_healthy

HAPROXY = "/usr/sbin/haproxy"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"


def haproxy_available() -> bool:
    return os.access(HAPROXY, os.X_OK)


try:  # looked up here, not in the forked child
    _prctl = ctypes.CDLL(None).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the parent dies (Linux), so no replica is left behind.

    (Precisely, when the thread that started the child ends: start a cluster from a thread that outlives it.)
    """
    if _prctl is not None:
        _prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM by PID, then SIGKILL if it does not exit in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _warm(urls: list[str]) -> None:
    """Open the home page once on every replica: it loads torch and the pages in the background (the
    app's ``load_soon``), so the first student a replica gets — after a failover, say — does not wait
    ~7 s for those imports."""
    from benchmarks.classroom import Student

    async def one(url: str) -> None:
        s = Student(url, "")
        try:
            await s.open()
        finally:
            await s.close()

    await asyncio.gather(*(one(u) for u in urls))


@dataclass
class Replica:
    name: str  # HAProxy's server name, also the SERVERID cookie value
    port: int
    proc: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.proc.pid


class Cluster:
    """``n`` Streamlit replicas and HAProxy in front on ``front_port``; a context manager."""

    def __init__(self, n: int = 2, front_port: int | None = None, log_dir: Path | None = None) -> None:
        if n < 1:
            raise ValueError("at least one replica")
        if not haproxy_available():
            raise FileNotFoundError(f"{HAPROXY} not found (Debian: apt-get install haproxy)")
        self.n = n
        self.front_port = front_port or free_port()
        self.url = f"http://127.0.0.1:{self.front_port}"
        self.cookie_secret = os.environ.get(COOKIE_SECRET_ENV) or secrets.token_hex(32)
        self.replicas: list[Replica] = []
        self.haproxy: subprocess.Popen | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="ml-playground-cluster-")
        self.log_dir = Path(log_dir or self._tmp.name)
        self.config = Path(self._tmp.name) / "haproxy.cfg"

    def _spawn(self, cmd: list[str], log_name: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        log = open(self.log_dir / log_name, "wb")  # noqa: SIM115 (the child keeps it)
        try:
            return subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches only this script, which then stops the rest in order
                preexec_fn=_die_with_parent,
            )
        finally:
            log.close()

    def start(self) -> Cluster:
        env = {**os.environ, COOKIE_SECRET_ENV: self.cookie_secret}
        for i in range(self.n):
            port = free_port()
            while port in {r.port for r in self.replicas} | {self.front_port}:
                port = free_port()
            cmd = [sys.executable, "app/serve.py", "--server.port", str(port)]
            cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
            cmd += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
            proc = self._spawn(cmd, f"replica{i + 1}.log", env)
            self.replicas.append(Replica(f"replica{i + 1}", port, proc))
        for r in self.replicas:
            wait_healthy(r.port)
        urls = [f"http://127.0.0.1:{r.port}" for r in self.replicas]
        warm = threading.Thread(target=asyncio.run, args=(_warm(urls),))  # its own event loop: callers may run one
        warm.start()
        warm.join()
        self.config.write_text(balancer.loopback([r.port for r in self.replicas], self.front_port))
        subprocess.run([HAPROXY, "-c", "-q", "-f", str(self.config)], check=True)
        self.haproxy = self._spawn([HAPROXY, "-f", str(self.config), "-db"], "haproxy.log")
        wait_healthy(self.front_port, timeout=10)
        self._wait_all_up()
        return self

    def _wait_all_up(self, timeout: float = 10.0) -> None:
        """HAProxy starts its servers up; wait until each has answered a request through it."""
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < self.n and time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(self.url + balancer.HEALTH_PATH, timeout=2) as r:
                seen.add(r.headers.get("X-Replica", ""))
        if len(seen) < self.n:
            raise TimeoutError(f"only {sorted(seen)} answered through HAProxy after {timeout}s")

    def replica(self, name: str) -> Replica:
        return next(r for r in self.replicas if r.name == name)

    def kill_replica(self, i: int) -> None:
        """SIGKILL replica ``i`` by its PID, as a crash would."""
        proc = self.replicas[i].proc
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self) -> None:
        if self.haproxy is not None:
            _stop(self.haproxy)
        for r in self.replicas:
            _stop(r.proc)
        self._tmp.cleanup()

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="N app replicas behind HAProxy on this machine.")
    parser.add_argument("--replicas", "-n", type=int, default=2)
    parser.add_argument("--port", type=int, default=8600, help="the balancer's port (default %(default)s)")
    parser.add_argument("--log-dir", type=Path, help="keep the replicas' and HAProxy's logs here")
    args = parser.parse_args(argv)
    if args.log_dir:
        args.log_dir.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill PID` stops everything like Ctrl-C
    print(f"Starting {args.replicas} replicas and HAProxy…", flush=True)
    try:
        with Cluster(args.replicas, args.port, args.log_dir) as c:
            for r in c.replicas:
                print(f"  {r.name}: http://127.0.0.1:{r.port}  (pid {r.pid})")
            print(f"  logs: {c.log_dir}" + ("" if args.log_dir else " (removed on exit; --log-dir keeps them)"))
            print(f"\n  Open {c.url}  (HAProxy pid {c.haproxy.pid}; Ctrl-C stops everything)\n", flush=True)
            while c.haproxy.poll() is None:
                time.sleep(0.5)
            print(f"HAProxy exited with {c.haproxy.returncode}; stopping.", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nStopped.")


if __name__ == "__main__":
    main()
