"""Markdown eats no character of any translated text, and code in it renders as code.

Every catalog string (``assets/i18n/*.toml``) and every explanation (``assets/text/*/*.md``) is rendered the way
Streamlit renders Markdown (``streamlit_markdown.py``: CommonMark + GFM + ``$`` maths). Each ``*``, ``_``, ``~``,
``$``, ``\\`` and ``<`` must either be intended markup (``**bold**`` and ``*emphasis*`` between words, bullets,
escapes, the explanations' formulas) or be seen by the reader. Templates are also filled the way ``t()`` fills
them, with typical values and with values full of markup characters: the values must show as typed.
"""

from __future__ import annotations

import re
import string

import pytest

from components.ui.i18n import LANGS, TEXT, catalog, fill
from tests.unit.streamlit_markdown import problems, render

TEXTS = [(lang, key) for lang in LANGS for key in catalog(lang)]
EXPLANATIONS = sorted(TEXT.glob("*/*.md"))
TEMPLATES = [(lang, key) for lang, key in TEXTS if "{" in catalog(lang)[key]]
# What t() is given in the app: numbers, typed formulas, error texts, file and parameter names.
TYPICAL: dict[str, object] = {
    "detail": "2x", "text": "(1-x)**2 + 100*(y-x**2)**2", "error": "mat1 and mat2 shapes cannot be multiplied",
    "name": "my_photo_1.png", "names": "fit_seed, conv_size", "fn": "MulBackward0", "op": "mul", "vars": "x, y",
    "formats": "PNG, JPEG", "opt": "Adam", "lr": "0.01", "mean": "mean of the channels; ", "axis": "x",
    "why": "the slope grows without bound", "grad": "-0.5", "up": "2", "value": "nan", "slope": "inf",
}  # fmt: skip
NASTY = "w_1*`y`**2 $3 \\ <b> ~z~ [a](b)"  # every character Markdown could take for markup
# Code outside a code span: operators between operands, calls, torch names, snake_case names, URL parameters.
CODE_LIKE = re.compile(
    r"[A-Za-z0-9)]\*{1,2}[A-Za-z0-9(]|\b[A-Za-z_]\w*\(\)|\b(?:torch|nn|F)\.\w+|\b[a-z]+_[a-z_]+\b|\?\w+=\w+"
)


def placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_the_model_catches_what_streamlit_eats():
    """The checker itself, on texts whose rendering is known."""
    assert problems("needs a *: write 2*x, not 2x")  # "*: write 2*" turns into emphasis
    assert problems("Example: (1-x)**2 + 100*(y-x**2)**2")
    assert problems("x**2 + y**2")  # bold glued to letters
    assert problems("costs $5 or $6")  # a formula
    assert problems("a <b>tag</b>") and problems("from ~1 to ~2")  # raw HTML; remark-gfm's single-tilde strike
    assert problems("**open bold")  # shows its stars
    for fine in ("**bold**, *rate of change* and `2*x*y`", "2*x alone", "x\\*y", "**导数** 是*变化率*：", "- a\n- b"):
        assert problems(fine) == [], fine
    assert problems("$$\nL = \\frac{1}{n}\\sum_i x_i^2\n$$\n\nand $\\lambda$", maths=True) == []
    assert render("a \\* b `c_d`").visible == "a * b c_d\n"


@pytest.mark.parametrize(("lang", "key"), TEXTS, ids=[f"{lang}:{key}" for lang, key in TEXTS])
def test_catalog_text_loses_no_character(lang, key):
    assert problems(catalog(lang)[key]) == []


@pytest.mark.parametrize("path", EXPLANATIONS, ids=[f"{p.parent.name}/{p.name}" for p in EXPLANATIONS])
def test_explanation_loses_no_character(path):
    assert problems(path.read_text(encoding="utf-8"), maths=True) == []


def _outside_code(text: str) -> str:
    text = re.sub(r"(`+).+?\1", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$\$.+?\$\$|\$[^$]+\$", " ", text, flags=re.DOTALL)
    return re.sub(r"\{\w*\}", " ", text)


def test_code_in_translated_text_is_in_code_spans():
    found = [f"{lang}:{key}: {m}" for lang, key in TEXTS for m in CODE_LIKE.findall(_outside_code(catalog(lang)[key]))]
    for path in EXPLANATIONS:
        found += [f"{path}: {m}" for m in CODE_LIKE.findall(_outside_code(path.read_text(encoding="utf-8")))]
    assert found == []


def test_every_placeholder_has_a_typical_value_or_is_a_number():
    names = {name for lang, key in TEMPLATES for name in placeholders(catalog(lang)[key])}
    assert {"detail", "text", "error", "name"} <= names  # where user text and error texts go in


@pytest.mark.parametrize(("lang", "key"), TEMPLATES, ids=[f"{lang}:{key}" for lang, key in TEMPLATES])
@pytest.mark.parametrize("kind", ["typical", "nasty"])
def test_filled_template_shows_its_values_as_typed(lang, key, kind):
    template = catalog(lang)[key]
    values = {name: NASTY if kind == "nasty" else TYPICAL.get(name, 12) for name in placeholders(template)}
    text = fill(template, values)
    assert problems(text) == []
    visible = render(text).visible
    for name, value in values.items():
        assert str(value) in visible, (name, value, visible)


def test_fill_escapes_outside_code_and_widens_code_fences():
    assert fill("near “{d}”", {"d": "2*x*y"}) == "near “2\\*x\\*y”"
    assert fill("keeps `{d}`", {"d": "2*x*y"}) == "keeps `2*x*y`"
    assert fill("keeps `{d}`", {"d": "a`b"}) == "keeps `` a`b ``"
    assert fill("{n} of {k:.2f}", {"n": 3, "k": 0.5}) == "3 of 0.50"
    assert render(fill("**{a}** and `{a}.grad`", {"a": "w_1*"})).visible == "w_1* and w_1*.grad\n"
