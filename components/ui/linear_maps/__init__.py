"""The Linear maps page's UI (controls and views): the plane and a picture under ``x ↦ Wx + b``, the numbers of
``W``, two maps composed in both orders and a ReLU between two Linears.

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.lin.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step
from components.ui.linear_maps.controls import preset_settings


def _preset(name: str, angle: float = 30.0) -> dict:
    return {"lin_preset": name, "lin_angle": angle, **preset_settings(name, angle)}


ORDER = {"lin_view": "compose", "lin_second": "rotation", "lin_second_angle": 90.0}
STEPS = (
    Step("rotation", _preset("rotation", 30.0), ("lin_angle",)),
    Step("shear", _preset("shear") | {"lin_x0": 0.5, "lin_x1": 1.0}, ("lin_w01", "lin_x1")),
    Step("projection", _preset("projection"), ("lin_w11",)),
    Step("order", _preset("shear") | ORDER, ("lin_w01",)),
    Step("fold", {"lin_view": "fold", "lin_b0": 0.5, "lin_b1": -0.5}, ("lin_b0", "lin_b1")),
)
