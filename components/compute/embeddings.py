"""Embeddings: tokens become vectors through a lookup table (``nn.Embedding``); a skip-gram or CBOW model trained
on a small templated corpus (both languages, shipped in ``assets/data``) places related words near each other;
cosine neighbours, a 2-D PCA and analogy arithmetic read the trained table. (Images: ``patches.py``.)
"""

from __future__ import annotations

import random
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

DATA = Path(__file__).resolve().parents[2] / "assets" / "data"
SPEC_FILE = DATA / "embedding_corpus.toml"
LANGUAGES = ("en", "zh")
PAD = "<pad>"  # id 0: fills short sentences in a batch (``padding_idx``: its row stays zero)
DIMS = (2, 3, 4, 8, 16, 32, 64, 128, 256, 512)  # 512: the Transformer-base width (d_model), a design choice
MAX_EPOCHS = 3000


@cache
def corpus_spec() -> dict:
    """The vocabulary groups, templates and analogies (``assets/data/embedding_corpus.toml``)."""
    return tomllib.loads(SPEC_FILE.read_text(encoding="utf-8"))


def expand(spec: dict, language: str) -> list[str]:
    """Every template filled with every word of its group, ``copies`` times each, in a seeded shuffled order:
    the corpus, one sentence per line, words separated by spaces.

    Raises:
        ValueError: an unknown ``language``.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}. Got {language!r}")
    side = LANGUAGES.index(language)  # the twin's position in a group entry: [en, zh] or [en, zh, en, zh]
    lines = []
    for template in spec["templates"]:
        for entry in spec["groups"][template["group"]]:
            words = {"a": entry[side], "b": entry[2 + side] if len(entry) > 2 else ""}
            lines += [template[language].format(**words)] * template["copies"]
    random.Random(0).shuffle(lines)
    return lines


def twins(spec: dict) -> dict[str, str]:
    """English word -> Chinese twin and back, from the groups."""
    out = {}
    for entries in spec["groups"].values():
        for entry in entries:
            for k in range(0, len(entry), 2):
                out[entry[k]], out[entry[k + 1]] = entry[k + 1], entry[k]
    return out


def analogy_words(language: str, k: int) -> tuple[str, str, str, str]:
    """Analogy ``k`` of the spec, ``(a, b, c, answer)`` for ``a − b + c ≈ answer``, in ``language``."""
    words = corpus_spec()["analogies"][k]["words"]
    twin = twins(corpus_spec())
    return tuple(words) if language == "en" else tuple(twin[w] for w in words)


KINDS = ("male", "female", "city", "country", "animal", "food", "other")


def word_kinds(spec: dict, language: str) -> dict[str, str]:
    """Each group word's kind (``KINDS``; words of no group are ``other``): the colours of the map."""
    side = LANGUAGES.index(language)
    kinds: dict[str, str] = {}
    order = (("male", "male", None), ("female", "female", None), ("capital", "city", "country"),
             ("moves", "animal", None), ("diet", "animal", "food"), ("food", "food", None))  # fmt: skip
    for group, first, second in order:
        for entry in spec["groups"][group]:
            kinds.setdefault(entry[side], first)
            if second:
                kinds.setdefault(entry[2 + side], second)
    return kinds


@dataclass(frozen=True)
class Corpus:
    """A language's corpus. Attributes:
    sentences: the words of each sentence.
    words: id -> word; id 0 is ``PAD``, then by frequency (ties alphabetically).
    index: word -> id.
    """

    language: str
    sentences: tuple[tuple[str, ...], ...]
    words: tuple[str, ...]
    index: dict[str, int] = field(compare=False)

    @property
    def size(self) -> int:
        return len(self.words)

    def ids(self, sentence: tuple[str, ...]) -> list[int]:
        return [self.index[w] for w in sentence]


def corpus_file(language: str) -> Path:
    return DATA / f"corpus_{language}.txt"


@cache
def load_corpus(language: str) -> Corpus:
    """The shipped corpus of ``language`` (``assets/data/corpus_<language>.txt``)."""
    sentences = tuple(tuple(line.split()) for line in corpus_file(language).read_text(encoding="utf-8").splitlines()
                      if line.strip())  # fmt: skip
    counts = Counter(w for s in sentences for w in s)
    words = (PAD, *sorted(counts, key=lambda w: (-counts[w], w)))
    return Corpus(language, sentences, words, {w: k for k, w in enumerate(words)})


def make_embedding(vocab: int, dim: int, seed: int | torch.Generator) -> nn.Embedding:
    """``nn.Embedding(vocab, dim, padding_idx=0)`` with seeded ``N(0, 1)`` rows (its own default init), row 0
    (the padding) zero. ``seed``: a seed, or a generator to draw from."""
    g = seed if isinstance(seed, torch.Generator) else torch.Generator().manual_seed(seed)
    emb = nn.Embedding(vocab, dim, padding_idx=0)
    with torch.no_grad():
        emb.weight.copy_(torch.randn(vocab, dim, generator=g))
        emb.weight[0].zero_()
    return emb


def one_hot_lookup(weight: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """The lookup as a matrix product: ``one_hot(ids) @ W`` ``(..., d)``, equal to ``W[ids]``."""
    return F.one_hot(ids, weight.shape[0]).to(weight.dtype) @ weight


def batch_ids(corpus: Corpus, first: int, size: int = 2) -> torch.Tensor:
    """Sentences ``first .. first + size - 1`` (wrapping) as ``(B, T)`` ids, padded with 0 to the longest."""
    rows = [corpus.ids(corpus.sentences[(first + k) % len(corpus.sentences)]) for k in range(size)]
    longest = max(len(r) for r in rows)
    return torch.tensor([r + [0] * (longest - len(r)) for r in rows])


# --------------------------------------------------------------------------- training


@dataclass(frozen=True)
class EmbTrainSpec:
    """Attributes:
    method: ``skipgram`` (predict each neighbour from the word) or ``cbow`` (predict the word from the mean of
        its neighbours).
    window: neighbours on each side.
    """

    language: str = "en"
    method: str = "skipgram"
    dim: int = 16
    window: int = 2
    epochs: int = 300
    lr: float = 0.03
    seed: int = 0


def skipgram_pairs(corpus: Corpus, window: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(centres, contexts)`` ``(N,)`` each: every word with every neighbour within ``window`` in its sentence."""
    centres, contexts = [], []
    for sentence in corpus.sentences:
        ids = corpus.ids(sentence)
        for i, c in enumerate(ids):
            for j in range(max(0, i - window), min(len(ids), i + window + 1)):
                if j != i:
                    centres.append(c)
                    contexts.append(ids[j])
    return torch.tensor(centres), torch.tensor(contexts)


def cbow_examples(corpus: Corpus, window: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(contexts (N, 2·window), targets (N,))``: each word's neighbours (0-padded at the sentence's ends)."""
    contexts, targets = [], []
    for sentence in corpus.sentences:
        ids = corpus.ids(sentence)
        for i, c in enumerate(ids):
            near = [ids[j] for j in range(max(0, i - window), min(len(ids), i + window + 1)) if j != i]
            contexts.append(near + [0] * (2 * window - len(near)))
            targets.append(c)
    return torch.tensor(contexts), torch.tensor(targets)


class EmbeddingTrainer:
    """Word vectors ``nn.Embedding(V, d)`` and output vectors ``nn.Linear(d, V, bias=False)``, trained with
    ``torch.optim.Adam`` on the whole corpus each epoch, the full softmax over the vocabulary
    (``F.cross_entropy``: with ~60 words no negative sampling is needed). ``run(n)`` trains ``n`` more epochs
    (the shared ``TrainingPool`` calls it in turns)."""

    def __init__(self, corpus: Corpus, spec: EmbTrainSpec):
        self.corpus, self.spec = corpus, spec
        g = torch.Generator().manual_seed(spec.seed)
        self.words = make_embedding(corpus.size, spec.dim, g)  # then the output vectors from the same generator
        self.out = nn.Linear(spec.dim, corpus.size, bias=False)
        with torch.no_grad():
            self.out.weight.copy_(torch.randn(corpus.size, spec.dim, generator=g) / spec.dim**0.5)
        make = skipgram_pairs if spec.method == "skipgram" else cbow_examples
        self.inputs, self.targets = make(corpus, spec.window)
        self.opt = torch.optim.Adam([*self.words.parameters(), *self.out.parameters()], lr=spec.lr)
        self.losses: list[float] = []

    @property
    def epoch(self) -> int:
        return len(self.losses)

    @property
    def done(self) -> bool:
        return self.epoch >= self.spec.epochs

    def hidden(self) -> torch.Tensor:
        """The vector each example predicts from: the word's row, or the mean of its neighbours' rows."""
        if self.spec.method == "skipgram":
            return self.words(self.inputs)
        mask = (self.inputs != 0).unsqueeze(-1)
        return (self.words(self.inputs) * mask).sum(1) / mask.sum(1).clamp(min=1)

    def run(self, epochs: int) -> None:
        for _ in range(min(epochs, self.spec.epochs - self.epoch)):
            loss = F.cross_entropy(self.out(self.hidden()), self.targets)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            self.losses.append(loss.item())

    @property
    def vectors(self) -> torch.Tensor:
        """The trained table ``(V, d)`` (a copy: the pool may go on training)."""
        return self.words.weight.detach().clone()


# --------------------------------------------------------------------------- reading the table


def cosine_table(vectors: torch.Tensor) -> torch.Tensor:
    """``(V, V)`` cosine similarities (a zero row, the padding, has similarity 0 with everything)."""
    unit = F.normalize(vectors, dim=1)
    return unit @ unit.T


def neighbours(vectors: torch.Tensor, word: int, k: int = 8) -> list[tuple[int, float]]:
    """The ``k`` words with the largest cosine similarity to ``word`` (itself and the padding left out)."""
    sims = cosine_table(vectors)[word].clone()
    sims[[0, word]] = -float("inf")
    top = torch.topk(sims, min(k, len(sims) - 2))
    return [(int(i), float(v)) for v, i in zip(top.values, top.indices, strict=True)]


def pca_2d(vectors: torch.Tensor) -> tuple[torch.Tensor, tuple[float, float]]:
    """The rows (the padding left out) on their two main directions: ``(V - 1, 2)`` coordinates and the share
    of the variance each direction explains. With ``d = 2`` the coordinates are the raw vectors, centred."""
    x = vectors[1:] - vectors[1:].mean(0)
    _, s, vh = torch.linalg.svd(x, full_matrices=False)
    share = [*(s**2 / (s**2).sum()).tolist(), 0.0]
    coords = x @ vh[:2].T
    if coords.shape[1] < 2:
        coords = torch.cat([coords, torch.zeros(len(coords), 1)], 1)
    return coords, (share[0], share[1])


def analogy(vectors: torch.Tensor, a: int, b: int, c: int, k: int = 5) -> list[tuple[int, float]]:
    """``a − b + c``: the ``k`` words nearest (cosine) to that vector, ``a``, ``b``, ``c`` and the padding left
    out (the usual word2vec rule; else the answer is nearly always ``a`` itself)."""
    query = F.normalize(vectors[a] - vectors[b] + vectors[c], dim=0)
    sims = F.normalize(vectors, dim=1) @ query
    sims[[0, a, b, c]] = -float("inf")
    top = torch.topk(sims, k)
    return [(int(i), float(v)) for v, i in zip(top.values, top.indices, strict=True)]
