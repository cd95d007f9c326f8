"""Lesson step tables: words in both languages, settings that belong to their page, strict step numbers."""

import pytest

from components.ui.i18n import catalog
from components.ui.lesson import Lesson, Step, _index
from components.ui.pages import PAGES
from tests.lesson_steps import STEPS


@pytest.mark.parametrize("prefix", sorted(STEPS))
def test_every_step_has_its_words_in_both_languages(prefix):
    for lang in ("en", "zh"):
        words = catalog(lang)
        for step in STEPS[prefix]:
            for part in ("title", "say", "ask"):
                assert words.get(f"lessons.{prefix}.{step.id}.{part}"), (lang, prefix, step.id, part)


@pytest.mark.parametrize("prefix", sorted(STEPS))
def test_steps_set_only_their_own_page_s_settings(prefix):
    assert 3 <= len(STEPS[prefix]) <= 5
    assert len({s.id for s in STEPS[prefix]}) == len(STEPS[prefix])
    for step in STEPS[prefix]:
        assert all(k.startswith(f"{prefix}_") for k in [*step.settings, *step.controls]), step


def test_every_topic_page_s_ui_exports_its_lesson_steps():
    assert len(STEPS) == sum(1 for p in PAGES if p.url_path)
    assert all(isinstance(steps, tuple) and all(isinstance(s, Step) for s in steps) for steps in STEPS.values())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("3", 3), ("3.0", 3), ("5", 5), ("6", None), ("0", None), ("-1", None), ("2.5", None), ("x", None)],
)
def test_step_numbers_in_links_are_strict(raw, expected):
    lesson = Lesson("conv", object, STEPS["conv"])
    assert _index(lesson, raw) == expected
