"""The Transforms page's UI: the pipeline editor and its link form (pipeline), the film strip, the batch of
draws and the order mistakes (views).

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.tf.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step
from components.ui.transforms.pipeline import PRESETS

STEPS = (
    Step("compose", {"tf_pipe": PRESETS["eval"]}, ()),
    Step("random", {"tf_pipe": PRESETS["train"], "tf_view": "batch"}, ("tf_again",)),
    Step("augment", {"tf_pipe": PRESETS["augment"]}, ("tf_again",)),
    Step("uint8", {"tf_pipe": PRESETS["uint8_norm"]}, ()),
    Step("crop", {"tf_pipe": PRESETS["big_crop"]}, ()),
)
