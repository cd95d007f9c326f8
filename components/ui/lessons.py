"""Every page's lesson steps (``components/ui/lesson.py``): settings and the strip's controls.

The words of each step (title, what the teacher says, the question for the class)
are in the catalogs under ``lessons.<page prefix>.<step id>``.
"""

from __future__ import annotations

from components.ui.lesson import Step

CONV = (
    Step("blur", {"conv_kernel": "box_blur", "conv_size": 5, "conv_padding": 2}, ("conv_size",)),
    Step("edges", {"conv_kernel": "sobel_x", "conv_padding": 1}, ("conv_kernel",)),
    Step(
        "padding", {"conv_kernel": "gaussian", "conv_size": 7, "conv_sigma": 2.0, "conv_padding": 0}, ("conv_padding",)
    ),
    Step("stride", {"conv_kernel": "gaussian", "conv_size": 3, "conv_padding": 1, "conv_stride": 2}, ("conv_stride",)),
    Step("dilation", {"conv_kernel": "sobel_x", "conv_padding": 4, "conv_dilation": 4}, ("conv_dilation",)),
)

DERIV = (
    Step("slope", {"deriv_view": "1d", "deriv_f1": "cubic", "deriv_x0": 1.5}, ("deriv_x0",)),
    Step("differential", {"deriv_view": "1d", "deriv_f1": "square", "deriv_x0": 1.0, "deriv_dx": 1.0}, ("deriv_dx",)),
    Step(
        "zoom",
        {"deriv_view": "1d", "deriv_f1": "sine", "deriv_x0": 0.5, "deriv_dx": 0.1, "deriv_zoom": True},
        ("deriv_dx", "deriv_zoom"),
    ),
    Step("kink", {"deriv_view": "1d", "deriv_f1": "abs", "deriv_x0": 0.0, "deriv_dx": 0.5}, ("deriv_x0",)),
    Step(
        "gradient",
        {"deriv_view": "2d", "deriv_f2": "bowl", "deriv_px": 1.0, "deriv_py": 0.5, "deriv_theta": 0},
        ("deriv_theta",),
    ),
)

_BOWL = {"gd_surface": "bowl", "gd_x0": -2.5, "gd_y0": 1.5, "gd_runs": 1, "gd_optimizer": "sgd", "gd_steps": 60}
GD = (
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

FIT = (
    Step("underfit", {"fit_degree": 1}, ("fit_degree",)),
    Step("right", {"fit_degree": 3}, ("fit_degree",)),
    Step("overfit", {"fit_degree": 15}, ("fit_degree",)),
    Step("more_data", {"fit_degree": 15, "fit_n": 200}, ("fit_n",)),
    Step("weight_decay", {"fit_degree": 15, "fit_weight_decay": 1e-3}, ("fit_weight_decay",)),
)

AG = (
    Step("forward", {"ag_view": "graph", "ag_preset": "linear"}, ("ag_preset",)),
    Step("neuron", {"ag_view": "graph", "ag_preset": "neuron"}, ("ag_preset",)),
    Step("scalar", {"ag_view": "errors", "ag_preset": "linear"}, ("ag_times",)),
    Step("accumulate", {"ag_view": "errors", "ag_preset": "linear", "ag_times": 3}, ("ag_times",)),
    Step("tiny", {"ag_view": "tiny", "ag_stage": 2}, ("ag_stage",)),
)

STEPS = {"conv": CONV, "deriv": DERIV, "gd": GD, "ag": AG, "fit": FIT}  # by page prefix (PageInfo.i18n)
