"""The Embeddings page in AppTest: the lookup and its check, d = 512, the batch and the types, training to the
end with neighbours and an analogy reported honestly, the patch embedding, a word of the other language in a
link, bad links, 中文 and the projector."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from components.compute import embeddings as E
from tests.app.conftest import charts, metric, ok, open_page


def test_defaults_look_up_king():
    at = open_page("embeddings")
    ok(at)
    corpus = E.load_corpus("en")
    assert metric(at, "parameters V × d") == f"{corpus.size * 16:,}"
    assert metric(at, "lookup vs one-hot product") == "equal"
    html = " ".join(h.proto.body for h in at.get("html"))
    assert f"<b>{corpus.index['king']}</b>" in html and 'data-row="looked"' in html
    out = at.session_state["emb_out_lookup"]
    w = E.make_embedding(corpus.size, 16, 0).weight.detach()
    assert torch.equal(out["row"], w[corpus.index["king"]])
    assert any("`emb.weight` is a `torch.nn.Parameter`, shape `(66, 16)`" in m.value for m in at.markdown)


@pytest.mark.parametrize("dim", [2, 512])
def test_the_extremes_of_d(dim):
    at = open_page("embeddings", emb_dim=str(dim), emb_sentence="200")
    ok(at)
    assert metric(at, "shape of emb(id)") == f"({dim},)"
    ids, out = at.session_state["emb_out_batch"]
    assert out.shape == (*ids.shape, dim) and not out[ids == 0].any()


def test_a_word_of_the_other_language_is_read_as_its_twin():
    at = open_page("embeddings", lang="zh", emb_word="cat")
    ok(at)
    assert at.selectbox(key="emb_word").value == "猫"
    at = open_page("embeddings", emb_corpus="zh", emb_word="queen")
    assert at.selectbox(key="emb_word").value == "王后"


@pytest.mark.parametrize("query", [{"emb_dim": "7"}, {"emb_word": "xyz"}, {"emb_patch": "15", "emb_view": "images"},
                                   {"emb_lr": "5", "emb_view": "train"}])  # fmt: skip
def test_bad_links_fall_back_and_say_so(query):
    at = open_page("embeddings", **query)
    ok(at)
    key = next(k for k in query if k != "emb_view")
    assert any("were not valid" in i.value and key in i.value for i in at.info)


@pytest.mark.parametrize("query", [{}, {"emb_method": "cbow", "emb_window": "1", "emb_dim": "2"},
                                   {"emb_corpus": "zh", "emb_analogy": "2", "emb_epochs": "100"}])  # fmt: skip
def test_training_runs_to_the_end_and_reads_the_table(query):
    at = open_page("embeddings", emb_view="train", **query)
    ok(at)
    shown = at.session_state["emb_out_train"]
    epochs = int(query.get("emb_epochs", 300))
    assert len(shown["losses"]) == epochs and shown["losses"][-1] < shown["losses"][0]
    (_, spec), *_ = [c for c in charts(at) if c[0] == "emb_train"][-1:]
    assert len(spec["data"][0]["y"]) == epochs  # the last drawing holds every epoch
    assert len(shown["neighbours"]) == 6 and (at.success or at.warning)  # a hit, or an honest miss
    assert any("Nearest words" in m.value for m in at.markdown)


def test_predict_first_hides_the_analogy_answer():
    at = open_page("embeddings", emb_view="train", predict="1")
    ok(at)
    assert all(s.value == "?" for s in [*at.success, *at.warning])
    assert any("appear when the answer is revealed" in c.value for c in at.caption)
    assert len([m for m in at.markdown if m.value.startswith("|")]) == 1  # the neighbours, not the analogy's answers


def test_images_tab_embeds_patches():
    at = open_page("embeddings", emb_view="images", emb_patch="32", emb_dim="64")
    ok(at)
    assert metric(at, "patches") == "N = 49" and metric(at, "patch tokens (N, d)") == "(49, 64)"
    out = at.session_state["emb_out_images"]
    assert torch.allclose(out["tokens"], out["by_hand"], atol=1e-5)
    assert at.image


def test_chinese_and_projector():
    for view in ("lookup", "train", "images"):
        at = open_page("embeddings", lang="zh", projector="1", emb_view=view)
        ok(at)
    assert any("最近的词" in m.value for m in open_page("embeddings", lang="zh", emb_view="train").markdown)


def test_the_map_names_the_group_words():
    at = open_page("embeddings", emb_view="train", emb_epochs="50")
    spec = [s for k, s in charts(at) if k == "emb_train"][-1]
    named = {w for tr in spec["data"][1:] if tr["mode"] == "markers+text" for w in tr["text"]} - {""}
    hover = {w for tr in spec["data"][1:] for w in tr["hovertext"]}
    assert "king" in named and "the" not in named and len(named) >= 10  # the chosen word first, group words only
    assert hover == set(E.load_corpus("en").words[1:])  # every word named on hover
    corpus = E.load_corpus("en")
    coords, _ = E.pca_2d(at.session_state["emb_out_train"]["vectors"])
    king = next(tr for tr in spec["data"][1:] if "king" in tr.get("text", []))
    k = king["text"].index("king")
    assert np.allclose([king["x"][k], king["y"][k]], coords[corpus.index["king"] - 1].numpy(), rtol=1e-4)
