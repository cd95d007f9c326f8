"""The Tensor indexing page's UI (views): the tensor and its axes, a typed index and what it picks, chained vs
tuple indexing, view or copy, reductions along an axis and reshape / permute / transpose.

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.ten.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step

STEPS = (
    Step("notes", {"ten_preset": "notes_student", "ten_expr": "A[1][0][:]"}, ("ten_expr",)),
    Step("english", {"ten_preset": "notes_exam", "ten_expr": "A[:, 1, 1]"}, ("ten_expr",)),
    Step("chained", {"ten_preset": "chained_all", "ten_expr": "A[:][1]"}, ("ten_expr",)),
    Step("mask", {"ten_preset": "mask", "ten_expr": "A[A > 90]", "ten_write": True}, ("ten_expr", "ten_write")),
    Step("mean", {"ten_view": "shape", "ten_reduce": "mean", "ten_dim": "2"}, ("ten_reduce", "ten_dim")),
)
