"""A ``torchvision.transforms.v2`` pipeline, run stage by stage on a PIL image, with what each random stage drew.

A pipeline is a list of ``Stage`` (a name from ``STAGES`` and its parameters). Its link form is
``"rrc:224,0.08,1;hflip:0.5;image;dtype:1;norm:imagenet"``, parsed strictly (names from the table, numbers
within their bounds), never evaluated.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

import torch
from PIL import Image
from torchvision import tv_tensors
from torchvision.transforms import v2

MAX_STAGES = 8
MEANS = {"imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)), "half": ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))}


@dataclass(frozen=True)
class Param:
    """One parameter: its default and bounds (``choices`` for ids), ``step`` for its slider."""

    name: str
    default: float | str
    low: float = 0.0
    high: float = 1.0
    step: float = 0.01
    choices: tuple[str, ...] = ()
    integer: bool = False


def _size(default: int, high: int = 1024) -> Param:
    return Param("size", default, 8, high, 1, integer=True)


STAGES: dict[str, tuple[Param, ...]] = {
    "resize": (_size(256),),
    "centercrop": (_size(224, 2048),),
    "rrc": (_size(224, 512), Param("scale_min", 0.08, 0.01, 1.0), Param("scale_max", 1.0, 0.01, 1.0)),
    "hflip": (Param("p", 0.5),),
    "rotation": (Param("degrees", 30, 0, 180, 1, integer=True),),
    "jitter": (Param("brightness", 0.4), Param("contrast", 0.4), Param("saturation", 0.4), Param("hue", 0.1, 0, 0.5)),
    "gray": (Param("channels", 1, 1, 3, 2, integer=True),),
    "blur": (Param("kernel", 9, 1, 31, 2, integer=True), Param("sigma", 2.0, 0.1, 10.0, 0.1)),
    "erasing": (Param("p", 0.5), Param("scale_max", 0.33, 0.02, 0.5)),
    "image": (),
    "dtype": (Param("scale", 1, 0, 1, 1, integer=True),),
    "norm": (Param("stats", "imagenet", choices=tuple(MEANS)),),
}
RANDOM = ("rrc", "hflip", "rotation", "jitter", "blur", "erasing")


@dataclass(frozen=True)
class Stage:
    name: str
    values: tuple[Any, ...] = ()

    def value(self, param: str) -> Any:
        names = [p.name for p in STAGES[self.name]]
        return self.values[names.index(param)]


def default_stage(name: str) -> Stage:
    return Stage(name, tuple(p.default for p in STAGES[name]))


class PipelineError(ValueError):
    """A link's pipeline that is not one: ``detail`` names the piece."""

    def __init__(self, message: str, piece: str):
        super().__init__(message)
        self.piece = piece


_PIECE = re.compile(r"([a-z]+)(?::([a-z0-9.,]*))?")
_NUMBER = re.compile(r"\d+(\.\d+)?")


def _parse_value(p: Param, text: str) -> Any:
    if p.choices:
        if text not in p.choices:
            raise ValueError(text)
        return text
    if not _NUMBER.fullmatch(text):
        raise ValueError(text)
    v = float(text)
    if not p.low <= v <= p.high or (p.integer and v != int(v)):
        raise ValueError(text)
    return int(v) if p.integer else v


def parse_pipeline(text: str) -> list[Stage]:
    """The link form back to stages.

    Raises:
        PipelineError: an unknown stage, a wrong number of values, a value out of bounds, more than
            ``MAX_STAGES`` stages. ``piece``: the offending part.
    """
    if len(text) > 400:
        raise PipelineError("the pipeline text is too long", text[:20])
    pieces = [s for s in text.split(";") if s] if text else []
    if len(pieces) > MAX_STAGES:
        raise PipelineError(f"at most {MAX_STAGES} stages. Got {len(pieces)}", pieces[MAX_STAGES])
    stages = []
    for piece in pieces:
        m = _PIECE.fullmatch(piece)
        if not m or m.group(1) not in STAGES:
            raise PipelineError(f"unknown stage. Got {piece!r}", piece[:20])
        params = STAGES[m.group(1)]
        raw = m.group(2).split(",") if m.group(2) else []
        if len(raw) != len(params):
            raise PipelineError(f"{m.group(1)} takes {len(params)} values. Got {len(raw)}", piece[:20])
        try:
            stages.append(Stage(m.group(1), tuple(_parse_value(p, r) for p, r in zip(params, raw, strict=True))))
        except ValueError as err:
            raise PipelineError(f"a value out of bounds in {piece!r}", piece[:20]) from err
    return stages


def format_pipeline(stages: list[Stage]) -> str:
    def one(v: Any) -> str:
        return v if isinstance(v, str) else (str(v) if isinstance(v, int) else f"{v:g}")

    return ";".join(s.name + (":" + ",".join(one(v) for v in s.values) if s.values else "") for s in stages)


def build(stage: Stage) -> v2.Transform:
    """The real ``torchvision.transforms.v2`` transform of a stage."""
    n, v = stage.name, stage.values
    if n == "resize":
        return v2.Resize(v[0])
    if n == "centercrop":
        return v2.CenterCrop(v[0])
    if n == "rrc":
        low, high = sorted((v[1], v[2]))
        return v2.RandomResizedCrop(v[0], scale=(low, high))
    if n == "hflip":
        return v2.RandomHorizontalFlip(v[0])
    if n == "rotation":
        return v2.RandomRotation(v[0])
    if n == "jitter":
        return v2.ColorJitter(*v)
    if n == "gray":
        return v2.Grayscale(v[0])
    if n == "blur":
        return v2.GaussianBlur(v[0], sigma=(0.1, max(0.1, v[1])))
    if n == "erasing":
        return v2.RandomErasing(v[0], scale=(0.02, max(0.02, v[1])))
    if n == "image":
        return v2.ToImage()
    if n == "dtype":
        return v2.ToDtype(torch.float32, scale=bool(v[0]))
    mean, std = MEANS[v[0]]
    return v2.Normalize(mean, std)


@dataclass
class StageResult:
    """Attributes:
    output: what the stage returned (a PIL image, a ``tv_tensors.Image`` or a tensor), ``None`` if it raised.
    drew: the parameters a random stage drew (``make_params``), ``{}`` if it drew none; ``applied`` False when
        its probability said no.
    error: the exception's type and message, if it raised.
    """

    output: Any
    drew: dict[str, Any] = field(default_factory=dict)
    applied: bool = True
    error: tuple[str, str] | None = None


_RNG = threading.Lock()  # torchvision's random transforms draw from torch's one global generator


def run_pipeline(image: Image.Image, stages: list[Stage], seed: int, repeats: int = 1) -> list[list[StageResult]]:
    """Each stage in turn on ``image`` (``torch.manual_seed(seed)`` once, first), ``repeats`` times in a row —
    the draws of ``v2.Compose(stages)`` called ``repeats`` times after that seed. A stage that raises ends its
    run (the later stages get nothing)."""
    transforms = [build(s) for s in stages]
    records: list[dict[str, Any] | None] = [None] * len(transforms)
    for k, tr in enumerate(transforms):
        make = tr.make_params

        def recorded(flat, make=make, k=k):
            params = make(flat)
            records[k] = params
            return params

        tr.make_params = recorded  # this instance only: what it drew, for the page
    runs = []
    with _RNG, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for _ in range(repeats):
            x, run = image, []
            for k, (stage, tr) in enumerate(zip(stages, transforms, strict=True)):
                records[k] = None
                try:
                    x = tr(x)
                except (TypeError, ValueError, RuntimeError) as err:
                    run.append(StageResult(None, error=(type(err).__name__, str(err))))
                    break
                drew = _readable(stage.name, records[k]) if stage.name in RANDOM else {}
                applied = records[k] is not None or stage.name not in ("hflip", "erasing")
                run.append(StageResult(x, drew, applied))
            runs.append(run)
    return runs


def _readable(name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """The drawn parameters as numbers people read (a crop box, an angle, the jitter factors)."""
    if not params:
        return {}
    out: dict[str, Any] = {}
    for k, v in params.items():
        if isinstance(v, torch.Tensor):
            v = v.tolist()
        if k == "fn_idx":
            continue
        if isinstance(v, float):
            out[k] = round(v, 4)
        elif isinstance(v, int | str) or v is None:
            out[k] = v
        elif isinstance(v, list) and all(isinstance(e, int | float) for e in v):
            out[k] = [round(e, 4) for e in v]
    if name == "erasing":  # i, j, h, w and the value pasted
        out = {k: v for k, v in out.items() if k in ("i", "j", "h", "w")}
    return out


@dataclass(frozen=True)
class Summary:
    """Attributes:
    kind: ``PIL.Image``, ``tv_tensors.Image`` or ``torch.Tensor``.
    dtype: ``uint8`` (PIL: its mode's), ``float32``...
    shape: ``(C, H, W)`` (PIL: from its size and bands).
    low, high, mean: over every value.
    histogram: 32 counts over ``[low, high]``.
    """

    kind: str
    dtype: str
    shape: tuple[int, ...]
    low: float
    high: float
    mean: float
    histogram: tuple[int, ...]


def as_tensor(x: Any) -> torch.Tensor:
    """``(C, H, W)`` of the values as they are (a PIL image's uint8 levels)."""
    if isinstance(x, Image.Image):
        return v2.functional.pil_to_tensor(x)
    return x.as_subclass(torch.Tensor)


def summarise(x: Any) -> Summary:
    if isinstance(x, Image.Image):
        kind, dtype = "PIL.Image", f"uint8 ({x.mode})"
    else:
        kind = "tv_tensors.Image" if isinstance(x, tv_tensors.Image) else "torch.Tensor"
        dtype = str(x.dtype).replace("torch.", "")
    t = as_tensor(x).float()  # float32: exact for 8-bit levels, half the memory traffic of float64
    low, high = float(t.min()), float(t.max())
    hist = torch.histc(t, bins=32, min=low, max=high if high > low else low + 1)
    return Summary(kind, dtype, tuple(t.shape), low, high, float(t.mean()), tuple(int(v) for v in hist))


def display(x: Any) -> tuple[torch.Tensor, bool]:
    """``(3 or 1, H, W)`` float in [0, 1] to draw, and whether it had to be rescaled from its own range (a
    normalised or unscaled float image)."""
    t = as_tensor(x)
    if t.dtype == torch.uint8:
        return t.float() / 255, False
    t = t.float()
    low, high = float(t.min()), float(t.max())
    if low >= 0 and high <= 1:
        return t, False
    return (t - low) / (high - low if high > low else 1.0), True
