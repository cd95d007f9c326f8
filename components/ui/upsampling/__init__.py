"""The Upsampling page's UI: its settings and the cached methods (controls), the comparison, the tiny feature
map and the transposed convolution's size and overlaps (views).

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.up.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step

STEPS = (
    Step("blocks", {"up_factor": 4}, ("up_factor",)),
    Step("aliasing", {"up_factor": 4, "up_antialias": False, "up_image": "checkerboard"}, ("up_antialias",)),
    Step("checkerboard", {"up_factor": 3, "up_view": "transposed"}, ("up_factor",)),
    Step("tiny", {"up_view": "tiny", "up_tiny": "transposed", "up_factor": 2}, ("up_tiny",)),
    Step("icnr", {"up_factor": 4, "up_cx": 45, "up_cy": 35}, ("up_cx",)),
)
