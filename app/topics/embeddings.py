"""Embeddings · 词向量与嵌入: a token becomes a vector through a lookup table (``nn.Embedding``), equal to a
one-hot product; a batch ``(B, T)`` becomes ``(B, T, d)``; the table trained by skip-gram or CBOW places related
words near each other; an image is already a tensor, and a ViT embeds its patches with one ``Conv2d``."""

import streamlit as st

from components.compute import embeddings as E
from components.compute import patches as P
from components.snippets.embeddings import images_code, lookup_code, train_code
from components.ui.code_panel import code_panel
from components.ui.embeddings import STEPS
from components.ui.embeddings.controls import D, EmbSettings, emb_controls, train_controls, word_choice
from components.ui.embeddings.views import (
    analogy_label,
    batch_view,
    cost_view,
    images_view,
    lookup_view,
    results_view,
    train_draw,
    types_view,
    vocabulary_chips,
)
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.image_input import image_input
from components.ui.lesson import Lesson, page_header
from components.ui.live_training import current_run, train_live
from components.ui.present import is_present, page_explanation
from components.ui.state import bound, link_notice, reset_button, url_choice, url_tabs

page_header("emb", Lesson("emb", EmbSettings, STEPS))
notice = st.container()
reset_button("emb", EmbSettings)
side = None if is_present() else st.sidebar.container()  # the table's settings: drawn by the open tab's section
tabs = url_tabs({"lookup": t("emb.tab_lookup"), "train": t("emb.tab_train"), "images": t("emb.tab_images")},
                "emb_view")  # fmt: skip
image = image_input("emb") if tabs["images"].open else None


def lookup() -> None:
    corpus, dim, seed = emb_controls(side)
    word_id = word_choice(corpus)
    emb = E.make_embedding(corpus.size, dim, seed)
    with st.expander(t("emb.vocabulary", v=corpus.size)):
        vocabulary_chips(corpus, word_id)
    st.session_state["emb_out_lookup"] = lookup_view(corpus, emb, word_id)
    st.subheader(t("emb.batch_title"))
    first = st.number_input(t("emb.sentence"), 0, len(corpus.sentences) - 1, D.sentence, **bound("emb_sentence"))
    ids = E.batch_ids(corpus, int(first))
    out = batch_view(corpus, emb, ids)
    st.session_state["emb_out_batch"] = (ids, out)
    st.subheader(t("emb.types_title"))
    types_view(emb, ids, out)
    st.subheader(t("emb.cost_title"))
    cost_view(corpus.size, dim)
    code_panel(lookup_code(corpus.language, dim, seed, corpus.words[word_id], int(first)), "embeddings.py")


def patches() -> None:
    _, dim, seed = emb_controls(side)
    patch = url_choice(st.select_slider, t("emb.patch"), list(P.PATCHES), "emb_patch", D.patch)
    st.session_state["emb_out_images"] = images_view(image, int(patch), dim, seed)
    code_panel(images_code(image, int(patch), dim, seed), "embeddings.py")


if tabs["lookup"].open:
    with tabs["lookup"]:
        section(lookup)
run = draw = None
if tabs["train"].open:
    with tabs["train"]:
        corpus, dim, seed = emb_controls(side)  # training is not a section: the whole page reruns
        spec = train_controls(corpus.language, dim, seed)
        progress, chart = st.empty(), st.container(key="emb_chart").empty()
        run = current_run("emb_run", ("emb", corpus.language, spec), lambda: E.EmbeddingTrainer(corpus, spec))
        left, right = st.columns(2)
        word_id = word_choice(corpus, left)
        analogy = url_choice(right.selectbox, t("emb.analogy"), list(range(len(E.corpus_spec()["analogies"]))),
                             "emb_analogy", D.analogy, format_func=lambda k: analogy_label(corpus, k))  # fmt: skip
        results = st.empty()
        named = (word_id, *(corpus.index[w] for w in E.analogy_words(corpus.language, analogy)))
        live = train_draw(corpus, spec, chart, progress, named)

        def draw(tr: E.EmbeddingTrainer) -> None:
            live(tr)
            if tr.done:
                with results.container():
                    shown = results_view(corpus, tr.vectors, word_id, analogy, dim)
                st.session_state["emb_out_train"] = shown | {"losses": tr.losses[:], "vectors": tr.vectors}
            else:
                results.caption(t("emb.after_training"))

        run.show(draw)
        code_panel(
            train_code(spec, corpus.words[word_id], E.analogy_words(corpus.language, analogy)[:3]), "embeddings.py"
        )
if tabs["images"].open:
    with tabs["images"]:
        section(patches)
link_notice("emb", notice)
page_explanation("embeddings")
if run is not None:
    train_live(run, draw)
