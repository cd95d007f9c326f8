"""``SpecFigure``: a Plotly figure that is just its JSON spec.

``st.plotly_chart`` turns any ``go.Figure`` into a dict with ``to_dict()`` and a
plain dict into a validated ``go.Figure`` first. Plotly's per-property
validation (and ``make_subplots``) costs 10-300 ms per figure here — more than a
whole rerun's budget — so our builders write the spec as plain dicts and lists
(tested in ``tests/unit``) and hand it over through this thin subclass, whose
``to_dict`` returns the spec as is.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go


class SpecFigure(go.Figure):
    """A ``go.Figure`` whose content is the ready-made ``spec`` dict.

    Attributes:
        spec: ``{"data": [trace dicts], "layout": {...}, "frames": [...]}``.
    """

    def __init__(self, spec: dict):
        # No super().__init__(): building plotly's empty figure machinery costs
        # ~2 ms; Streamlit only calls to_dict(). Plotly's __setattr__ would
        # refuse unknown attributes, hence object.__setattr__.
        object.__setattr__(self, "_spec", spec)

    @property
    def spec(self) -> dict:
        return self._spec

    def to_dict(self) -> dict:
        return self.spec

    def to_plotly_json(self) -> dict:
        return self.spec

    @property
    def traces(self) -> list[dict]:
        return self.spec.get("data", [])


def finite_values(values) -> list[float | None]:
    """Numbers for a spec: non-finite become gaps (``None``), 6 significant digits keep it small.

    Vectorised: formatting each number in Python cost ~100 ms for a 4-run path figure.
    """
    a = np.asarray(values, dtype=float).ravel()
    finite = np.isfinite(a)
    out = np.zeros_like(a)
    nonzero = finite & (a != 0)
    with np.errstate(over="ignore", invalid="ignore"):  # |a| near the float limit: kept as is below
        scale = 10.0 ** (5 - np.floor(np.log10(np.abs(a[nonzero]))))
        out[nonzero] = np.round(a[nonzero] * scale) / scale
    bad = nonzero & ~np.isfinite(out)
    out[bad] = a[bad]
    values = out.tolist()
    for i in np.flatnonzero(~finite):
        values[i] = None
    return values
