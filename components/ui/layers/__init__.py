"""The Layers page's UI (views): the settings, the layer list and the model it builds, the shape trace and the
parameter counts, and train() against eval().

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.lay.<id>``).
"""

from __future__ import annotations

from components.compute.layers import PRESET_SHAPES, PRESETS
from components.ui.lesson import Step


def _preset(name: str, **extra: object) -> dict[str, object]:
    return {"lay_preset": name, "lay_layers": PRESETS[name], "lay_shape": PRESET_SHAPES[name], **extra}


STEPS = (
    Step("sequential", _preset("mlp"), ("lay_preset",)),
    Step("counts", _preset("cnn"), ("lay_preset",)),
    Step("mismatch", _preset("broken"), ("lay_layers",)),
    Step("dropout", _preset("mlp", lay_view="modes"), ("lay_seed",)),
    Step("linear_modes", _preset("linear", lay_view="modes"), ("lay_preset",)),
)
