"""The Gradient descent page's UI: surface, start and run controls with cached paths (controls), result tables.

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.gd.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step

_BOWL = {"gd_surface": "bowl", "gd_x0": -2.5, "gd_y0": 1.5, "gd_runs": 1, "gd_optimizer": "sgd", "gd_steps": 60}
STEPS = (
    Step("bowl", _BOWL | {"gd_lr": 0.1}, ("gd_lr",)),
    Step("too_big", _BOWL | {"gd_lr": 0.2}, ("gd_lr",)),
    Step("momentum", {"gd_runs": 2}, ("gd_knob2_momentum",)),
    Step("adaptive", {"gd_runs": 4}, ("gd_runs",)),
    Step(
        "start",
        {
            "gd_surface": "himmelblau",
            "gd_runs": 1,
            "gd_optimizer": "adam",
            "gd_lr": 0.1,
            "gd_x0": -1.0,
            "gd_y0": 0.0,
            "gd_steps": 200,
        },
        ("gd_x0", "gd_y0"),
    ),
)
