"""Start the real app server and a headless Chromium for browser tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
_SERVERS: dict[str, subprocess.Popen] = {}  # base URL -> the running server (live_server)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, timeout: float = 60.0) -> float:
    """Poll ``/_stcore/health`` until it answers ``ok``; returns seconds waited."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        url = f"http://127.0.0.1:{port}/_stcore/health"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as r:
            if r.read().strip() == b"ok":
                return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"server on port {port} not healthy after {timeout}s")


@contextlib.contextmanager
def live_server(port: int | None = None, log: Path | None = None) -> Iterator[str]:
    """Run the app (``app/serve.py``) on a free port; yield its base URL; stop it by PID."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "app/serve.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ})
    try:
        wait_healthy(port)
        url = f"http://127.0.0.1:{port}"
        _SERVERS[url] = proc
        yield url
    finally:
        _SERVERS.pop(f"http://127.0.0.1:{port}", None)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            out.close()


def server_pid(url: str) -> int:
    """The PID of the server ``live_server`` started for ``url`` (its Python process)."""
    return _SERVERS[url].pid


def chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def launch_chromium(playwright):
    """Debian's Chromium through Playwright (Playwright cannot download browsers here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait for the script run to finish, as Streamlit's own e2e suite does."""
    page.wait_for_selector(IDLE, timeout=timeout)


def open_ready(page, url: str, selector: str, timeout: float = 60_000) -> None:
    """Go to ``url`` and wait until ``selector`` is there and the script run has finished."""
    page.goto(url)
    page.locator(selector).first.wait_for(timeout=timeout)
    wait_idle(page, timeout)
