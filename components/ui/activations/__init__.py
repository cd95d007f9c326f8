"""The Activations page's UI: the settings and the models they ask for (controls), the curves, the two models'
decision regions, the collapse of a linear stack and the layer-by-layer view (views).

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.act.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step

STEPS = (
    Step("curves", {"act_curve": "sigmoid", "act_x": 0.0}, ("act_curve", "act_x")),
    Step("dead", {"act_curve": "relu", "act_x": -2.0}, ("act_curve", "act_x")),
    Step(
        "linear_stack",
        {"act_view": "network", "act_dataset": "xor", "act_act1": "identity", "act_act2": "identity"},
        ("act_act1", "act_act2"),
    ),
    Step("nonlinear", {"act_view": "network", "act_dataset": "xor"}, ("act_act1", "act_act2")),
    Step("features", {"act_view": "network", "act_dataset": "circles", "act_features": True}, ("act_features",)),
)
