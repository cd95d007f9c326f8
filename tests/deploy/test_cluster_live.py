"""Two real replicas behind a real HAProxy (deploy/cluster.py): stickiness, websockets, uploads, failover."""

from __future__ import annotations

import http.cookiejar
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deploy.cluster import COOKIE_SECRET_ENV, Cluster

UPLOAD_BYTES = 19 * 1024 * 1024  # just under the app's server.maxUploadSize (20 MB)


class Client:
    """A browser's view over HTTP: one cookie jar, so HAProxy's SERVERID cookie goes back each time."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, path: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None):
        """(status, headers, body); HTTP errors are answers too."""
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()


def environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def websocket_handshake(c: Cluster, client: Client):
    """Open the app's websocket through the balancer as the browser does; return the 101 response."""
    from websockets.sync.client import connect

    cookies = "; ".join(f"{k.name}={k.value}" for k in client.jar)
    with connect(
        c.url.replace("http://", "ws://") + "/_stcore/stream",
        subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"],
        origin=c.url,
        additional_headers={"Cookie": cookies},
        open_timeout=10,
    ) as ws:
        return ws.response


@pytest.mark.timeout(90)
def test_two_replicas_behind_haproxy(haproxy, tmp_path):
    with Cluster(n=2, log_dir=tmp_path) as c:  # logs kept in tmp_path
        # Every replica has the same cookie secret.
        secrets = {environ(r.pid).get(COOKIE_SECRET_ENV) for r in c.replicas}
        assert len(secrets) == 1 and None not in secrets

        # Health through the balancer; HAProxy's cookie names the replica that answered.
        browser = Client(c.url)
        status, headers, body = browser.request("/_stcore/health")
        assert (status, body.strip()) == (200, b"ok")
        first = headers["X-Replica"]
        assert browser.cookie("SERVERID") == first

        # Sticky: the same cookie jar stays on that replica, and the cookie does not change.
        status, headers, body = browser.request("/")
        assert status == 200 and b'id="root"' in body
        for _ in range(5):
            status, headers, _ = browser.request("/_stcore/health")
            assert (status, headers["X-Replica"]) == (200, first)
            assert "SERVERID" not in (headers.get("Set-Cookie") or "")
        # ... while new browsers are spread over both replicas.
        assert {Client(c.url).request("/_stcore/health")[1]["X-Replica"] for _ in range(4)} == {"replica1", "replica2"}

        # The websocket upgrade passes the balancer and reaches the same replica.
        response = websocket_handshake(c, browser)
        assert response.status_code == 101
        assert response.headers.get("Sec-WebSocket-Protocol") == "streamlit"
        assert response.headers.get("X-Replica") == first

        # An upload as large as the app allows reaches the replica's upload handler (no session
        # behind this made-up id, so the app answers 400; the balancer refused nothing).
        xsrf = browser.cookie("_streamlit_xsrf")
        status, headers, body = browser.request(
            "/_stcore/upload_file/no-such-session/file1",
            method="PUT",
            data=b"\0" * UPLOAD_BYTES,
            headers={"X-Xsrftoken": xsrf or "", "Content-Type": "application/octet-stream"},
        )
        assert headers.get("X-Replica") == first, (status, body[:200])
        assert status == 400 and b"session_id" in body, (status, body[:200])

        # The replica dies: the same browser is re-dispatched to the survivor within 5 s.
        c.kill_replica(next(i for i, r in enumerate(c.replicas) if r.name == first))
        start = time.monotonic()
        status, headers, body = browser.request("/")
        took = time.monotonic() - start
        survivor = headers.get("X-Replica")
        assert status == 200 and b'id="root"' in body, status
        assert survivor not in (None, first)
        assert took < 5, f"re-dispatch took {took:.1f}s"
        assert browser.cookie("SERVERID") == survivor
        status, headers, _ = browser.request("/_stcore/health")
        assert (status, headers["X-Replica"]) == (200, survivor)
