"""The Loss functions page's UI (views): the settings, a regression line and its three losses, logits and the
cross-entropy, a batch's formula next to its code, and the classic mistakes.

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.loss.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step

STEPS = (
    Step("residuals", {"loss_w": 0.5, "loss_b": 1.0}, ("loss_w", "loss_b")),
    Step("outlier", {"loss_w": 0.8, "loss_outlier": 12.0}, ("loss_outlier",)),
    Step("softmax", {"loss_view": "classification", "loss_z1": 4.0}, ("loss_z1", "loss_true")),
    Step("temperature", {"loss_view": "classification", "loss_temp": 5.0}, ("loss_temp",)),
    Step("mistakes", {"loss_view": "mistakes"}, ()),
)
