"""A section's rerun asked of a session that does not know the section runs the whole page instead.

Streamlit drops a rerun request for a fragment its session does not hold. That happens after a failover or
a server restart: the browser reconnects to a new session, keeps its page and (when its last run was a
whole one) does not rerun it, so the new session has never drawn a section; every press in one (the
tangent's x₀, Convolution's padding) was then dropped, and the page stayed as it was. Here such a request
becomes a rerun of the whole page with the same widget values: the press lands, and the sections are drawn
again for their next presses. ``install`` runs before the server takes requests (``app/serve.py``) and again,
harmlessly, at the top of every page run (a server started with ``streamlit run app/main.py``).
"""

from __future__ import annotations

import functools

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime.app_session import AppSession


def whole_if_unknown(session: AppSession, client_state: ClientState | None) -> ClientState | None:
    """``client_state``, or a copy asking for the whole page when it names a fragment ``session`` lacks."""
    if client_state is None or not client_state.fragment_id or session.has_fragment(client_state.fragment_id):
        return client_state
    whole = ClientState()
    whole.CopyFrom(client_state)
    whole.fragment_id = ""
    return whole


def install() -> None:
    """Route every session's rerun requests through ``whole_if_unknown`` (once per process)."""
    if getattr(AppSession.request_rerun, "_whole_if_unknown", False):
        return
    original = AppSession.request_rerun

    @functools.wraps(original)
    def request_rerun(self: AppSession, client_state: ClientState | None) -> None:
        original(self, whole_if_unknown(self, client_state))

    request_rerun._whole_if_unknown = True  # type: ignore[attr-defined]
    AppSession.request_rerun = request_rerun  # type: ignore[method-assign]
