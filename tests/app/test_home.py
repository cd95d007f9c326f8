"""Home page and router."""

from tests.app.conftest import open_page


def test_home_renders_with_cards():
    at = open_page()
    assert not at.exception
    assert at.title[0].value == "ML Playground"
    links = at.get("page_link")
    assert any("Convolution" in link.proto.label for link in links)


def test_home_in_chinese():
    at = open_page(lang="zh")
    assert not at.exception
    assert at.title[0].value == "机器学习可视化实验室"


def test_projector_flag_from_link():
    at = open_page(projector="1")
    assert not at.exception
    assert at.toggle(key="projector").value is True
