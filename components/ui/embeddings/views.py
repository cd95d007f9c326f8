"""The Embeddings page's views: the lookup token → id → row and its one-hot product, a batch ``(B, T)`` →
``(B, T, d)``, the types (module, Parameter, tensor), the cost ``V × d``; the trained table's neighbours, map and
analogies; an image's patches embedded by a ``Conv2d``."""

from __future__ import annotations

from html import escape

import streamlit as st
import torch

from components.compute import embeddings as E
from components.compute import patches as P
from components.figures.embeddings import lookup_html, patch_grid, training_figure
from components.figures.numbers import fmt
from components.figures.raster import clamped_rgb, display_picture, encode
from components.ui.i18n import t
from components.ui.lesson import is_hidden, masked
from components.ui.projector import is_projector, show_figure
from components.ui.tables import static_table

WIDTHS = (2, 64, 512, 768, 4096)  # d of the cost table: this page's extremes, Transformer-base, BERT-base, a LLM
REAL_VOCAB = 32_000  # a typical subword vocabulary


def _type(value: object) -> str:
    """The public name of ``value``'s class (``torch.nn.Embedding``, not ``torch.nn.modules.sparse.Embedding``:
    the same class, the name students write)."""
    kind = type(value)
    for prefix, module in (("torch.nn", torch.nn), ("torch", torch)):
        if getattr(module, kind.__name__, None) is kind:
            return f"{prefix}.{kind.__name__}"
    return f"{kind.__module__}.{kind.__qualname__}"


def vocabulary_chips(corpus: E.Corpus, word_id: int) -> None:
    chips = "".join(f'<span class="mlp-on" data-id="{k}">{k} {escape(w)}</span>' if k == word_id
                    else f'<span data-id="{k}">{k} {escape(w)}</span>' for k, w in enumerate(corpus.words))  # fmt: skip
    st.html(f'<div class="mlp-chips">{chips}</div>')


def lookup_view(corpus: E.Corpus, emb: torch.nn.Embedding, word_id: int) -> dict:
    """The lookup drawn, the one-hot product beside it, checked; returns what the page shows (tests)."""
    labels = {k: t(f"emb.look.{k}") for k in ("token", "id", "row", "more", "table")}
    st.html(lookup_html(corpus.words[word_id], word_id, emb.weight.detach(), corpus.words, labels))
    ids = torch.tensor([word_id])
    with torch.no_grad():
        row = emb(ids)[0]
    product = E.one_hot_lookup(emb.weight.detach(), ids)[0]
    same = torch.equal(row, product)
    c = st.columns(3)
    c[0].metric(t("emb.m_params"), f"{corpus.size * emb.embedding_dim:,}",
                help=t("emb.m_params_help", v=corpus.size, d=emb.embedding_dim))  # fmt: skip
    c[1].metric(t("emb.m_onehot"), t("emb.equal") if same else t("emb.differ"), help=t("emb.m_onehot_help"))
    c[2].metric(t("emb.m_row"), f"({emb.embedding_dim},)", help=t("emb.m_row_help"))
    st.markdown(t("emb.onehot_text", id=word_id, v=corpus.size, d=emb.embedding_dim,
                  diff=fmt(float((row - product).abs().max()), 2)))  # fmt: skip
    return {"row": row, "product": product, "same": same}


def batch_view(corpus: E.Corpus, emb: torch.nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
    """A batch of sentences ``(B, T)`` (padded with id 0) looked up to ``(B, T, d)``."""
    with torch.no_grad():
        out = emb(ids)
    rows = [{t("emb.col_sentence"): str(b), **{f"t={k}": f"{int(i)} {corpus.words[int(i)]}" for k, i in enumerate(r)}}
            for b, r in enumerate(ids)]  # fmt: skip
    static_table(rows)
    pads = ids == 0
    st.markdown(t("emb.batch_text", b=ids.shape[0], t=ids.shape[1], d=emb.embedding_dim,
                  shape=tuple(out.shape), pads=int(pads.sum()), zero=bool((out[pads] == 0).all())))  # fmt: skip
    return out


def types_view(emb: torch.nn.Embedding, ids: torch.Tensor, out: torch.Tensor) -> None:
    """ "Is an embedding a tensor?": the module, its weight, a lookup's result, one line each (a list wraps on a
    projector where a table of code would not)."""
    w = emb.weight
    rows = [
        ("emb", _type(emb), "", t("emb.note_module", tensor=isinstance(emb, torch.Tensor))),
        ("emb.weight", _type(w), str(tuple(w.shape)),
         t("emb.note_weight", tensor=isinstance(w, torch.Tensor), grad=w.requires_grad)),
        ("emb(ids)", _type(out), str(tuple(out.shape)), t("emb.note_output", ids=tuple(ids.shape))),
    ]  # fmt: skip
    lines = [t("emb.type_line", expr=e, kind=k) + (t("emb.type_shape", shape=s) if s else "") + t("emb.type_sep") + n
             for e, k, s, n in rows]  # fmt: skip
    st.markdown("\n".join(f"- {line}" for line in lines))


def cost_view(vocab: int, dim: int) -> None:
    """``V × d`` for this page's vocabulary and a real one, at a few widths (``d = 512``: Transformer-base)."""
    widths = sorted({*WIDTHS, dim})
    rows = [{"d": f"{d} ←" if d == dim else str(d), t("emb.col_ours", v=vocab): f"{vocab * d:,}",
             t("emb.col_real", v=f"{REAL_VOCAB:,}"): f"{REAL_VOCAB * d:,}",
             t("emb.col_mb"): f"{REAL_VOCAB * d * 4 / 2**20:.1f}"} for d in widths]  # fmt: skip
    static_table(rows)
    st.caption(t("emb.cost_help"))


def train_draw(corpus: E.Corpus, spec: E.EmbTrainSpec, chart, progress, first: tuple[int, ...] = ()):
    """The live drawing of a training run: the loss curve beside the words' map (``first``: the ids named on the
    map before the others), the progress line."""
    kinds_of = E.word_kinds(E.corpus_spec(), corpus.language)
    words = list(corpus.words[1:])
    kinds = [kinds_of.get(w, "other") for w in words]
    labels = {k: t(f"emb.fig.{k}") for k in ("epoch", "loss", "pc1", "pc2")}
    labels |= {k: t(f"emb.kinds.{k}") for k in E.KINDS}

    def draw(tr: E.EmbeddingTrainer) -> None:
        coords, shares = E.pca_2d(tr.vectors)
        with chart:
            figure = training_figure(tr.losses, coords, words, kinds, shares, spec.epochs, labels,
                                     tuple(k - 1 for k in first), is_projector())  # fmt: skip
            show_figure(figure, "emb_train", fit="emb_chart")
        loss = fmt(tr.losses[-1], 3) if tr.losses else "–"
        progress.progress(tr.epoch / spec.epochs, text=t("emb.status", k=tr.epoch, total=spec.epochs, loss=loss))

    return draw


def results_view(corpus: E.Corpus, vectors: torch.Tensor, word_id: int, analogy: int, dim: int) -> dict:
    """The trained table read: the map's honesty, the word's neighbours, one analogy (hit or miss)."""
    _, shares = E.pca_2d(vectors)
    if dim == 2:
        st.caption(t("emb.map_raw"))
    else:
        st.caption(t("emb.map_pca", share=f"{100 * (shares[0] + shares[1]):.0f}%", d=dim))
    near = E.neighbours(vectors, word_id, 6)
    left, right = st.columns(2)
    with left:
        st.markdown(t("emb.neighbours_title", word=corpus.words[word_id]))
        static_table([{t("emb.col_word"): corpus.words[i], t("emb.col_cos"): fmt(c, 3)} for i, c in near])
    a, b, c, answer = E.analogy_words(corpus.language, analogy)
    top = E.analogy(vectors, corpus.index[a], corpus.index[b], corpus.index[c], 5)
    found = [corpus.words[i] for i, _ in top]
    with right:
        st.markdown(t("emb.analogy_title", a=a, b=b, c=c))
        if is_hidden():  # "Predict first": the nearest words would give the answer away
            st.caption(t("emb.analogy_hidden"))
            return {"neighbours": near, "analogy": top, "shares": shares}
        static_table([{t("emb.col_word"): f"{w} ✓" if w == answer else w, t("emb.col_cos"): fmt(s, 3)}
                      for w, (_, s) in zip(found, top, strict=True)])  # fmt: skip
        if found[0] == answer:
            st.success(masked(t("emb.analogy_hit", answer=answer)), icon=":material/check:")
        else:
            where = found.index(answer) + 1 if answer in found else None
            text = t("emb.analogy_near", answer=answer, k=where) if where else t("emb.analogy_miss", answer=answer)
            st.warning(masked(text), icon=":material/help:")
    return {"neighbours": near, "analogy": top, "shares": shares}


def analogy_label(corpus: E.Corpus, k: int) -> str:
    a, b, c, _ = E.analogy_words(corpus.language, k)
    return f"{a} − {b} + {c}"


def images_view(image, patch: int, dim: int, seed: int) -> dict:
    """The picture as a ``(3, H, W)`` tensor, cut into patches and embedded: ``(N, d)``."""
    x = P.vit_input(image.tensor)
    conv = P.patch_embedding(dim, patch, seed)
    tokens = P.embed_patches(x, conv)
    by_hand = P.patches_by_hand(x, conv)
    side = P.VIT_SIDE // patch
    left, right = st.columns(2)
    with left:
        st.image(encode(patch_grid(clamped_rgb(x), patch), "JPEG"), width="stretch")
        st.caption(t("emb.patches_help", name=image.name, p=patch, n=side * side, side=side))
    with right:
        picture, _ = display_picture(tokens.T[None], 360, 240, signed=True)
        st.image(picture, width="stretch")
        st.caption(t("emb.tokens_help", n=tokens.shape[0], d=dim))
    c = st.columns(3)
    c[0].metric(t("emb.m_pixels"), f"{tuple(image.tensor.shape)}", help=t("emb.m_pixels_help"))
    c[1].metric(t("emb.m_patches"), masked(f"N = {tokens.shape[0]}"), help=t("emb.m_patches_help"))
    c[2].metric(t("emb.m_tokens"), f"{tuple(tokens.shape)}", help=t("emb.m_tokens_help"))
    diff = float((tokens - by_hand).abs().max())
    st.markdown(t("emb.images_text", p=patch, d=dim, side=side, n=tokens.shape[0], pp=3 * patch * patch,
                  params=f"{3 * patch * patch * dim + dim:,}", diff=fmt(diff, 2)))  # fmt: skip
    return {"tokens": tokens, "by_hand": by_hand, "input": x}
