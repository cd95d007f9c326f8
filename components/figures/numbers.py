"""Numbers as people read them, for metrics, tables, step texts and chart labels.

``f"{v:.4g}"`` alone prints ``-0`` for a negative zero (autograd returns ``-0.0`` for ``0 * -1``), and
``str(v)`` prints ``8.666666666666666``: both read like bugs on a projector.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def fmt(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits: ``"-4.5"``, ``"0.0001235"``, ``"1.5e-08"``, never ``"-0"``.

    Args:
        value: a finite or non-finite number (``nan`` and ``inf`` are printed as such).
        digits: significant digits, at least 1.
    """
    text = f"{float(value) + 0.0:.{max(1, digits)}g}"  # + 0.0 turns -0.0 into 0.0
    return "0" if text == "-0" else text


def fmt_list(values: Iterable[float], digits: int = 4) -> str:
    """``[1, 2.5, -3]``: each element as :func:`fmt` prints it."""
    return "[" + ", ".join(fmt(v, digits) for v in values) + "]"


def fmt_short(v: float, digits: int = 3) -> str:
    """``v`` for a metric, short enough for a quarter of a 1024-px page: ``digits`` significant digits
    (``0.0812``, ``6.02``), whole numbers from ``10**digits`` to ``10**4`` (``1234``), else ``2.0e-5``, ``3.5e6``;
    never ``-0``; ``—`` when not finite."""
    if not math.isfinite(v):
        return "—"
    rounded = abs(float(f"{v:.{digits}g}"))  # 999.6 -> 1000: the branch of the number shown
    if rounded == 0:
        return "0"
    if 1e-3 <= rounded < 10**digits:
        return f"{v:.{digits}g}"
    if 10**digits <= rounded < 1e4:
        return f"{v:.0f}"
    mantissa, exponent = f"{v:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def fmt_percent(share: float) -> str:
    """A share in ``[0, 1]`` as ``93.3%``."""
    return f"{100 * share:.1f}%" if math.isfinite(share) else "—"
