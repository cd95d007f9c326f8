"""A section's rerun asked of a session that never drew the section becomes a rerun of the whole page."""

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime.app_session import AppSession

from components.ui.reruns import install, whole_if_unknown


class _Session:
    def __init__(self, fragments: set[str]) -> None:
        self.fragments = fragments

    def has_fragment(self, fragment_id: str) -> bool:
        return fragment_id in self.fragments


def _request(fragment: str) -> ClientState:
    state = ClientState(query_string="conv_sigma=1.1", page_script_hash="abc", fragment_id=fragment)
    state.widget_states.widgets.add(id="$$ID-x-conv_sigma").double_array_value.data[:] = [1.1]
    return state


def test_a_fragment_the_session_holds_reruns_alone():
    request = _request("f1")
    assert whole_if_unknown(_Session({"f1"}), request) is request


def test_a_fragment_the_session_never_drew_reruns_the_whole_page_with_the_same_values():
    request = _request("f1")
    whole = whole_if_unknown(_Session(set()), request)
    assert whole.fragment_id == ""
    assert whole.query_string == "conv_sigma=1.1" and whole.page_script_hash == "abc"
    assert list(whole.widget_states.widgets[0].double_array_value.data) == [1.1]
    assert request.fragment_id == "f1"  # the browser's message is not changed


def test_whole_page_requests_and_none_pass_through():
    request = _request("")
    assert whole_if_unknown(_Session(set()), request) is request
    assert whole_if_unknown(_Session(set()), None) is None


def test_install_wraps_request_rerun_once(monkeypatch):
    seen = []
    monkeypatch.setattr(AppSession, "request_rerun", lambda self, client_state: seen.append(client_state))
    install()
    install()  # the second call (every page run) does not wrap again
    wrapped = AppSession.request_rerun
    assert wrapped._whole_if_unknown
    wrapped(_Session(set()), _request("gone"))
    wrapped(_Session({"kept"}), _request("kept"))
    assert [s.fragment_id for s in seen] == ["", "kept"]
