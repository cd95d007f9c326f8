"""Once per server process: import everything the pages need, then freeze the heap.

Streamlit runs a full ``gc.collect(2)`` after every script run
(``runner.postScriptGC``). Walking torch's, plotly's and pandas' import-time
objects (~400,000 here) costs ~80-110 ms per interaction, more than the whole
rerun budget. Importing them all up front and calling ``gc.freeze()`` moves them
to a permanent generation the collector skips (DESIGN §6). This module's body
runs once per process, so no per-rerun check is needed (``gc.get_freeze_count``
alone costs ~20 ms on CPython 3.11).
"""

import gc

import pandas  # noqa: F401  (st.data_editor)
import plotly.graph_objects
import plotly.io  # noqa: F401  (st.plotly_chart serialises with it)
import torch
import torchvision.transforms.v2.functional  # noqa: F401
from PIL import Image

import components.compute.datasets
import components.compute.tiny_net
import components.figures.autograd
import components.snippets.autograd
import components.snippets.convolution
import components.snippets.derivatives
import components.snippets.descent
import components.snippets.overfitting
import components.ui.autograd
import components.ui.code_panel
import components.ui.conv_kernel
import components.ui.conv_pictures
import components.ui.conv_views
import components.ui.derivatives
import components.ui.descent
import components.ui.home
import components.ui.image_input
import components.ui.overfitting  # noqa: F401

Image.init()  # register every image plugin now, not on the first upload
_p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
_p.grad = torch.ones_like(_p)
torch.optim.Adam([_p], fused=True).step()  # the first optimizer step imports ~1 s of torch internals: pay it here
torch.set_num_threads(2)  # two cores: both for torch; Streamlit's own work is I/O-bound
gc.collect()
gc.freeze()
