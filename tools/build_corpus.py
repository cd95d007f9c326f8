"""Write the Embeddings page's training corpus, ``assets/data/corpus_{en,zh}.txt``, from its templates
(``assets/data/embedding_corpus.toml``). Run after changing the templates: ``python -m tools.build_corpus``
(``tests/unit/test_embeddings.py`` checks the shipped files agree)."""

from __future__ import annotations

from components.compute.embeddings import LANGUAGES, corpus_file, corpus_spec, expand


def main() -> None:
    for language in LANGUAGES:
        lines = expand(corpus_spec(), language)
        corpus_file(language).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{corpus_file(language)}: {len(lines)} sentences")


if __name__ == "__main__":
    main()
