"""The Transforms page's pipeline editor: up to eight stages, each with its parameters, added, removed and moved;
the whole pipeline in the link (``?tf_pipe=rrc:224,0.08,1;hflip:0.5;...``).

The pipeline's text in ``st.session_state["tf_pipe"]`` is the one truth (a lesson step or Reset set it). Each
stage's widgets carry an id of their own (``tf_<uid>_<param>``), so moving a stage keeps its values; a pipeline
set from outside gets new ids and new widgets.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.compute.transforms import (
    MAX_STAGES,
    STAGES,
    PipelineError,
    Stage,
    default_stage,
    format_pipeline,
    parse_pipeline,
)
from components.ui.i18n import t
from components.ui.state import bound, note_ignored

KEY = "tf_pipe"
_BUILT, _UIDS = "_tf_built", "_tf_uids"
_COUNTER = itertools.count(1)
PRESETS = {
    "train": "rrc:224,0.08,1;hflip:0.5;image;dtype:1;norm:imagenet",
    "eval": "resize:256;centercrop:224;image;dtype:1;norm:imagenet",
    "augment": "rotation:30;jitter:0.4,0.4,0.4,0.1;blur:9,2;image;dtype:1;erasing:0.5,0.33",
    "uint8_norm": "resize:256;image;norm:imagenet",
    "big_crop": "centercrop:1200;image;dtype:1",
}
DEFAULT = PRESETS["train"]


@dataclass(frozen=True)
class TfSettings:
    """The Transforms page's shareable settings (``tf_<field>`` in the link)."""

    image: str = "cat"
    pipe: str = DEFAULT
    seed: int = 0


def _stages() -> list[Stage]:
    """The pipeline (from the session, else the link, else the default; a bad link falls back and says so)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get(KEY, DEFAULT)
    try:
        return parse_pipeline(str(st.session_state[KEY]))
    except PipelineError:
        note_ignored(KEY)
        st.session_state[KEY] = DEFAULT
        return parse_pipeline(DEFAULT)


def _uids(stages: list[Stage]) -> list[int]:
    if st.session_state.get(_BUILT) != st.session_state[KEY] or len(st.session_state.get(_UIDS, [])) != len(stages):
        st.session_state[_UIDS] = [next(_COUNTER) for _ in stages]
        st.session_state[_BUILT] = st.session_state[KEY]
    return st.session_state[_UIDS]


def _set(stages: list[Stage], uids: list[int]) -> None:
    st.session_state[KEY] = format_pipeline(stages)
    st.session_state[_BUILT] = st.session_state[KEY]
    st.session_state[_UIDS] = uids


def _move(k: int, step: int) -> None:
    stages, uids = _stages(), list(st.session_state[_UIDS])
    j = k + step
    stages[k], stages[j] = stages[j], stages[k]
    uids[k], uids[j] = uids[j], uids[k]
    _set(stages, uids)


def _remove(k: int) -> None:
    stages, uids = _stages(), list(st.session_state[_UIDS])
    del stages[k], uids[k]
    _set(stages, uids)


def _add() -> None:
    name = st.session_state.get("tf_add_name")
    stages, uids = _stages(), list(st.session_state[_UIDS])
    if name in STAGES and len(stages) < MAX_STAGES:
        _set([*stages, default_stage(name)], [*uids, next(_COUNTER)])


def _preset() -> None:
    st.session_state[KEY] = PRESETS[st.session_state["tf_preset_pick"]]


def _widget(box: Any, uid: int, stage: Stage) -> tuple[Any, ...]:
    values = []
    for p, value in zip(STAGES[stage.name], stage.values, strict=True):
        key = f"tf_{uid}_{p.name}"
        label = t(f"tf.params.{p.name}")
        if p.choices:
            values.append(box.selectbox(label, p.choices, index=p.choices.index(value), key=key,
                                        format_func=lambda c: t(f"tf.stats.{c}")))  # fmt: skip
        elif p.name == "scale":
            values.append(int(box.toggle(label, bool(value), key=key)))
        elif p.integer:
            values.append(int(box.slider(label, int(p.low), int(p.high), int(value), int(p.step), key=key)))
        else:
            values.append(float(box.slider(label, float(p.low), float(p.high), float(value), float(p.step), key=key)))
    return tuple(values)


def pipeline_editor(sb: Any) -> list[Stage]:
    """The pipeline's stages in ``sb``: each with its parameters and ↑ ↓ ✕; add a stage; presets. Returns the
    stages as set now (the link follows)."""
    stages = _stages()
    uids = _uids(stages)
    sb.subheader(t("tf.pipeline_header"))
    sb.selectbox(t("tf.preset"), list(PRESETS), key="tf_preset_pick", format_func=lambda k: t(f"tf.presets.{k}"),
                 index=None, placeholder=t("tf.preset_placeholder"), on_change=_preset)  # fmt: skip
    current = []
    for k, (uid, stage) in enumerate(zip(uids, stages, strict=True)):
        box = sb.container(border=True, key=f"tf_stage_{uid}")
        box.markdown(f"**{k + 1}. {t(f'tf.stages.{stage.name}')}**")
        head = box.container(horizontal=True, gap="small")  # ↑ ↓ ✕ on one row under the name
        head.button("↑", key=f"tf_up_{uid}", on_click=_move, args=(k, -1), disabled=k == 0, help=t("tf.up"))
        head.button("↓", key=f"tf_down_{uid}", on_click=_move, args=(k, 1), disabled=k == len(stages) - 1,
                    help=t("tf.down"))  # fmt: skip
        head.button("✕", key=f"tf_del_{uid}", on_click=_remove, args=(k,), help=t("tf.remove"))
        current.append(Stage(stage.name, _widget(box, uid, stage)))
    if len(stages) < MAX_STAGES:
        row = sb.container(horizontal=True, vertical_alignment="bottom")
        row.selectbox(t("tf.add"), list(STAGES), key="tf_add_name", format_func=lambda k: t(f"tf.stages.{k}"))
        row.button(t("tf.add_button"), key="tf_add", on_click=_add, icon=":material/add:")
    else:
        sb.caption(t("tf.full", n=MAX_STAGES))
    text = format_pipeline(current)
    if text != st.session_state[KEY]:  # a parameter moved: the same widgets, the new text
        _set(current, uids)
    if text == DEFAULT:
        if KEY in st.query_params:
            del st.query_params[KEY]
    elif st.query_params.get(KEY) != text:
        st.query_params[KEY] = text
    return current


def seed_controls(sb: Any) -> int:
    """The pipeline's seed (in the link) and "Draw again", which moves it on."""

    def again() -> None:
        st.session_state["tf_seed"] = (int(st.session_state.get("tf_seed", 0)) + 1) % 10000

    sb.subheader(t("tf.random_header"))
    seed = sb.number_input(t("tf.seed"), 0, 9999, 0, help=t("tf.seed_help"), **bound("tf_seed"))
    sb.button(t("tf.again"), on_click=again, key="tf_again", icon=":material/casino:")
    return int(seed)
