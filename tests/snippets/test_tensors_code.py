"""The Tensor indexing page's "PyTorch code" runs as-is and reproduces the page's result, view or copy, the
write through it, the reduction and the reshape (or PyTorch's refusal)."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
import torch

from tests.app.conftest import metric, open_page
from tests.snippets.test_convolution_code import ROOT, run_code


def _run(at) -> dict:
    assert not at.exception, [e.message for e in at.exception]
    (code,) = [c.value for c in at.code if c.value.startswith("import torch")]
    with contextlib.redirect_stdout(io.StringIO()):
        return run_code(code, ROOT)


@pytest.mark.parametrize(
    "query",
    [{}, {"ten_expr": "A[A > 90]", "ten_write": "true"}, {"ten_expr": "A[:, 1, 1]", "ten_write": "true"},
     {"ten_expr": "A[[0, 1]][1]"}, {"ten_expr": "A[::-1]"},  # refused: the code uses the index the page kept
     {"ten_source": "custom", "ten_shape": "2, 2, 3, 3", "ten_seed": "5", "ten_expr": "A[1, ..., None, 2]"}],
)  # fmt: skip
def test_index_code_reproduces_the_page(query):
    at = open_page("tensors", **query)
    ns = _run(at)
    shown = at.session_state["ten_out_index"].result
    assert ns["is_view"] == (metric(at, "View or copy") == "view")
    if not query.get("ten_write"):
        assert torch.equal(ns["r"], shown) and ns["r"].shape == shown.shape
        return
    assert ns["r"].shape == shown.shape and not ns["r"].any()  # r.fill_(0)
    (picture,) = [h.proto.body for h in at.get("html") if "mlp-tensor" in h.proto.body]
    assert int(ns["changed"].sum()) == picture.count('data-mark="hit"')
    values = [int(v) for v in re.findall(r'data-v="(-?\d+)"', picture)]
    assert values == ns["A"].reshape(-1).tolist()  # the picture is A after the write


@pytest.mark.parametrize(
    "query",
    [{"ten_reduce": "mean", "ten_dim": "2"}, {"ten_reduce": "max", "ten_dim": "1", "ten_keepdim": "true"},
     {"ten_reduce": "sum", "ten_dim": "all", "ten_op": "transpose_view", "ten_args": "-1"},
     {"ten_reduce": "argmax", "ten_dim": "0", "ten_op": "reshape", "ten_args": "3, 8"},
     {"ten_source": "custom", "ten_shape": "4, 5", "ten_reduce": "min", "ten_dim": "1", "ten_op": "transpose",
      "ten_args": "0, 1"}],
)  # fmt: skip
def test_shape_code_reproduces_the_page(query):
    at = open_page("tensors", ten_view="shape", **query)
    ns = _run(at)
    values, where = at.session_state["ten_out_reduce"]
    assert torch.equal(ns["s"], values)
    if where is not None:
        assert torch.equal(ns["where"], where)
    shown = at.session_state["ten_out_reshape"]
    if isinstance(shown, str):
        assert ns["B"] is None and ns["error"] == shown
    else:
        assert torch.equal(ns["B"], shown) and ns["B"].stride() == shown.stride()
