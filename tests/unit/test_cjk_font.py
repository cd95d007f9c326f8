"""The shipped Chinese font subset covers every Chinese character the app shows."""

import tomllib
from pathlib import Path

from fontTools.ttLib import TTFont

from tools.build_cjk_font import TARGET, app_text, is_cjk

ROOT = Path(__file__).resolve().parents[2]


def test_subset_covers_every_chinese_character():
    cmap = set(TTFont(str(TARGET)).getBestCmap())
    missing = sorted({c for c in app_text() if is_cjk(c) and ord(c) not in cmap})
    assert not missing, f"rebuild with tools/build_cjk_font.py; missing {''.join(missing)}"


def test_subset_is_served_for_chinese_ranges_only():
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        theme = tomllib.load(f)["theme"]
    (face,) = theme["fontFaces"]
    assert face["url"] == "app/static/" + str(TARGET.relative_to(ROOT / "app" / "static"))
    assert "PlaygroundCJK" in theme["font"] and face["family"] == "PlaygroundCJK"
    assert "4E00-9FFF" in face["unicodeRange"]
    assert (TARGET.parent / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") == 1
