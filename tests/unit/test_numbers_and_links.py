"""Numbers as the pages print them, and numbers as links spell them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.figures.numbers import fmt, fmt_list
from components.ui.state import find_option, link_value

DX_STEPS = [0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
LRS = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 3.0, 10.0]


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(-0.0, 4, "0"), (0.0, 4, "0"), (26 / 3, 4, "8.667"), (-4.5, 4, "-4.5"), (1.5e-8, 4, "1.5e-08"),
     (0.000123456, 4, "0.0001235"), (-0.00402389, 5, "-0.0040239"), (2.0, 5, "2"), (math.inf, 4, "inf")],
)  # fmt: skip
def test_fmt(value, digits, text):
    assert fmt(value, digits) == text


@given(st.floats(-1e300, 1e300), st.integers(1, 8))
def test_fmt_never_prints_a_negative_zero_or_too_many_digits(value, digits):
    text = fmt(value, digits)
    assert not text.startswith("-0") or float(text) != 0  # "-0.5" is fine, "-0" is not
    mantissa = text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    assert len(mantissa) <= digits
    assert float(text) == pytest.approx(value, rel=10 ** (1 - digits), abs=1e-300)


def test_fmt_list():
    assert fmt_list([1.0, 2.5, -0.0, 26 / 3]) == "[1, 2.5, 0, 8.667]"


@pytest.mark.parametrize("spelling", ["2", "2.0", "2e0", "20e-1", "2.000", "+2", " 2"])
def test_any_spelling_of_a_number_finds_the_option(spelling):
    assert find_option(spelling, DX_STEPS) == 2.0


@pytest.mark.parametrize(("spelling", "option"), [("0.001", 1e-3), ("1e-3", 1e-3), (".001", 1e-3), ("1E-4", 1e-4),
                                                  ("0.0003", 3e-4), ("10", 10.0), ("3.0", 3.0)])  # fmt: skip
def test_learning_rates_in_any_spelling(spelling, option):
    assert find_option(spelling, LRS) == option


@pytest.mark.parametrize("spelling", ["1.5", "abc", "", "nan", "inf", "0x2"])
def test_spellings_of_no_option_find_nothing(spelling):
    assert find_option(spelling, DX_STEPS) is None


def test_ids_are_matched_as_they_are():
    assert find_option("bowl", ["bowl", "saddle"]) == "bowl"
    assert find_option("Bowl", ["bowl", "saddle"]) is None
    assert find_option("1", ["1", "2"]) == "1"  # numeric-looking ids stay ids


@pytest.mark.parametrize("option", [*DX_STEPS, *LRS, 1e-5, 0.1234567891])
def test_link_value_is_short_and_finds_its_option_again(option):
    text = link_value(option)
    assert float(text) == option and find_option(text, [*DX_STEPS, *LRS, 1e-5, 0.1234567891]) == option
    assert link_value(2.0) == "2" and link_value(0.001) == "0.001" and link_value("bowl") == "bowl"
