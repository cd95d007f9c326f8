"""The Embeddings page's UI (controls and views): the lookup table and its types and cost, the trained table's
neighbours, map and analogies, and an image's patch embedding.

``STEPS``: the page's lesson steps (words in the catalogs under ``lessons.emb.<id>``).
"""

from __future__ import annotations

from components.ui.lesson import Step

STEPS = (
    Step("lookup", {"emb_word": "cat"}, ("emb_word",)),
    Step("width", {"emb_dim": 512}, ("emb_dim",)),
    Step("train", {"emb_view": "train", "emb_word": "king"}, ("emb_epochs",)),
    Step("analogy", {"emb_view": "train", "emb_analogy": 0, "emb_epochs": 600}, ("emb_analogy",)),
    Step("images", {"emb_view": "images", "emb_patch": 16}, ("emb_patch",)),
)
