"""The Embeddings page's settings and controls: the corpus's language, the width ``d``, the seed (sidebar); the
word looked up, the batch, the training settings and the patch size (beside their pictures)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.compute import embeddings as E
from components.ui.i18n import current_lang, t
from components.ui.present import controls
from components.ui.state import bound, url_choice


@dataclass(frozen=True)
class EmbSettings:
    view: str = "lookup"
    corpus: str = "auto"
    dim: int = 16
    seed: int = 0
    word: str = "king"
    sentence: int = 0
    method: str = "skipgram"
    window: int = 2
    epochs: int = 300
    lr: float = 0.03
    analogy: int = 0
    patch: int = 16


D = EmbSettings()
RATES = (0.003, 0.01, 0.03, 0.1)


def emb_controls(where: Any = None) -> tuple[E.Corpus, int, int]:
    """The sidebar (in ``where``, a sidebar container, if given; the presentation view: its folded panel): the
    corpus, ``d`` and the seed."""
    sb = controls(where)
    sb.subheader(t("emb.table"))
    choice = url_choice(sb.selectbox, t("emb.corpus"), ["auto", *E.LANGUAGES], "emb_corpus", D.corpus,
                        format_func=lambda k: t(f"emb.corpora.{k}"))  # fmt: skip
    language = current_lang() if choice == "auto" else choice
    dim = url_choice(sb.select_slider, t("emb.dim"), list(E.DIMS), "emb_dim", D.dim, help=t("emb.dim_help"))
    seed = sb.number_input(t("fit.seed"), 0, 9999, D.seed, **bound("emb_seed"))
    return E.load_corpus(language if language in E.LANGUAGES else "en"), int(dim), int(seed)


def word_choice(corpus: E.Corpus, where=None) -> int:
    """The word looked up (and whose neighbours are listed): its id. The link holds the word; a word of the
    other language is read as its twin."""
    where = where or st
    options = list(corpus.words[1:])
    held = st.session_state.get("emb_word")
    twin = E.twins(E.corpus_spec()).get(held or st.query_params.get("emb_word", ""))
    if held is None and twin in options:  # a link's word of the other language
        st.session_state["emb_word"] = twin
    elif held is not None and held not in options:  # the corpus changed language (or a lesson step's English)
        st.session_state["emb_word"] = twin if twin in options else _default_word(corpus)
    word = url_choice(where.selectbox, t("emb.word"), options, "emb_word", _default_word(corpus),
                      format_func=lambda w: _with_twin(w, corpus))  # fmt: skip
    return corpus.index[word]


def _default_word(corpus: E.Corpus) -> str:
    return D.word if corpus.language == "en" else E.twins(E.corpus_spec())[D.word]


def _with_twin(word: str, corpus: E.Corpus) -> str:
    twin = E.twins(E.corpus_spec()).get(word)
    return f"{word} ({twin})" if twin else word


def train_controls(language: str, dim: int, seed: int) -> E.EmbTrainSpec:
    """How the table is trained: the method, the window, the epochs and the learning rate."""
    (a, b), (c, d) = st.columns(2), st.columns(2)  # two rows: four labels side by side do not fit at 1024 px
    method = url_choice(a.radio, t("emb.method"), ["skipgram", "cbow"], "emb_method", D.method,
                        format_func=lambda k: t(f"emb.methods.{k}"), horizontal=True)  # fmt: skip
    window = b.slider(t("emb.window"), 1, 3, D.window, help=t("emb.window_help"), **bound("emb_window"))
    epochs = c.slider(t("emb.epochs"), 50, E.MAX_EPOCHS, D.epochs, 50, **bound("emb_epochs"))
    lr = url_choice(d.selectbox, t("emb.lr"), list(RATES), "emb_lr", D.lr)
    return E.EmbTrainSpec(language, method, dim, int(window), int(epochs), float(lr), seed)
