"""Once per server process: import everything the pages need, then freeze the heap.

Streamlit runs a full ``gc.collect(2)`` after every script run unless
``runner.postScriptGC`` is off (it is, in ``.streamlit/config.toml``: the
collection holds the GIL while the run's last messages wait to be sent).
Python's own collector still runs now and then: walking torch's, plotly's and
pandas' import-time objects (~400,000 here) costs ~80-110 ms each time, more
than the whole rerun budget. Importing them all up front and calling
``gc.freeze()`` moves them to a permanent generation the collector skips
(DESIGN §6).

The home page needs none of it (issue 10, cold start): the router paints it
first and calls ``load_soon()``, which loads in a background thread a moment
later; any other page calls ``load()`` before it runs (a no-op once loaded; a
page opened while the thread loads waits for it).
"""

import gc
import importlib
import os
import pkgutil
import threading
import time

THREADS = "ML_PLAYGROUND_TORCH_THREADS"


def torch_threads() -> int:
    """torch's intra-op threads: ``ML_PLAYGROUND_TORCH_THREADS``, else 1.

    One, measured (issue 11, 40 students exploring Convolution on this 2-core machine): answer p95 1.12 s
    with 1 thread, 1.57 s with 2, and 14 vs 18 s of server CPU. Sessions already run side by side; two
    threads per operation only make them wait for each other (a waiting OpenMP thread spins). A single
    student loses nothing measurable (the pictures are small); training a large MLP alone is slower.
    """
    try:
        return max(1, int(os.environ.get(THREADS, "1")))
    except ValueError:
        return 1


_lock = threading.Lock()
_loaded = False
_soon = threading.Event()


def load() -> None:
    """The heavy imports, the first optimizer step, ``gc.freeze()``: once per process (thread-safe)."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        _load()
        _loaded = True


def load_soon(delay: float = 1.0) -> None:
    """``load()`` in a background thread after ``delay`` seconds (the page just sent gets painted first)."""
    if _loaded or _soon.is_set():
        return
    _soon.set()

    def later() -> None:
        time.sleep(delay)
        load()

    threading.Thread(target=later, name="ml-playground-boot", daemon=True).start()


def _import_all(package) -> None:
    """Every module of the app's own code (each page's UI, figures, snippets, compute), before the freeze."""
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        importlib.import_module(info.name)


def _load() -> None:
    import pandas  # noqa: F401  (st.data_editor)
    import plotly.graph_objects
    import plotly.io  # noqa: F401  (st.plotly_chart serialises with it)
    import torch
    import torchvision.transforms.v2.functional  # noqa: F401
    from PIL import Image

    import components

    _import_all(components)

    Image.init()  # register every image plugin now, not on the first upload
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    p.grad = torch.ones_like(p)
    torch.optim.Adam([p], fused=True).step()  # the first optimizer step imports ~1 s of torch internals: pay it here
    torch.set_num_threads(torch_threads())
    gc.collect()
    gc.freeze()
    from components.ui.shared import COMPUTE

    COMPUTE.start(torch_threads())  # after the freeze: its threads and pipes are not import-time objects
