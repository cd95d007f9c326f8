"""The Convolution page's UI: settings and cached compute (controls), kernel editor, pictures, pixel picking, views.

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.conv.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step

STEPS = (
    Step("blur", {"conv_kernel": "box_blur", "conv_size": 5, "conv_padding": 2}, ("conv_size",)),
    Step("edges", {"conv_kernel": "sobel_x", "conv_padding": 1}, ("conv_kernel",)),
    Step(
        "padding", {"conv_kernel": "gaussian", "conv_size": 7, "conv_sigma": 2.0, "conv_padding": 0}, ("conv_padding",)
    ),
    Step("stride", {"conv_kernel": "gaussian", "conv_size": 3, "conv_padding": 1, "conv_stride": 2}, ("conv_stride",)),
    Step("dilation", {"conv_kernel": "sobel_x", "conv_padding": 4, "conv_dilation": 4}, ("conv_dilation",)),
)
