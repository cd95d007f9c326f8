"""A student as the server sees one: a real Streamlit session over its websocket protocol, no browser.

What a browser does, in order: ``GET /<page>?<link>`` (the app's HTML), ``GET /_stcore/health`` (which sets
the ``_streamlit_xsrf`` cookie), then the websocket ``/_stcore/stream`` with the cookies, the ``streamlit``
subprotocol and the XSRF token, and a ``rerun_script`` message carrying the link's query string and the page's
name. Each run's ``ForwardMsg``s arrive until ``script_finished``; every picture the run shows (``st.image``
and the ``<img src="/media/...">`` of our HTML) is then fetched, as the browser would: once per URL (media
URLs name their content, so a picture already on the page is not loaded again).

Moving a widget sends the same ``rerun_script`` with that widget's new value (by its element id, learnt from
the deltas); the other widgets keep the values the server holds for them. A widget drawn inside a section
(``st.fragment``, its deltas name the fragment) reruns only that section, as the browser asks. Loopback only:
``Student`` refuses a non-loopback host.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import json
import re
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MEDIA = re.compile(r'(?:src|href)="(/media/[^"]+)"')
FINISHED_OK = {ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY}
FINISHED_ANY = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
WIDGETS = ("slider", "number_input", "selectbox", "checkbox", "radio")
SELECT_SLIDER = 2  # Slider.Type.SELECT_SLIDER: options are the formatted strings, values their indices


@dataclass
class Widget:
    """A widget the page drew: its element id, kind and proto (bounds, options, current value)."""

    id: str
    kind: str
    proto: Any
    fragment: str = ""  # the section (st.fragment) it belongs to: moving it reruns only that, as in a browser

    @property
    def key(self) -> str:
        return self.id.rsplit("-", 1)[-1] if self.id.startswith("$$ID") else self.id


@dataclass
class Run:
    """One script run as the student met it.

    Attributes:
        seconds: request sent → ``script_finished`` (the last run when the app reran itself).
        answered: request sent → the first progress bar of the run (training pages), else ``None``.
        pictures: request sent → every picture of the run fetched (``None`` if it had none).
        exceptions: ``st.exception`` / error elements the run drew (tracebacks are failures).
    """

    seconds: float
    answered: float | None = None
    pictures: float | None = None
    media: int = 0
    media_errors: int = 0
    exceptions: list[str] = field(default_factory=list)
    status: str = ""


class StudentError(RuntimeError):
    pass


def _check_loopback(base: str) -> None:
    host = urllib.parse.urlsplit(base).hostname
    if host not in LOOPBACK:
        raise StudentError(f"the classroom harness only talks to loopback servers, not {host!r}")


class Student:
    """One browser-like session on ``base`` (``http://127.0.0.1:<port>``) showing ``page?query``."""

    def __init__(self, base: str, page: str, query: str = "", timeout: float = 60.0) -> None:
        _check_loopback(base)
        self.base, self.page, self.query, self.timeout = base.rstrip("/"), page, query, timeout
        self.cookies = http.cookiejar.CookieJar()
        self._http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.widgets: dict[str, Widget] = {}
        self.values: dict[str, Any] = {}  # what this student set, by widget id (the browser's widget state)
        self._fetched: set[str] = set()  # picture URLs already loaded (content-addressed: never refetched)
        self.page_hash = ""
        self._ws: Any = None
        self._reader: asyncio.Task | None = None
        self._run: asyncio.Future | None = None
        self._run_msgs: list[ForwardMsg] = []
        self._sent = 0.0
        self._answered: float | None = None

    # ------------------------------------------------------------------ HTTP, as the browser does
    def _get(self, path: str) -> bytes:
        with self._http.open(self.base + path, timeout=self.timeout) as r:
            return r.read()

    async def get(self, path: str) -> bytes:
        return await asyncio.to_thread(self._get, path)

    def _cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    # ------------------------------------------------------------------ the session
    async def open(self) -> Run:
        """Load the page as a first visit: HTML, health (XSRF cookie), websocket, first run."""
        link = f"/{self.page}" + (f"?{self.query}" if self.query else "")
        await self.get(link)
        await self.get("/_stcore/health")
        return await self._connect_and_run()

    async def _connect_and_run(self) -> Run:
        token = self._cookie("_streamlit_xsrf") or "PLACEHOLDER_AUTH_TOKEN"
        ws_url = "ws" + self.base[4:] + "/_stcore/stream"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        self._ws = await connect(
            ws_url,
            subprotocols=["streamlit", token],
            additional_headers={"Cookie": cookie, "Origin": self.base},
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
        )
        self._reader = asyncio.create_task(self._read())
        return await self._rerun([])

    @property
    def replica(self) -> str | None:
        """The replica a balancer keeps this student on (HAProxy's ``SERVERID`` cookie), if any."""
        return self._cookie("SERVERID")

    async def reconnect(self) -> Run:
        """What the browser does when its websocket drops: connect again (through the balancer, which sends
        it to a live replica) and rerun the page with the link as it is now (every setting is in it)."""
        await self.close()
        self.page_hash, self.widgets, self.values, self._ws = "", {}, {}, None
        await self.get("/_stcore/health")
        return await self._connect_and_run()

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._on_message(msg)
        except Exception as err:  # the server went away: the waiting run fails
            if self._run is not None and not self._run.done():
                self._run.set_exception(StudentError(f"connection lost: {err!r}"))
            return
        if self._run is not None and not self._run.done():
            self._run.set_exception(StudentError("connection closed"))

    def _on_message(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "navigation":  # st.navigation: the page this run shows (reruns name it by this hash)
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta":
            self._run_msgs.append(msg)
            element = msg.delta.new_element if msg.delta.WhichOneof("type") == "new_element" else None
            if element is not None:
                what = element.WhichOneof("type")
                if what in WIDGETS:
                    proto = getattr(element, what)
                    self.widgets[proto.id] = Widget(proto.id, what, proto, msg.delta.fragment_id)
                elif what == "progress" and self._answered is None:
                    self._answered = time.perf_counter() - self._sent
        elif kind == "script_finished":
            status = msg.script_finished
            if status in FINISHED_ANY and self._run is not None and not self._run.done():
                self._run.set_result(ForwardMsg.ScriptFinishedStatus.Name(status))

    async def _rerun(self, states: list[WidgetState], fragment: str = "") -> Run:
        back = BackMsg()
        rerun = back.rerun_script
        rerun.fragment_id = fragment
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        rerun.page_name = "" if self.page_hash else self.page
        rerun.widget_states.widgets.extend(states)
        info = rerun.context_info
        info.timezone, info.locale = "UTC", "en-US"
        info.url = f"{self.base}/{self.page}" + (f"?{self.query}" if self.query else "")
        loop = asyncio.get_running_loop()
        self._run, self._run_msgs, self._answered = loop.create_future(), [], None
        self._sent = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        status = await asyncio.wait_for(self._run, self.timeout)
        run = Run(time.perf_counter() - self._sent, self._answered, status=status)
        run.exceptions = self._exceptions(self._run_msgs)
        urls = [u for u in self._media(self._run_msgs) if u not in self._fetched]  # the browser has the others
        self._fetched.update(urls)
        if urls:
            results = await asyncio.gather(*(self.get(u) for u in urls), return_exceptions=True)
            run.media = len(urls)
            run.media_errors = sum(isinstance(r, Exception) or not r for r in results)
            run.pictures = time.perf_counter() - self._sent
        return run

    @staticmethod
    def _exceptions(msgs: list[ForwardMsg]) -> list[str]:
        found = []
        for m in msgs:
            if m.delta.WhichOneof("type") != "new_element":
                continue
            e = m.delta.new_element
            if e.WhichOneof("type") == "exception":
                found.append(f"{e.exception.type}: {e.exception.message}")
        return found

    @staticmethod
    def _media(msgs: list[ForwardMsg]) -> list[str]:
        """Every picture URL a run shows: images, and ``/media/`` links in our HTML (last copy of each)."""
        urls: list[str] = []
        for m in msgs:
            if m.delta.WhichOneof("type") != "new_element":
                continue
            e = m.delta.new_element
            what = e.WhichOneof("type")
            if what == "imgs":
                urls += [i.url for i in e.imgs.imgs if i.url.startswith("/media/")]
            elif what == "html":
                urls += MEDIA.findall(e.html.body)
        return list(dict.fromkeys(urls))

    # ------------------------------------------------------------------ moving controls
    def widget(self, key: str) -> Widget:
        found = [w for w in self.widgets.values() if w.key == key]
        if not found:
            have = sorted(w.key for w in self.widgets.values())
            raise StudentError(f"no widget {key!r} on {self.page} (have {have})")
        return found[-1]

    def value(self, key: str) -> Any:
        """The widget's value: as this student last set it, else as the server drew it (a select slider's
        option index)."""
        w = self.widget(key)
        if w.id in self.values:
            return self.values[w.id]
        p = w.proto
        if w.kind == "slider" and p.type == SELECT_SLIDER:
            if p.raw_value in p.options:
                return list(p.options).index(p.raw_value)
            return int((list(p.value) or list(p.default))[0])
        if w.kind == "slider":
            v = list(p.value) or list(p.default)
            return v[0] if len(v) == 1 else v
        if w.kind == "number_input":
            return p.value if p.set_value or p.HasField("value") else p.default
        raise StudentError(f"reading a {w.kind} is not supported")

    def step(self, key: str, steps: int) -> WidgetState | None:
        """The widget state that moves ``key`` by ``steps`` of its step (clamped to its range; ``None`` if it
        cannot move that way)."""
        w = self.widget(key)
        p, state = w.proto, WidgetState(id=w.id)
        now = self.value(key)
        if w.kind == "slider" and p.type == SELECT_SLIDER:
            new = min(max(int(now) + steps, 0), len(p.options) - 1)
            state.string_array_value.data[:] = [p.options[new]]
        elif w.kind == "slider":
            new = min(max(now + steps * p.step, p.min), p.max)
            state.double_array_value.data[:] = [new]
        elif w.kind == "number_input":
            new = now + steps * (p.step or 1)
            new = max(new, p.min) if p.has_min else new
            new = min(new, p.max) if p.has_max else new
            state.double_value = float(new)
        else:
            raise StudentError(f"moving a {w.kind} is not supported")
        if new == now:
            return None
        self.values[w.id] = new
        return state

    async def move(self, key: str, steps: int) -> Run | None:
        """Move ``key`` by ``steps`` (one key press each way) and wait for the run; ``None`` if it is at its end."""
        state = self.step(key, steps)
        if state is None:
            return None
        return await self._rerun([state], self.widget(key).fragment)


def describe(run: Run) -> str:
    return json.dumps(run.__dict__)
