"""Build the Chinese font subset the app ships (``app/static/fonts/cjk.woff2``).

Chinese must render on any machine, offline, even without CJK fonts installed
(issue 9). We ship a subset of Noto Sans CJK SC (SIL Open Font License 1.1,
see ``assets/LICENSES``): every character of the Chinese catalog and
explanations plus the 3,755 most common characters (GB 2312 level 1), so new
strings rarely need a rebuild. ``tests/unit/test_cjk_font.py`` fails when a
Chinese string uses a character the subset lacks; then run

    .venv/bin/python tools/build_cjk_font.py

Needs Debian's fonts-noto-cjk and ``pip install fonttools brotli`` (dev only).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = ROOT / "app" / "static" / "fonts" / "cjk.woff2"
FAMILY = "Noto Sans CJK SC"


def app_text() -> str:
    """Every Chinese string the app shows."""
    files = [ROOT / "assets" / "i18n" / "zh.toml", *sorted((ROOT / "assets" / "text" / "zh").glob("*.md"))]
    return "".join(p.read_text(encoding="utf-8") for p in files)


def is_cjk(ch: str) -> bool:
    """Characters the subset must cover: CJK ideographs, CJK punctuation and full-width forms."""
    o = ord(ch)
    return 0x3000 <= o <= 0x303F or 0x4E00 <= o <= 0x9FFF or 0xFF00 <= o <= 0xFFEF or 0x2E80 <= o <= 0x2FDF


def common_hanzi() -> str:
    """GB 2312 level 1: the 3,755 most frequent simplified characters (rows 16-55)."""
    chars = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def wanted() -> set[str]:
    return {c for c in app_text() + common_hanzi() if is_cjk(c)} | {chr(c) for c in range(0x3000, 0x3040)}


def main() -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    font = next(f for f in TTCollection(str(SOURCE)).fonts if FAMILY in f["name"].getDebugName(1))
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.hinting = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(ord(c) for c in wanted()))
    sub.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff2"
    font.save(str(TARGET))
    print(f"{TARGET.relative_to(ROOT)}: {len(wanted())} characters, {TARGET.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
