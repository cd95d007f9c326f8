"""The real app in headless Chromium."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from components.ui.pages import PAGES
from tests.browser.conftest import goto, output_image_src
from tools.live_server import live_server, wait_idle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("query", ["", "?projector=1&lang=zh"])
@pytest.mark.parametrize("path", [p.url_path for p in PAGES])
def test_every_page_loads_without_exception(page, server_url, path, query):
    goto(page, f"{server_url}/{path}{query}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.is_visible()


def test_slider_move_changes_output_image(page, server_url):
    goto(page, f"{server_url}/convolution")
    before = output_image_src(page)
    stride = page.locator('.st-key-conv_stride input[type="range"]')
    assert stride.input_value() == "1"
    stride.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        'before => document.querySelectorAll(\'[data-testid="stMain"] [data-testid="stImage"] img\')[1]'
        "?.getAttribute('src') !== before",
        arg=before,
        timeout=30_000,
    )
    wait_idle(page)
    assert stride.input_value() == "2"
    assert output_image_src(page) != before
    assert "conv_stride=2" in page.url
    page.get_by_text("Output · 226×150").wait_for(timeout=30_000)


def test_upload_through_file_input(page, server_url, tmp_path):
    goto(page, f"{server_url}/convolution")
    buf = io.BytesIO()
    Image.new("RGB", (120, 80), (10, 200, 60)).save(buf, format="PNG")
    path = tmp_path / "green.png"
    path.write_bytes(buf.getvalue())
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_text("Input · 120×80").wait_for(timeout=30_000)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".st-key-conv_image input").input_value() == "Your upload"


def test_broken_upload_keeps_previous_image(page, server_url, tmp_path):
    goto(page, f"{server_url}/convolution")
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\nnot really a png")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_text("is not an image this lab can read").wait_for(timeout=30_000)
    page.get_by_text("Input · 451×300").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_language_switch_keeps_every_setting(page, server_url):
    goto(page, f"{server_url}/convolution?conv_kernel=gaussian&conv_image=coffee&conv_stride=2")
    assert page.locator("h1").first.inner_text() == "Convolution"
    page.locator(".st-key-lang input").click()
    page.get_by_role("option", name="中文").click()
    page.locator("h1", has_text="卷积").wait_for(timeout=30_000)
    wait_idle(page)
    assert "lang=zh" in page.url
    page.get_by_text("输入 · 600×400").wait_for(timeout=30_000)
    assert page.locator(".st-key-conv_kernel input").input_value() == "高斯模糊"
    # the next rerun must not fall back to defaults either
    page.locator('.st-key-conv_stride input[type="range"]').focus()
    page.keyboard.press("ArrowRight")
    page.get_by_text("输出 · 200×134").wait_for(timeout=30_000)  # (600 + 2 - 3) // 3 + 1, (400 + 2 - 3) // 3 + 1
    wait_idle(page)
    assert page.locator(".st-key-conv_kernel input").input_value() == "高斯模糊"
    assert page.locator(".st-key-conv_image input").input_value() == "咖啡杯（照片）"


def test_reset_restores_every_default(page, server_url):
    query = "conv_kernel=gaussian&conv_size=7&conv_stride=3&conv_dilation=2&conv_padding=4"
    goto(page, f"{server_url}/convolution?{query}")
    page.get_by_role("button", name="Reset settings").click()
    page.get_by_text("Output · 451×300").wait_for(timeout=30_000)
    wait_idle(page)
    assert page.locator(".st-key-conv_kernel input").input_value() == "Sobel x (vertical edges)"
    for key, value in (("conv_stride", "1"), ("conv_dilation", "1"), ("conv_padding", "1")):
        assert page.locator(f'.st-key-{key} input[type="range"]').input_value() == value
    assert "conv_" not in page.url


def test_deep_link_restores_settings(page, server_url):
    goto(page, f"{server_url}/convolution?conv_stride=2&conv_kernel=gaussian&conv_size=5&lang=zh")
    assert page.locator('.st-key-conv_stride input[type="range"]').input_value() == "2"
    assert page.locator('.st-key-conv_size input[type="range"]').input_value() == "5"
    assert page.locator(".st-key-conv_kernel input").input_value() == "高斯模糊"
    page.get_by_text("输出 · 225×149").wait_for(timeout=30_000)  # k=5, P=1, S=2


def test_deep_link_on_first_visit_after_server_start(browser):
    """A fresh server whose very first request is a deep link (the legacy `pages/`
    folder discovery would answer "Page not found" here)."""
    with live_server() as url:
        context = browser.new_context()
        try:
            pg = context.new_page()
            goto(pg, f"{url}/convolution?conv_stride=3&conv_kernel=box_blur&conv_padding_mode=reflect")
            assert pg.get_by_text("Page not found").count() == 0
            assert pg.locator("h1").first.inner_text() == "Convolution"
            assert pg.locator('.st-key-conv_stride input[type="range"]').input_value() == "3"
            assert pg.locator(".st-key-conv_kernel input").input_value() == "Box blur (mean)"
            assert pg.locator(".st-key-conv_padding_mode input").input_value() == "reflect"
            pg.get_by_text("Output · 151×100").wait_for(timeout=30_000)
        finally:
            context.close()


def test_projector_mode_link(page, server_url):
    goto(page, f"{server_url}/convolution")
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    goto(page, f"{server_url}/convolution?projector=1")
    page.wait_for_function(
        "normal => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) > normal * 1.15",
        arg=normal,
        timeout=30_000,
    )
    assert page.locator(".st-key-projector input").is_checked()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_chinese_browser_gets_chinese_by_default(browser, server_url):
    context = browser.new_context(locale="zh-CN")
    try:
        pg = context.new_page()
        goto(pg, f"{server_url}/")
        assert pg.locator("h1").first.inner_text() == "机器学习可视化实验室"
        goto(pg, f"{server_url}/convolution?lang=en")
        assert pg.locator("h1").first.inner_text() == "Convolution"
    finally:
        context.close()


def test_derivatives_typed_function_in_chinese(page, server_url):
    goto(page, f"{server_url}/derivatives?lang=zh&deriv_f1=custom")
    assert page.locator("h1").first.inner_text() == "导数与梯度"
    box = page.locator(".st-key-deriv_f1_text input")
    box.fill("x^2")
    box.press("Enter")
    page.get_by_text("f′(x₀)（autograd）").wait_for(timeout=30_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')].some(e => e.innerText.trim() === '3')",
        timeout=30_000,
    )  # d/dx x² at 1.5
    box.fill("x +")
    box.press("Enter")
    page.get_by_text("公式不完整").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_derivatives_gradient_tab(page, server_url):
    goto(page, f"{server_url}/derivatives")
    page.get_by_role("tab", name="f(x, y): partial derivatives & gradient").click()
    page.locator(".st-key-deriv_contour").wait_for(timeout=30_000)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("∂f/∂x").first.is_visible()


def _first_path_start(page) -> tuple[float, float]:
    return page.evaluate(
        "() => { const d = document.querySelector('.st-key-gd_pick .js-plotly-plot').data[2];"
        " return [d.x[0], d.y[0]]; }"
    )


def test_gradient_descent_click_sets_start_and_lr_redraws(page, server_url):
    goto(page, f"{server_url}/gradient-descent")
    plot = page.locator(".st-key-gd_pick .nsewdrag").first
    plot.scroll_into_view_if_needed()
    assert _first_path_start(page) == [-1.2, 1.0]
    box = plot.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    page.wait_for_function(
        "() => document.querySelector('.st-key-gd_x0 input[type=range]').value !== '-1.2'", timeout=30_000
    )
    wait_idle(page)
    x, y = _first_path_start(page)
    assert abs(x - 1.0) <= 0.011 and abs(y - 2.0) <= 0.011  # Rosenbrock region x ∈ [-2, 2], y ∈ [-1, 3]: exact
    before = page.evaluate("() => document.querySelector('.st-key-gd_pick .js-plotly-plot').data[2].x.slice(-1)[0]")
    lr = page.locator('.st-key-gd_lr input[type="range"]')
    lr.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(  # the chart is remounted on a new figure: for a moment there is none
        "b => { const p = document.querySelector('.st-key-gd_pick .js-plotly-plot');"
        " return !!(p && p.data && p.data[2]) && p.data[2].x.slice(-1)[0] !== b; }",
        arg=before,
        timeout=30_000,
    )
    assert page.locator('[data-testid="stException"]').count() == 0


def test_gradient_descent_in_chinese(page, server_url):
    goto(page, f"{server_url}/gradient-descent?lang=zh")
    assert page.locator("h1").first.inner_text() == "梯度下降"
    page.get_by_text("损失曲面").first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
