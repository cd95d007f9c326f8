"""The Autograd page's UI: formula, leaves, step-through, errors lab and tiny network (views), leaf links (link).

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.ag.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step

STEPS = (
    Step("forward", {"ag_view": "graph", "ag_preset": "linear"}, ("ag_preset",)),
    Step("neuron", {"ag_view": "graph", "ag_preset": "neuron"}, ("ag_preset",)),
    Step("scalar", {"ag_view": "errors", "ag_preset": "linear"}, ("ag_times",)),
    Step("accumulate", {"ag_view": "errors", "ag_preset": "linear", "ag_times": 3}, ("ag_times",)),
    Step("tiny", {"ag_view": "tiny", "ag_stage": 2}, ("ag_stage",)),
)
