"""The Transforms page's views: a film strip of every stage, the batch of eight draws, the order mistakes."""

from __future__ import annotations

from html import escape
from typing import Any

import streamlit as st
from PIL import Image

from components.compute.transforms import RANDOM, Stage, StageResult, Summary, display, run_pipeline, summarise
from components.figures.numbers import fmt
from components.figures.raster import encode, fit
from components.ui.i18n import t
from components.ui.media import media_url

THUMB = 200  # pixels across a stage's picture
BATCH = 8


def _thumbnail(x: Any) -> tuple[bytes, bool]:
    shown, rescaled = display(x)
    rgb = (shown.clamp(0, 1) * 255).round().byte()
    if rgb.shape[0] == 1:
        rgb = rgb.expand(3, -1, -1)
    h, w = rgb.shape[1:]
    scale = THUMB / max(h, w)
    pixels = fit(rgb.permute(1, 2, 0).numpy(), max(1, round(w * scale)), max(1, round(h * scale)))
    return encode(pixels, "JPEG"), rescaled


@st.cache_resource(max_entries=16, show_spinner=False)
def _input(digest: str, _image: Image.Image) -> tuple[bytes, bool, Summary]:
    """The input's card (a 1024² photo's summary alone is ~90 ms): once per picture."""
    return (*_thumbnail(_image), summarise(_image))


def _picture(x: Any, key: str, digest: str | None = None) -> tuple[str, bool, Summary]:
    data, rescaled, summary = _input(digest, x) if digest else (*_thumbnail(x), summarise(x))
    return media_url(data, "JPEG", key), rescaled, summary


def _histogram(counts: tuple[int, ...]) -> str:
    """The values' histogram as 32 bars of CSS (``st.html`` keeps no inline SVG)."""
    top = max(counts) or 1
    bars = "".join(f'<i style="height:{100 * c / top:.1f}%"></i>' for c in counts)
    return f'<div class="mlp-hist" title="histogram">{bars}</div>'


def _drew(stage: Stage, result: StageResult) -> str:
    if stage.name not in RANDOM:
        return ""
    if not result.applied:
        return t("tf.not_applied")
    if stage.name == "hflip":
        return t("tf.flipped")
    parts = [f"{k} = {fmt(v, 4) if isinstance(v, float) else v}" for k, v in result.drew.items()]
    return t("tf.drew", what=", ".join(parts)) if parts else ""


def _mistake(stage: Stage, before: Any, result: StageResult) -> str:
    """A one-line explanation and fix for the classic order mistakes (or ``""``)."""
    if result.error and stage.name == "norm":
        return t("tf.mistake.norm_pil") if isinstance(before, Image.Image) else t("tf.mistake.norm_uint8")
    if result.error:
        return t("tf.mistake.other")
    if stage.name == "centercrop":
        w, h = before.size if isinstance(before, Image.Image) else (before.shape[-1], before.shape[-2])
        if stage.values[0] > min(w, h):
            return t("tf.mistake.big_crop", size=stage.values[0], w=w, h=h)
    if stage.name == "norm" and summarise(before).high > 1.5:
        return t("tf.mistake.norm_unscaled")
    return ""


def _card(k: int, stage: Stage | None, before: Any, result: StageResult, key: str, digest: str | None = None) -> str:
    title = t("tf.input") if stage is None else f"{k}. {t(f'tf.stages.{stage.name}')}"
    if result.error:
        kind, message = result.error
        note = _mistake(stage, before, result) if stage else ""
        return (f'<div class="mlp-card mlp-card-error"><b>{escape(title)}</b>'
                f'<div class="mlp-err"><code>{escape(kind)}: {escape(message)}</code></div>'
                f'<div class="mlp-fix">{escape(note)}</div></div>')  # fmt: skip
    url, rescaled, s = _picture(result.output, key, digest)
    shape = "×".join(map(str, s.shape))
    stats = t("tf.stats_line", low=fmt(s.low, 3), high=fmt(s.high, 3), avg=fmt(s.mean, 3))
    extra = [_drew(stage, result) if stage else "", t("tf.rescaled") if rescaled else ""]
    extra.append(_mistake(stage, before, result) if stage else "")
    notes = "".join(f'<div class="mlp-note">{escape(e)}</div>' for e in extra if e)
    return (f'<div class="mlp-card"><b>{escape(title)}</b><img src="{escape(url)}" alt="{escape(title)}">'
            f'<div><code>{escape(s.kind)}</code> · <code>{escape(s.dtype)}</code> · {shape}</div>'
            f"<div>{escape(stats)}</div>{_histogram(s.histogram)}{notes}</div>")  # fmt: skip


def film_strip(image: Image.Image, digest: str, stages: list[Stage], run: list[StageResult]) -> None:
    """Every stage's picture, type, dtype, shape, range, mean and histogram, in order; an error ends the strip.
    ``digest``: the picture's (its card is cached by it)."""
    cards = [_card(0, None, None, StageResult(image), "tf_card_0", digest)]
    before: Any = image
    for k, (stage, result) in enumerate(zip(stages, run, strict=False), start=1):
        cards.append(_card(k, stage, before, result, f"tf_card_{k}"))
        before = result.output
    if len(run) < len(stages):
        cards.append(f'<div class="mlp-card mlp-card-skip">{escape(t("tf.skipped", n=len(stages) - len(run)))}</div>')
    st.container(key="tf_strip").html('<div class="mlp-strip">' + "".join(cards) + "</div>")


def batch_view(image: Image.Image, stages: list[Stage], seed: int) -> None:
    """The pipeline applied eight times in a row after the seed: eight different draws, as in eight epochs."""
    runs = run_pipeline(image, stages, seed, BATCH)
    cells = []
    for k, run in enumerate(runs):
        last = run[-1] if run else StageResult(image)
        if last.error:
            cells.append(f'<div class="mlp-card mlp-card-error">{escape(t("tf.batch_error"))}</div>')
            continue
        url, _, _ = _picture(last.output if stages else image, f"tf_batch_{k}")
        drawn = "; ".join(d for d in (_drew(s, r) for s, r in zip(stages, run, strict=False)) if d)
        cells.append(f'<div class="mlp-card"><b>{escape(t("tf.epoch", k=k + 1))}</b><img src="{escape(url)}" '
                     f'alt=""><div class="mlp-note">{escape(drawn)}</div></div>')  # fmt: skip
    st.caption(t("tf.batch_help", n=BATCH, seed=seed))
    st.container(key="tf_batch").html('<div class="mlp-strip">' + "".join(cells) + "</div>")
