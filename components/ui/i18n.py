"""``t()``: every visible string, from ``assets/i18n/<lang>.toml``.

Keys are dotted (``conv.title``); a missing key in the chosen language falls
back to English and then to the key itself (a test forbids both).

Every catalog text is Markdown (Streamlit renders labels, captions, help and
messages as CommonMark + GFM + ``$`` maths), and ``t()`` returns Markdown: the
values it inserts are *text* and are shown character for character — escaped
outside code spans, and inside a code span of the template (`` `{text}` ``)
kept as typed, with the span's fences made longer if the value holds a backtick.
So a typed ``2*x*y`` or a file name ``my_photo_1.png`` is never eaten as markup.
"""

from __future__ import annotations

import re
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
    """Translate ``key`` into the current language, formatting ``{names}`` with :func:`fill`."""
    text = catalog(current_lang()).get(key) or catalog("en").get(key, key)
    return fill(text, values) if values else text


# Characters with a meaning somewhere in inline Markdown; CommonMark lets a backslash escape any of them.
_MARKUP = re.compile(r"[\\`*_~$<>\[\]&|]")
# A code span of a template: a run of backticks, then the shortest text up to a run of the same length.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_TICKS = re.compile(r"`+")


def literal(text: str) -> str:
    """``text`` as Markdown that shows it as typed (outside a code span): every markup character escaped."""
    return _MARKUP.sub(lambda m: "\\" + m.group(), text)


def fill(template: str, values: dict[str, object]) -> str:
    """``template.format(**values)`` for a Markdown template, showing every ``str`` value literally.

    Outside code spans a string value is :func:`literal`; inside one it is inserted as is (Markdown does not
    look inside code), and if it holds backticks the span's fences grow past its longest run of them.
    Numbers and other values are formatted as ``str.format`` does (format specs apply to them).
    """
    escaped = {k: literal(v) if isinstance(v, str) else v for k, v in values.items()}
    out, pos = [], 0
    for span in _CODE_SPAN.finditer(template):
        out.append(template[pos : span.start()].format(**escaped))
        code = span.group(2).format(**values)
        longest = max((len(run) for run in _TICKS.findall(code)), default=0)
        if longest:
            fence = "`" * max(len(span.group(1)), longest + 1)
            out.append(f"{fence} {code} {fence}")  # one space each side is stripped when rendered
        else:
            out.append(span.group(1) + code + span.group(1))
        pos = span.end()
    out.append(template[pos:].format(**escaped))
    return "".join(out)


def explanation(topic: str) -> str:
    """The page's explanation (Markdown with ``$$`` formulas) in the current language."""
    return (TEXT / current_lang() / f"{topic}.md").read_text(encoding="utf-8")
