"""The en/zh catalogs: same keys, same placeholders, and every key the code asks for exists."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from components.compute.convolution import PADDING_MODES
from components.compute.kernels import KERNELS
from components.ui.i18n import LANGS, catalog
from components.ui.image_input import SAMPLES, UPLOAD
from components.ui.pages import PAGES, SECTIONS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "app").rglob("*.py"), *(ROOT / "components").rglob("*.py")])
IMAGE_REASONS = ("empty", "too_large", "not_image", "bomb", "truncated")
GEOMETRY_REASONS = ("too_big", "reflect", "circular", "mode", "range")
EN, ZH = catalog("en"), catalog("zh")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_languages():
    assert set(LANGS) == {"en", "zh"}


def test_catalogs_have_identical_keys():
    assert len(EN) > 50
    assert sorted(set(EN) - set(ZH)) == []
    assert sorted(set(ZH) - set(EN)) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_empty_values(lang):
    empty = [k for k, v in catalog(lang).items() if not str(v).strip()]
    assert empty == []


def test_same_placeholders_in_both_languages():
    mismatched = {
        k: (placeholders(EN[k]), placeholders(ZH[k])) for k in EN if placeholders(EN[k]) != placeholders(ZH[k])
    }
    assert mismatched == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_value_is_a_valid_format_string(lang):
    for key, text in catalog(lang).items():
        try:
            list(string.Formatter().parse(text))
        except ValueError as exc:  # e.g. a lone "{" that .format() would choke on
            pytest.fail(f"{lang}:{key}: {exc}")


def test_chinese_catalog_is_translated():
    """At least most strings contain CJK characters (a copied English value would slip through otherwise)."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    translated = [k for k, v in ZH.items() if cjk.search(v)]
    assert len(translated) > 0.8 * len(ZH)


# --------------------------------------------------------------------------- keys used by the code


LITERAL_CALL = re.compile(r"""\bt\(\s*(["'])([A-Za-z0-9_.]+)\1""")


def _literal_keys() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in SOURCES:
        for m in LITERAL_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(m.group(2), []).append(str(path.relative_to(ROOT)))
    return found


def test_literal_keys_used_in_code_exist():
    keys = _literal_keys()
    assert len(keys) > 40, "the t('...') pattern no longer finds the calls"
    assert "conv.kernel_header" in keys and "image.choose" in keys
    missing = {k: where for k, where in keys.items() if k not in EN}
    assert missing == {}


@pytest.mark.parametrize(
    ("prefix", "names", "allowed"),
    [
        ("conv.kernels", [*KERNELS, "custom"], set()),
        ("conv.modes", list(PADDING_MODES), set()),
        ("image.sample", [*SAMPLES, UPLOAD], set()),
        ("image.error", list(IMAGE_REASONS), {"name"}),
        ("conv.geometry_error", list(GEOMETRY_REASONS), {"span", "h", "w", "p"}),
        ("conv.colors", ["rgb", "gray"], set()),
        ("conv.displays", ["auto", "clamp", "signed"], set()),
        ("sections", list(SECTIONS), set()),
    ],
)
def test_keys_built_with_f_strings_exist(prefix, names, allowed):
    """Keys the code builds with f-strings; ``allowed`` = the values the code passes to t()."""
    missing = [f"{prefix}.{n}" for n in names if f"{prefix}.{n}" not in EN]
    assert missing == []
    for n in names:
        key = f"{prefix}.{n}"
        assert placeholders(EN[key]) <= allowed and placeholders(ZH[key]) <= allowed, key


def test_sliding_window_labels_exist_without_placeholders():
    for k in ("input", "output", "play", "pause", "step"):
        assert f"conv.window_{k}" in EN
        assert placeholders(EN[f"conv.window_{k}"]) == placeholders(ZH[f"conv.window_{k}"]) == set()


def test_every_page_has_a_title_and_every_card_a_line():
    """Navigation shows ``<i18n>.title`` for every page; the home cards (pages with an address) add ``.card``."""
    for page in PAGES:
        assert f"{page.i18n}.title" in EN, page
        assert page.section in SECTIONS
        if page.url_path:
            assert f"{page.i18n}.card" in EN, page


def test_upload_reason_and_geometry_reason_codes_match_the_code():
    """The reason codes in the catalog are exactly the ones the compute layer raises."""
    from components.compute import convolution, images

    raised_geometry = set(re.findall(r'GeometryError\(\s*"(\w+)"', Path(convolution.__file__).read_text()))
    raised_image = set(re.findall(r'ImageError\(\s*"(\w+)"', Path(images.__file__).read_text()))
    assert raised_geometry == set(GEOMETRY_REASONS)
    assert raised_image == set(IMAGE_REASONS)
    assert {k.rsplit(".", 1)[1] for k in EN if k.startswith("conv.geometry_error.")} == set(GEOMETRY_REASONS)
    assert {k.rsplit(".", 1)[1] for k in EN if k.startswith("image.error.")} == set(IMAGE_REASONS)


# --------------------------------------------------------------------------- placeholders vs. arguments


def _t_calls():
    """Every ``t(key, **values)`` call: (file:line, key regex, literal?, keyword names or None if ``**kwargs``)."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"):
                continue
            if not node.args:
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                pattern = re.escape(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                pattern = "".join(
                    re.escape(v.value) if isinstance(v, ast.Constant) else r"[A-Za-z0-9_.]+" for v in arg.values
                )
            else:
                continue
            names = None if any(kw.arg is None for kw in node.keywords) else {kw.arg for kw in node.keywords}
            literal = isinstance(arg, ast.Constant)
            yield f"{path.relative_to(ROOT)}:{node.lineno}", pattern, literal, names


def test_t_calls_were_found():
    calls = list(_t_calls())
    assert len(calls) > 50
    assert any("conv\\.kernels" in p for _, p, _, _ in calls)


def test_every_t_call_matches_a_key_and_supplies_its_placeholders():
    problems = []
    for where, pattern, literal, names in _t_calls():
        keys = [k for k in EN if re.fullmatch(pattern, k)]
        if not keys:
            problems.append(f"{where}: no key matches {pattern}")
            continue
        if names is None:
            continue
        for key in keys:
            for lang, cat in (("en", EN), ("zh", ZH)):
                needed = placeholders(cat[key])
                if names and not needed <= names:
                    problems.append(f"{where}: {lang}:{key} needs {sorted(needed - names)}")
                # an f-string key pattern may also match sibling keys, so only literal keys are checked here
                if not names and needed and literal:
                    problems.append(f"{where}: {lang}:{key} has {sorted(needed)} but t() is called without values")
    assert problems == []


# --------------------------------------------------------------------------- explanations


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explanation_files_exist_and_have_a_formula(lang):
    path = ROOT / "assets" / "text" / lang / "convolution.md"
    text = path.read_text(encoding="utf-8")
    assert text.strip()
    assert "$$" in text and text.count("$$") % 2 == 0


def test_every_page_module_has_explanations_in_both_languages():
    for page in PAGES:
        if page.module == "home":
            continue
        for lang in LANGS:
            assert (ROOT / "assets" / "text" / lang / f"{page.module}.md").is_file(), (lang, page.module)
