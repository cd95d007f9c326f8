"""``t()``: every visible string, from ``assets/i18n/<lang>.toml``.

Keys are dotted (``conv.title``); a missing key in the chosen language falls
back to English and then to the key itself (a test forbids both).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "assets" / "i18n"
TEXT = ROOT / "assets" / "text"
LANGS = {"en": "English", "zh": "中文"}
LANG_KEY = "lang"


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for k, v in tree.items():
        if isinstance(v, dict):
            flat.update(_flatten(v, f"{prefix}{k}."))
        else:
            flat[f"{prefix}{k}"] = str(v)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """Flat ``{dotted.key: text}`` for one language."""
    with open(I18N / f"{lang}.toml", "rb") as f:
        return _flatten(tomllib.load(f))


def browser_lang() -> str:
    """``zh`` for any Chinese browser locale, else ``en``."""
    locale = (st.context.locale or "").lower()
    return "zh" if locale.startswith("zh") else "en"


def current_lang() -> str:
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGS else browser_lang()


def t(key: str, **values: object) -> str:
    """Translate ``key`` into the current language, formatting ``{names}``."""
    text = catalog(current_lang()).get(key) or catalog("en").get(key, key)
    return text.format(**values) if values else text


def explanation(topic: str) -> str:
    """The page's explanation (Markdown with ``$$`` formulas) in the current language."""
    return (TEXT / current_lang() / f"{topic}.md").read_text(encoding="utf-8")
