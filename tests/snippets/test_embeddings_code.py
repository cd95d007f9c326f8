"""The Embeddings page's "PyTorch code" runs as-is and reproduces the page: the looked-up row and its one-hot
product, the batch; the training's losses, table, neighbours and analogy; the patch tokens."""

from __future__ import annotations

import contextlib
import io

import pytest
import torch

from components.compute import embeddings as E
from tests.app.conftest import ok, open_page
from tests.snippets.test_convolution_code import ROOT, run_code


def _run(at, start: str) -> dict:
    ok(at)
    (code,) = [c.value for c in at.code if c.value.startswith(start)]
    with contextlib.redirect_stdout(io.StringIO()):
        return run_code(code, ROOT)


@pytest.mark.parametrize("query", [{}, {"emb_dim": "512", "emb_word": "cat", "emb_sentence": "17"},
                                   {"lang": "zh", "emb_seed": "9", "emb_dim": "3"}])  # fmt: skip
def test_lookup_code_reproduces_the_page(query):
    at = open_page("embeddings", **query)
    ns = _run(at, "import torch")
    shown = at.session_state["emb_out_lookup"]
    assert torch.equal(ns["row"], shown["row"]) and torch.equal(ns["product"], shown["product"])
    ids, out = at.session_state["emb_out_batch"]
    assert torch.equal(ns["ids"], ids) and torch.equal(ns["out"], out)


CBOW = {"emb_method": "cbow", "emb_window": "3", "emb_epochs": "150", "emb_corpus": "zh", "emb_analogy": "1",
        "emb_lr": "0.1", "emb_dim": "4"}  # fmt: skip


@pytest.mark.parametrize("query", [{"emb_epochs": "100"}, CBOW])
def test_train_code_reproduces_the_page(query):
    at = open_page("embeddings", emb_view="train", **query)
    ns = _run(at, "import torch")
    shown = at.session_state["emb_out_train"]
    assert ns["losses"] == pytest.approx(shown["losses"], rel=1e-5)
    assert torch.allclose(ns["vectors"], shown["vectors"], atol=1e-5)
    corpus = E.load_corpus(query.get("emb_corpus", "en"))
    assert [w for w, _ in ns["near"]] == [corpus.words[i] for i, _ in shown["neighbours"]]
    assert [w for w, _ in ns["top"]] == [corpus.words[i] for i, _ in shown["analogy"]]
    assert ns["shares"].tolist() == pytest.approx(list(shown["shares"]), abs=1e-5)


@pytest.mark.parametrize("query", [{}, {"emb_patch": "8", "emb_dim": "32", "emb_image": "checkerboard"}])
def test_images_code_reproduces_the_page(query):
    at = open_page("embeddings", emb_view="images", **query)
    ns = _run(at, "import numpy")
    shown = at.session_state["emb_out_images"]
    assert torch.allclose(ns["x"], shown["input"], atol=1e-6)
    assert torch.allclose(ns["tokens"], shown["tokens"], atol=1e-5)
