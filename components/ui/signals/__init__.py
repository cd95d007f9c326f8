"""The Signals page's UI: the signal (a preset or the user's file: source), the kernel and filter settings
(controls), the time, window, frequency and listening views (views).

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.sig.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step

# A step sets the output sample only where the output's length stays the one of the step before: the position
# slider's range follows that length, and a slider with a new range reads the link's old value instead.
STEPS = (
    Step("smooth", {"sig_source": "noisy_sine", "sig_kernel": "box", "sig_size": 9}, ("sig_size",)),
    Step("edges", {"sig_source": "square", "sig_kernel": "difference", "sig_noise": 0.0}, ("sig_kernel",)),
    Step(
        "lengths",
        {
            "sig_source": "impulse",
            "sig_noise": 0.0,
            "sig_kernel": "box",
            "sig_size": 15,
            "sig_mode": "valid",
        },
        ("sig_mode",),
    ),
    Step(
        "flip",
        {
            "sig_source": "impulse",
            "sig_noise": 0.0,
            "sig_kernel": "typed",
            "sig_weights": "1, 2, 3",
            "sig_flip": True,
            "sig_length": 32,  # short: the three outputs of the impulse are apart on the axis
            "sig_position": 15,
        },
        ("sig_flip",),
    ),
    Step(
        "frequency",
        {"sig_source": "noisy_sine", "sig_noise": 0.6, "sig_kernel": "box", "sig_size": 9, "sig_view": "frequency"},
        ("sig_size",),
    ),
)
