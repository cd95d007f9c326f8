"""A link to an uploaded photo that this session does not hold (the replica died, or the link was shared).

The upload lived only on the server that received it (DESIGN §8). The page must say so plainly, in
the chosen language, and keep working on the sample; the user's own "upload" choice, made in this
session before uploading anything, keeps the ordinary hint.
"""

from __future__ import annotations

from tests.app.conftest import ok, open_page, png_bytes

LOST_EN = "This link shows an uploaded photo, but this server does not have it"
LOST_ZH = "这个链接显示的是一张上传的照片，但这台服务器上没有它"
HINT_EN = "Upload an image below to use it here."
SAMPLE = "451×300"  # the default sample (the cat photo)


def warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


def infos(at) -> str:
    return " ".join(i.value for i in at.info)


def input_size(at) -> str:
    return at.metric[0].value  # the input's W×H, whatever the language


def sample_shown(at) -> None:
    ok(at)
    assert input_size(at) == SAMPLE
    assert len(at.image) >= 2, "the input and output pictures"
    (code,) = [c.value for c in at.code if "nn.Conv2d" in c.value]
    assert "assets/images/cat.jpg" in code  # the code panel works on the sample too


def test_upload_link_without_the_upload_says_so_and_shows_the_sample():
    at = open_page("convolution", conv_image="upload")
    sample_shown(at)
    assert LOST_EN in warnings(at)
    assert "Upload your photo again" in warnings(at)
    assert HINT_EN not in infos(at)  # the plain notice replaces the generic hint
    at.run()  # and stays on reruns until something changes
    ok(at)
    assert LOST_EN in warnings(at)


def test_the_notice_in_chinese():
    at = open_page("convolution", conv_image="upload", lang="zh")
    sample_shown(at)
    assert LOST_ZH in warnings(at)
    assert "请重新上传你的照片" in warnings(at)
    assert LOST_EN not in warnings(at)


def test_uploading_a_photo_removes_the_notice():
    at = open_page("convolution", conv_image="upload")
    assert LOST_EN in warnings(at)
    at.file_uploader(key="conv_upload").set_value(("again.png", png_bytes(40, 30), "image/png"))
    at.run()
    ok(at)
    assert input_size(at) == "40×30"
    assert LOST_EN not in warnings(at)
    assert at.query_params.get("conv_image") == "upload"


def test_choosing_upload_in_this_session_keeps_the_ordinary_hint():
    at = open_page("convolution")
    at.selectbox(key="conv_image").set_value("upload").run()
    ok(at)
    assert input_size(at) == SAMPLE
    assert HINT_EN in infos(at)
    assert LOST_EN not in warnings(at)


def test_a_removed_upload_is_not_a_lost_one():
    at = open_page("convolution")
    at.file_uploader(key="conv_upload").set_value(("mine.png", png_bytes(40, 30), "image/png"))
    at.run()
    assert at.session_state["conv_image"] == "upload"
    at.file_uploader(key="conv_upload").set_value(None)
    at.run()
    ok(at)
    assert LOST_EN not in warnings(at)
    assert input_size(at) == "40×30"  # the last good image stays, as before


def test_a_file_the_browser_names_but_this_server_never_received(monkeypatch):
    """After a failover the browser still sends its uploader's file id; the survivor has no such file
    (Streamlit hands the page a ``DeletedFile``): the notice and the sample, no AttributeError."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    at = open_page("convolution", conv_image="upload")
    at.file_uploader(key="conv_upload").set_value(("mine.png", png_bytes(40, 30), "image/png"))
    monkeypatch.setattr(MemoryUploadedFileManager, "get_files", lambda self, session_id, file_ids: [])
    at.run()
    sample_shown(at)
    assert LOST_EN in warnings(at)
    monkeypatch.undo()  # the photo uploaded again reaches this server
    at.file_uploader(key="conv_upload").set_value(("mine.png", png_bytes(40, 30), "image/png"))
    at.run()
    ok(at)
    assert input_size(at) == "40×30"
    assert LOST_EN not in warnings(at)
