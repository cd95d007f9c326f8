"""components.compute.transforms: every stage against NumPy, the pipeline's link form, seeds and draws."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from torchvision import tv_tensors
from torchvision.transforms import v2

from components.compute.transforms import (
    MAX_STAGES,
    MEANS,
    STAGES,
    PipelineError,
    Stage,
    build,
    default_stage,
    display,
    format_pipeline,
    parse_pipeline,
    run_pipeline,
    summarise,
)

RNG = np.random.default_rng(0)
PIXELS = RNG.integers(0, 256, (60, 80, 3), dtype=np.uint8)
IMG = Image.fromarray(PIXELS)


def _run(text: str, seed: int = 0):
    (run,) = run_pipeline(IMG, parse_pipeline(text), seed)
    return run


def test_flip_is_reversed_columns_and_crop_is_slicing():
    out = _run("hflip:1;image")[-1].output
    assert np.array_equal(out.permute(1, 2, 0).numpy(), PIXELS[:, ::-1])
    crop = _run("centercrop:40;image")[-1].output.permute(1, 2, 0).numpy()
    assert np.array_equal(crop, PIXELS[10:50, 20:60])


def test_to_image_keeps_the_levels_and_to_dtype_scales_by_255():
    image, scaled = _run("image;dtype:1")
    assert isinstance(image.output, tv_tensors.Image) and image.output.dtype == torch.uint8
    assert np.array_equal(image.output.permute(1, 2, 0).numpy(), PIXELS)
    np.testing.assert_allclose(scaled.output.numpy(), PIXELS.transpose(2, 0, 1) / 255, atol=1e-7)
    unscaled = _run("image;dtype:0")[-1].output
    np.testing.assert_array_equal(unscaled.numpy(), PIXELS.transpose(2, 0, 1).astype(np.float32))


@pytest.mark.parametrize("stats", list(MEANS))
def test_normalize_is_x_minus_mean_over_std(stats):
    out = _run(f"image;dtype:1;norm:{stats}")[-1].output.numpy()
    mean, std = (np.array(v)[:, None, None] for v in MEANS[stats])
    np.testing.assert_allclose(out, (PIXELS.transpose(2, 0, 1) / 255 - mean) / std, atol=1e-5)


def test_grayscale_uses_the_luma_weights():
    out = _run("gray:1;image")[-1].output.numpy()[0].astype(float)
    luma = PIXELS @ np.array([0.299, 0.587, 0.114])
    assert np.abs(out - luma).max() <= 1.0  # PIL rounds to whole levels
    assert _run("gray:3;image")[-1].output.shape == (3, 60, 80)


def test_resize_keeps_the_aspect_of_the_short_side():
    assert _run("resize:30;image")[-1].output.shape == (3, 30, 40)


def test_the_order_mistakes_raise_torchvision_s_own_errors():
    uint8 = _run("image;norm:imagenet")
    assert uint8[-1].error == ("TypeError", "Input tensor should be a float tensor. Got torch.uint8.")
    pil = _run("norm:imagenet;image")
    assert pil[-1].error[0] == "TypeError" and "PIL" in pil[-1].error[1] and len(pil) == 1  # the run stops
    big = _run("centercrop:100;image")[-1].output.permute(1, 2, 0).numpy()
    assert big.shape == (100, 100, 3) and (big[:20] == 0).all() and np.array_equal(big[20:80, 10:90], PIXELS)


def test_the_same_seed_draws_the_same_strip_and_compose_agrees():
    text = "rrc:48,0.2,1;hflip:0.5;rotation:40;jitter:0.4,0.4,0.4,0.1;blur:5,2;image;dtype:1;erasing:1,0.3"
    a, b, c = _run(text, 5), _run(text, 5), _run(text, 6)
    assert all(torch.equal(torch.as_tensor(np.array(x.output)), torch.as_tensor(np.array(y.output)))
               for x, y in zip(a, b, strict=True))  # fmt: skip
    assert [x.drew for x in a] == [x.drew for x in b] and [x.drew for x in a] != [x.drew for x in c]
    torch.manual_seed(5)
    composed = v2.Compose([build(s) for s in parse_pipeline(text)])(IMG)
    assert torch.equal(composed, a[-1].output)
    crop = a[0].drew
    assert set(crop) == {"top", "left", "height", "width"} and a[0].output.size == (48, 48)
    assert -40 <= a[2].drew["angle"] <= 40
    assert set(a[-1].drew) == {"i", "j", "h", "w"}


def test_repeats_are_consecutive_calls_after_one_seed():
    stages = parse_pipeline("rrc:32,0.1,1;image")
    runs = run_pipeline(IMG, stages, 3, repeats=4)
    torch.manual_seed(3)
    pipe = v2.Compose([build(s) for s in stages])
    for run in runs:
        assert torch.equal(run[-1].output, pipe(IMG))


def test_a_probability_that_says_no_is_reported():
    run = _run("hflip:0;erasing:0,0.3")
    assert not run[0].applied and np.array_equal(np.array(run[0].output), PIXELS)


@pytest.mark.parametrize("name", list(STAGES))
def test_every_stage_round_trips_through_the_link(name):
    stages = [default_stage(name)]
    assert parse_pipeline(format_pipeline(stages)) == stages


@pytest.mark.parametrize(
    "text",
    ["bogus", "resize", "resize:0", "resize:5000", "hflip:2", "norm:cifar", "rrc:224,0.08", "gray:2.5",
     "resize:256;" * 9, "resize:1e3", "resize:-3", "x" * 500, "image:1"],
)  # fmt: skip
def test_bad_pipelines_are_refused(text):
    with pytest.raises(PipelineError):
        parse_pipeline(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.,:;", max_size=80))
@settings(max_examples=300, deadline=None)
def test_parsing_never_fails_otherwise(text):
    try:
        stages = parse_pipeline(text)
    except PipelineError:
        return
    assert len(stages) <= MAX_STAGES and all(isinstance(s, Stage) and s.name in STAGES for s in stages)


def test_summary_and_display():
    s = summarise(IMG)
    assert (s.kind, s.dtype, s.shape) == ("PIL.Image", "uint8 (RGB)", (3, 60, 80))
    assert (s.low, s.high) == (float(PIXELS.min()), float(PIXELS.max())) and sum(s.histogram) == PIXELS.size
    assert s.mean == pytest.approx(PIXELS.mean())
    norm = _run("image;dtype:1;norm:imagenet")[-1].output
    shown, rescaled = display(norm)
    assert rescaled and float(shown.min()) == 0 and float(shown.max()) == 1
    assert summarise(norm).kind == "tv_tensors.Image" and summarise(norm).dtype == "float32"
