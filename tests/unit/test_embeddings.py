"""Embeddings against independent references: the shipped corpus against its templates, the lookup against NumPy
indexing and the one-hot product, the training pairs against a plain loop, the loss against a NumPy softmax,
cosine, PCA and analogies against NumPy, the planted relations after seeded training, the patch embedding against
a NumPy loop over patches."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from components.compute import embeddings as E
from components.compute import patches as P


@pytest.mark.parametrize("language", E.LANGUAGES)
def test_the_shipped_corpus_is_its_templates(language):
    shipped = E.corpus_file(language).read_text(encoding="utf-8").splitlines()
    assert shipped == E.expand(E.corpus_spec(), language)  # else: python -m tools.build_corpus
    corpus = E.load_corpus(language)
    assert 40 <= corpus.size <= 80 and corpus.words[0] == E.PAD
    counts = {w: sum(s.count(w) for s in corpus.sentences) for w in corpus.words[1:]}
    freq = [counts[w] for w in corpus.words[1:]]
    assert freq == sorted(freq, reverse=True)  # ids by frequency
    assert all(corpus.words[corpus.index[w]] == w for w in corpus.words)


def test_both_languages_say_the_same_and_every_group_word_has_a_twin():
    spec = E.corpus_spec()
    en, zh = E.expand(spec, "en"), E.expand(spec, "zh")
    assert len(en) == len(zh) == sum(len(spec["groups"][t["group"]]) * t["copies"] for t in spec["templates"])
    twins = E.twins(spec)
    assert all(twins[twins[w]] == w for w in twins)
    assert {"猫", "狗", "国王", "王后", "男人", "女人", "北京", "东京"} <= set(twins)
    for language, lines in (("en", en), ("zh", zh)):
        words = {w for line in lines for w in line.split()}
        assert {w for w in twins if (w.isascii()) == (language == "en")} <= words
    with pytest.raises(ValueError, match="Got 'fr'"):
        E.expand(spec, "fr")


def test_the_lookup_is_a_row_and_a_one_hot_product():
    emb = E.make_embedding(10, 4, seed=3)
    assert isinstance(emb, torch.nn.Embedding) and isinstance(emb.weight, torch.nn.Parameter)
    w = emb.weight.detach().numpy()
    assert not w[0].any() and torch.equal(E.make_embedding(10, 4, 3).weight, emb.weight)  # padding row, seeded
    ids = torch.tensor([[1, 7, 0], [9, 9, 2]])
    with torch.no_grad():
        out = emb(ids)
    assert out.shape == (2, 3, 4) and np.array_equal(out.numpy(), w[ids.numpy()])
    one_hot = np.eye(10, dtype=np.float32)[ids.numpy()]
    assert np.allclose(one_hot @ w, out.numpy(), atol=0)
    assert torch.equal(E.one_hot_lookup(emb.weight.detach(), ids), out)


def test_a_batch_is_padded_with_zero():
    corpus = E.load_corpus("en")
    ids = E.batch_ids(corpus, len(corpus.sentences) - 1)  # wraps to the first sentence
    lengths = [len(corpus.sentences[-1]), len(corpus.sentences[0])]
    assert ids.shape == (2, max(lengths))
    for row, n, sentence in zip(ids, lengths, (corpus.sentences[-1], corpus.sentences[0]), strict=True):
        assert [corpus.words[i] for i in row[:n]] == list(sentence) and not row[n:].any()


def _pairs(sentences, window):
    out = []
    for s in sentences:
        for i in range(len(s)):
            out += [(s[i], s[j]) for j in range(len(s)) if j != i and abs(i - j) <= window]
    return out


@pytest.mark.parametrize("window", [1, 2, 3])
def test_training_examples_against_a_plain_loop(window):
    corpus = E.load_corpus("zh")
    centres, contexts = E.skipgram_pairs(corpus, window)
    got = sorted(zip(centres.tolist(), contexts.tolist(), strict=True))
    want = sorted((corpus.index[a], corpus.index[b]) for a, b in _pairs(corpus.sentences, window))
    assert got == want
    near, targets = E.cbow_examples(corpus, window)
    assert near.shape == (targets.numel(), 2 * window)
    k = 0
    for s in corpus.sentences:
        for i, w in enumerate(s):
            context = sorted(corpus.index[s[j]] for j in range(len(s)) if j != i and abs(i - j) <= window)
            assert targets[k] == corpus.index[w] and sorted(v for v in near[k].tolist() if v) == context
            k += 1


@pytest.mark.parametrize("method", ["skipgram", "cbow"])
def test_the_first_loss_is_the_softmax_cross_entropy(method):
    corpus = E.load_corpus("en")
    trainer = E.EmbeddingTrainer(corpus, E.EmbTrainSpec(method=method, dim=8, epochs=1))
    words, out = trainer.words.weight.detach().numpy().astype(np.float64), trainer.out.weight.detach().numpy()
    x, y = trainer.inputs.numpy(), trainer.targets.numpy()
    if method == "skipgram":
        h = words[x]
    else:
        mask = (x != 0)[..., None]
        h = (words[x] * mask).sum(1) / mask.sum(1)
    logits = h @ out.T
    logits -= logits.max(1, keepdims=True)
    expected = -np.mean(logits[np.arange(len(y)), y] - np.log(np.exp(logits).sum(1)))
    trainer.run(1)
    assert trainer.losses[0] == pytest.approx(expected, rel=1e-5) and trainer.done


def test_training_in_turns_is_training_at_once():
    corpus = E.load_corpus("en")
    spec = E.EmbTrainSpec(dim=8, epochs=40)
    once, turns = E.EmbeddingTrainer(corpus, spec), E.EmbeddingTrainer(corpus, spec)
    once.run(40)
    for n in (1, 7, 12, 100):  # the last turn asks for more than is left
        turns.run(n)
    assert turns.epoch == 40 and turns.losses == once.losses and torch.equal(turns.vectors, once.vectors)
    assert once.losses[-1] < 0.6 * once.losses[0]


@pytest.mark.parametrize("language", E.LANGUAGES)
@pytest.mark.parametrize("method", ["skipgram", "cbow"])
def test_training_plants_the_template_relations(language, method):
    corpus = E.load_corpus(language)
    trainer = E.EmbeddingTrainer(corpus, E.EmbTrainSpec(language=language, method=method, epochs=300, seed=0))
    trainer.run(300)
    v = trainer.vectors.numpy()
    twin = E.twins(E.corpus_spec())

    def cos(a: str, b: str) -> float:
        a, b = (w if language == "en" else twin[w] for w in (a, b))
        x, y = v[corpus.index[a]], v[corpus.index[b]]
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    for word, partner, unrelated in [("Beijing", "Tokyo", ("cat", "bread", "girl")), ("king", "queen", ("fish",
                                     "Rome", "apple")), ("cat", "dog", ("France", "princess", "rice"))]:  # fmt: skip
        assert all(cos(word, partner) > cos(word, other) for other in unrelated), (word, partner)


def test_cosine_neighbours_and_analogy_against_numpy():
    g = torch.Generator().manual_seed(5)
    v = torch.randn(12, 6, generator=g)
    v[0] = 0
    n = v.numpy()
    unit = n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    assert np.allclose(E.cosine_table(v).numpy(), unit @ unit.T, atol=1e-6)
    sims = unit @ unit[4]
    order = [i for i in np.argsort(-sims) if i not in (0, 4)][:5]
    got = E.neighbours(v, 4, 5)
    assert [i for i, _ in got] == order and np.allclose([c for _, c in got], sims[order], atol=1e-6)
    query = n[3] - n[5] + n[7]
    sims = unit @ (query / np.linalg.norm(query))
    order = [i for i in np.argsort(-sims) if i not in (0, 3, 5, 7)][:4]
    assert [i for i, _ in E.analogy(v, 3, 5, 7, 4)] == order


@pytest.mark.parametrize("dim", [2, 3, 16])
def test_pca_against_numpy(dim):
    v = torch.randn(20, dim, generator=torch.Generator().manual_seed(dim))
    coords, shares = E.pca_2d(v)
    x = v[1:].numpy() - v[1:].numpy().mean(0)
    values, vectors = np.linalg.eigh(np.cov(x.T, bias=True))
    values, vectors = values[::-1], vectors[:, ::-1]
    assert np.allclose(shares, values[:2] / values.sum(), atol=1e-5)
    for k in range(2):  # each direction up to its sign
        ref = x @ vectors[:, k]
        assert np.allclose(np.abs(coords[:, k].numpy()), np.abs(ref), atol=1e-4)
    if dim == 2:  # no projection: distances are kept
        assert np.allclose(np.linalg.norm(coords.numpy(), axis=1), np.linalg.norm(x, axis=1), atol=1e-5)


@pytest.mark.parametrize("patch", P.PATCHES)
def test_patch_embedding_against_a_loop_over_patches(patch):
    image = torch.rand(3, 224, 224, generator=torch.Generator().manual_seed(patch))
    conv = P.patch_embedding(6, patch, seed=1)
    assert isinstance(conv, torch.nn.Conv2d) and conv.kernel_size == (patch, patch) and conv.stride == (patch, patch)
    tokens = P.embed_patches(image, conv)
    side = 224 // patch
    assert tokens.shape == (P.patch_count(224, 224, patch), 6) == (side * side, 6)
    w, b, x = conv.weight.detach().numpy(), conv.bias.detach().numpy(), image.numpy()
    for k in (0, side + 1, side * side - 1):  # row by row: patch k is at (k // side, k % side)
        r, c = divmod(k, side)
        piece = x[:, r * patch : (r + 1) * patch, c * patch : (c + 1) * patch]
        expected = np.tensordot(w, piece, axes=([1, 2, 3], [0, 1, 2])) + b
        assert np.allclose(tokens[k].numpy(), expected, atol=1e-4)
    assert torch.allclose(P.patches_by_hand(image, conv), tokens, atol=1e-5)
    assert torch.equal(P.patch_embedding(6, patch, seed=1).weight, conv.weight)  # seeded


def test_patch_count_and_the_vit_input():
    assert P.patch_count(224, 224, 16) == 196 and P.patch_count(225, 230, 16) == 14 * 14
    x = P.vit_input(torch.rand(3, 300, 451))
    assert x.shape == (3, 224, 224) and float(x.min()) >= 0 and float(x.max()) <= 1
    assert math.isclose(P.VIT_SIDE / 16, 14)
