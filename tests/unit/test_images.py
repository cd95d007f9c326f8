"""components.compute.images: decoding every mode and format, refusals, working size, patterns."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from components.compute.images import (
    MAX_BYTES,
    MAX_PIXELS,
    PATTERNS,
    ImageError,
    decode_image,
    rgb_conversion,
    to_rgb,
    to_tensor,
    working_size,
    write_patterns,
)

ROOT = Path(__file__).resolve().parents[2]
WHITE = (255, 255, 255)


def encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def reason(data: bytes, **kw) -> str:
    with pytest.raises(ImageError) as err:
        decode_image(data, **kw)
    return err.value.reason


def colour_grid() -> np.ndarray:
    """A 4x6 RGB image with distinct, saturated colours (exact in lossless formats)."""
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, size=(4, 6, 3), dtype=np.uint8)


# --------------------------------------------------------------------------- modes


def test_rgb_png_round_trips_exactly():
    px = colour_grid()
    out = decode_image(encode(Image.fromarray(px), "PNG"))
    assert out.pixels.dtype == np.uint8 and out.pixels.shape == (4, 6, 3)
    assert np.array_equal(out.pixels, px)
    assert out.original_size == (6, 4) and not out.resized


def _composite_over_white(rgba: np.ndarray) -> np.ndarray:
    a = rgba[..., 3:4].astype(np.float64) / 255
    return rgba[..., :3] * a + 255 * (1 - a)


def test_rgba_transparent_pixels_become_white():
    rgba = np.zeros((3, 4, 4), dtype=np.uint8)
    rgba[0] = (200, 10, 30, 0)  # fully transparent, hidden colour must not leak
    rgba[1] = (200, 10, 30, 255)  # opaque
    rgba[2] = (0, 0, 0, 128)  # half-transparent black -> mid grey
    out = decode_image(encode(Image.fromarray(rgba, "RGBA"), "PNG")).pixels
    assert (out[0] == WHITE).all()
    assert (out[1] == (200, 10, 30)).all()
    np.testing.assert_allclose(out[2].astype(float), _composite_over_white(rgba[2]), atol=1)


def test_la_composited_over_white():
    la = np.array([[[0, 0], [0, 255], [100, 51]]], dtype=np.uint8)  # (1, 3, 2): L, A
    out = decode_image(encode(Image.fromarray(la, "LA"), "PNG")).pixels
    assert out[0, 0].tolist() == [255, 255, 255]
    assert out[0, 1].tolist() == [0, 0, 0]
    want = 100 * 0.2 + 255 * 0.8  # alpha 51 = 20 %
    np.testing.assert_allclose(out[0, 2].astype(float), [want] * 3, atol=1)


def test_l_grey_is_replicated_to_three_channels():
    grey = np.arange(0, 240, 10, dtype=np.uint8).reshape(4, 6)
    out = decode_image(encode(Image.fromarray(grey, "L"), "PNG")).pixels
    assert np.array_equal(out, np.repeat(grey[:, :, None], 3, axis=2))


def _palette_image(transparent: int | None) -> tuple[Image.Image, np.ndarray]:
    palette = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (10, 20, 30)]
    idx = np.array([[0, 1, 2, 3], [3, 2, 1, 0]], dtype=np.uint8)
    img = Image.fromarray(idx, "P")
    img.putpalette([c for rgb in palette for c in rgb])
    if transparent is not None:
        img.info["transparency"] = transparent
    want = np.array([[palette[i] for i in row] for row in idx], dtype=np.uint8)
    if transparent is not None:
        want[idx == transparent] = WHITE
    return img, want


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "BMP"])
def test_palette_without_transparency(fmt):
    img, want = _palette_image(None)
    out = decode_image(encode(img, fmt)).pixels
    assert np.array_equal(out, want)


@pytest.mark.parametrize("fmt", ["PNG", "GIF"])
def test_palette_with_transparency_becomes_white(fmt):
    img, want = _palette_image(3)
    data = encode(img, fmt, transparency=3)
    assert Image.open(io.BytesIO(data)).mode == "P"
    out = decode_image(data).pixels
    assert np.array_equal(out, want)


def test_palette_with_per_entry_alpha():
    """PNG palettes may carry a partial alpha per entry (tRNS with several values)."""
    img, _ = _palette_image(None)
    data = encode(img, "PNG", transparency=bytes([0, 128, 255, 255]))
    out = decode_image(data).pixels.astype(float)
    assert out[0, 0].tolist() == [255, 255, 255]  # entry 0: fully transparent red -> white
    np.testing.assert_allclose(out[0, 1], _composite_over_white(np.array([0, 255, 0, 128])), atol=1)
    assert out[0, 2].tolist() == [0, 0, 255] and out[0, 3].tolist() == [10, 20, 30]


@pytest.mark.parametrize("fmt", ["PNG", "BMP"])
def test_one_bit_black_and_white(fmt):
    bits = np.array([[0, 1, 1, 0], [1, 0, 0, 1]], dtype=bool)
    img = Image.fromarray(bits).convert("1")
    assert img.mode == "1"
    out = decode_image(encode(img, fmt)).pixels
    assert np.array_equal(out[..., 0], np.where(bits, 255, 0))
    assert np.array_equal(out[..., 0], out[..., 2])


def test_sixteen_bit_is_rescaled_from_its_own_range_not_clipped():
    a = np.array([[1000, 1500, 3000], [3000, 1000, 2000]], dtype=np.uint16)
    data = encode(Image.fromarray(a), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    out = decode_image(data).pixels
    # (v - 1000) / 2000 * 255: 0, 63.75, 255 / 255, 0, 127.5
    want = np.array([[0, 64, 255], [255, 0, 128]], dtype=np.uint8)
    assert np.array_equal(out[..., 0], want)
    assert np.array_equal(out[..., 1], want) and np.array_equal(out[..., 2], want)


def test_sixteen_bit_high_values_keep_detail():
    """A 16-bit image whose values all exceed 255 must not come out uniformly white."""
    a = np.linspace(40000, 60000, 16, dtype=np.uint16).reshape(4, 4)
    out = decode_image(encode(Image.fromarray(a), "PNG")).pixels[..., 0]
    assert out.min() == 0 and out.max() == 255
    assert len(np.unique(out)) == 16


def test_int32_mode_rescaled():
    img = Image.fromarray(np.array([[-10, 0, 30]], dtype=np.int32))
    assert img.mode == "I"
    assert np.asarray(to_rgb(img))[0, :, 0].tolist() == [0, 64, 255]


def test_float_mode_rescaled():
    img = Image.fromarray(np.array([[-1.0, 0.0, 3.0]], dtype=np.float32))
    assert img.mode == "F"
    out = to_rgb(img)
    assert out.mode == "RGB"
    assert np.asarray(out)[0, :, 0].tolist() == [0, 64, 255]


@pytest.mark.parametrize("mode", ["I;16", "I", "F"])
def test_constant_high_bit_depth_does_not_crash(mode):
    dtype = {"I;16": np.uint16, "I": np.int32, "F": np.float32}[mode]
    img = Image.fromarray(np.full((2, 3), 7, dtype=dtype))
    out = np.asarray(to_rgb(img))
    assert out.shape == (2, 3, 3) and out.dtype == np.uint8
    assert len(np.unique(out)) == 1


def test_cmyk_jpeg():
    cmyk = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # no cyan, full magenta + yellow = red
    data = encode(cmyk, "JPEG", quality=100)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    out = decode_image(data).pixels.astype(int)
    np.testing.assert_allclose(out.reshape(-1, 3).mean(0), [255, 0, 0], atol=4)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "P", "1", "I;16", "I", "F", "CMYK", "PA", "RGBX", "YCbCr"])
def test_to_rgb_returns_rgb_for_every_mode(mode):
    img = Image.new(mode, (5, 3))
    out = to_rgb(img)
    assert out.mode == "RGB" and out.size == (5, 3)


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("fmt", "kw", "tol"),
    [
        ("PNG", {}, 0),
        ("BMP", {}, 0),
        ("WEBP", {"lossless": True}, 0),
        ("WEBP", {"quality": 95}, 8),
        ("JPEG", {"quality": 95}, 8),
    ],
)
def test_formats_decode_to_the_same_picture(fmt, kw, tol):
    # 2x2 blocks of 16x16 px; lossy codecs blur block edges, so compare block means
    blocks = np.array([[(230, 30, 40), (20, 200, 60)], [(30, 40, 220), (250, 250, 250)]], dtype=np.uint8)
    px = np.repeat(np.repeat(blocks, 16, axis=0), 16, axis=1)
    out = decode_image(encode(Image.fromarray(px), fmt, **kw))
    assert out.pixels.shape == (32, 32, 3)
    if tol == 0:
        assert np.array_equal(out.pixels, px)
    means = out.pixels.astype(float).reshape(2, 16, 2, 16, 3).mean(axis=(1, 3))
    assert np.abs(means - blocks).max() <= tol


def test_gif_gray_round_trip():
    grey = np.array([[0, 85, 170, 255]], dtype=np.uint8)
    out = decode_image(encode(Image.fromarray(grey, "L"), "GIF")).pixels
    assert out[0, :, 0].tolist() == [0, 85, 170, 255]


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animation_uses_the_first_frame(fmt):
    frames = [Image.new("RGB", (8, 6), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    kw = {"lossless": True} if fmt == "WEBP" else {}
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0, **kw)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 3
    out = decode_image(data).pixels
    assert out.shape == (6, 8, 3)
    assert (out == (255, 0, 0)).all()


def _jpeg_with_orientation(orientation: int) -> bytes:
    img = Image.new("RGB", (40, 20), (255, 255, 255))
    img.paste((255, 0, 0), (0, 0, 8, 8))  # red marker at the stored top-left
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(img, "JPEG", quality=95, exif=exif.tobytes())


def test_exif_orientation_six_is_applied():
    out = decode_image(_jpeg_with_orientation(6)).pixels
    assert out.shape == (40, 20, 3)  # 40 wide x 20 high stored -> 20 wide x 40 high shown
    # orientation 6 = rotate 90 degrees clockwise to display: stored top-left lands top-right
    assert out[2, 17].tolist()[0] > 200 and out[2, 17].tolist()[1] < 60
    assert out[2, 2].min() > 200  # top-left is white
    assert decode_image(_jpeg_with_orientation(6)).original_size == (20, 40)


def test_exif_orientation_one_keeps_the_size():
    out = decode_image(_jpeg_with_orientation(1)).pixels
    assert out.shape == (20, 40, 3)
    assert out[2, 2, 0] > 200 and out[2, 2, 1] < 60


def test_tiff_is_not_an_accepted_format():
    data = encode(Image.new("RGB", (4, 4)), "TIFF")
    assert reason(data) == "not_image"


# --------------------------------------------------------------------------- working size


@pytest.mark.parametrize(
    ("size", "limit", "want"),
    [
        ((3000, 1500), 1024, (1024, 512)),
        ((1500, 3000), 1024, (512, 1024)),
        ((1024, 1024), 1024, (1024, 1024)),
        ((1025, 10), 1024, (1024, 10)),
        ((100, 50), 1024, (100, 50)),
        ((1, 1), 1024, (1, 1)),
        ((5000, 1), 1024, (1024, 1)),  # never 0 pixels
        ((4000, 3000), 800, (800, 600)),
        ((640, 480), 64, (64, 48)),
    ],
)
def test_working_size(size, limit, want):
    assert working_size(*size, limit) == want


def test_large_image_is_scaled_to_the_working_size():
    img = Image.new("RGB", (3000, 1500), (10, 120, 200))
    out = decode_image(encode(img, "PNG"))
    assert out.pixels.shape == (512, 1024, 3)
    assert out.original_size == (3000, 1500)
    assert out.resized
    assert (np.abs(out.pixels.astype(int) - (10, 120, 200)) <= 1).all()


def test_small_image_is_not_enlarged():
    out = decode_image(encode(Image.new("RGB", (30, 7), (1, 2, 3)), "PNG"))
    assert out.pixels.shape == (7, 30, 3)
    assert out.original_size == (30, 7) and not out.resized


def test_custom_limit():
    out = decode_image(encode(Image.new("RGB", (200, 100)), "PNG"), limit=50)
    assert out.pixels.shape == (25, 50, 3) and out.original_size == (200, 100)


# --------------------------------------------------------------------------- refusals


def test_empty_bytes():
    assert reason(b"") == "empty"


def test_too_many_bytes():
    assert reason(b"\x89PNG" + bytes(MAX_BYTES)) == "too_large"


def test_exactly_max_bytes_is_not_refused_for_size():
    assert reason(bytes(MAX_BYTES)) == "not_image"


@pytest.mark.parametrize(
    "data",
    [
        np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes(),
        b"Hello, this is a text file.\nNot an image at all.\n",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"\x00",
    ],
    ids=["random", "text", "pdf", "svg", "nul"],
)
def test_not_an_image(data):
    assert reason(data) == "not_image"


def _noisy_png(w: int = 64, h: int = 64) -> bytes:
    px = np.random.default_rng(3).integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    return encode(Image.fromarray(px), "PNG")


def test_truncated_png():
    data = _noisy_png()
    assert reason(data[: len(data) // 2]) == "truncated"


def test_truncated_jpeg():
    px = np.random.default_rng(4).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    data = encode(Image.fromarray(px), "JPEG", quality=90)
    assert reason(data[: len(data) // 2]) == "truncated"


def test_png_cut_inside_the_header():
    assert reason(_noisy_png()[:20]) == "not_image"


def _png_declaring(width: int, height: int) -> bytes:
    """A valid 1x1 PNG whose IHDR is patched to declare ``width x height`` (with a correct CRC)."""
    data = bytearray(encode(Image.new("RGB", (1, 1)), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF  # chunk type + 13 data bytes
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)


def test_patched_png_header_is_read_by_pillow():
    """The crafted header is genuine: Pillow reports the declared size without decoding."""
    assert Image.open(io.BytesIO(_png_declaring(123, 45))).size == (123, 45)


@pytest.mark.parametrize(("w", "h"), [(100_000, 100_000), (7_000, 7_000), (40_000_001, 1)])
def test_decompression_bomb_is_refused_fast_before_decoding(w, h):
    assert w * h > MAX_PIXELS
    data = _png_declaring(w, h)
    tracemalloc.start()
    t0 = time.perf_counter()
    got = reason(data)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert got == "bomb"
    assert elapsed < 1.0
    assert peak < 20 * 1024 * 1024


def test_max_pixels_boundary():
    data = encode(Image.new("RGB", (10, 10)), "PNG")
    assert decode_image(data, max_pixels=100).pixels.shape == (10, 10, 3)
    assert reason(data, max_pixels=99) == "bomb"


def test_image_error_is_a_value_error_with_got():
    with pytest.raises(ValueError, match="Got"):
        decode_image(b"")


# --------------------------------------------------------------------------- to_tensor


def test_to_tensor():
    px = colour_grid()
    x = to_tensor(px)
    assert x.shape == (3, 4, 6) and x.dtype == torch.float32
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    want = np.transpose(px.astype(np.float64) / 255, (2, 0, 1))
    np.testing.assert_allclose(x.numpy(), want, atol=1e-7)
    assert x[:, 1, 2].tolist() == pytest.approx([v / 255 for v in px[1, 2].tolist()])


def test_to_tensor_extremes_and_independence():
    px = np.array([[[0, 255, 128]]], dtype=np.uint8)
    x = to_tensor(px)
    assert x[:, 0, 0].tolist() == pytest.approx([0.0, 1.0, 128 / 255])
    px[0, 0, 0] = 255  # the caller's array changes later: the tensor must not follow
    assert x[0, 0, 0].item() == 0.0


# --------------------------------------------------------------------------- patterns


@pytest.mark.parametrize("name", ["checkerboard", "shapes", "text"])
def test_shipped_pattern_files_match_the_generator(name):
    shipped = Image.open(ROOT / "assets" / "images" / f"{name}.png")
    made = PATTERNS[name]()
    assert made.dtype == np.uint8 and made.ndim == 3 and made.shape[2] == 3
    assert np.array_equal(np.asarray(shipped.convert("RGB")), made)


def test_checkerboard_by_hand():
    board = PATTERNS["checkerboard"]()
    assert board.shape == (256, 256, 3)
    assert board[0, 0].tolist() == [0, 0, 0]
    assert board[0, 32].tolist() == [255, 255, 255]  # 8 squares of 32 px
    assert board[32, 32].tolist() == [0, 0, 0]
    assert board[31, 31].tolist() == [0, 0, 0] and board[31, 32].tolist() == [255, 255, 255]


def test_write_patterns(tmp_path):
    write_patterns(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.png" for n in PATTERNS)
    for name, make in PATTERNS.items():
        decoded = decode_image((tmp_path / f"{name}.png").read_bytes())
        assert np.array_equal(decoded.pixels, make())


# --------------------------------------------------------------------------- how each mode became RGB (code panel)


@pytest.mark.parametrize(
    ("mode", "want"),
    [
        ("RGB", "convert"),
        ("L", "convert"),
        ("CMYK", "convert"),
        ("P", "convert"),
        ("RGBA", "alpha"),
        ("LA", "alpha"),
        ("PA", "alpha"),
        ("I;16", "stretch16"),
        ("I", "stretch"),
        ("F", "stretch"),
    ],
)
def test_decode_reports_the_conversion_it_used(mode, want):
    fmt = "JPEG" if mode == "CMYK" else "TIFF" if mode in ("I", "F", "PA") else "PNG"
    img = Image.new(mode, (4, 3))
    if fmt == "TIFF":  # not an upload format: check the classification on the image itself
        assert rgb_conversion(img) == want
        return
    decoded = decode_image(encode(img, fmt))
    assert decoded.conversion == want
    assert decoded.format == fmt


def test_palette_with_transparency_is_composited():
    img, _ = _palette_image(transparent=0)
    assert decode_image(encode(img, "PNG")).conversion == "alpha"


# --------------------------------------------------------------------------- HEIC (iPhone photos)


@pytest.fixture
def heif():
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    return pillow_heif


def _heic(img: Image.Image, **kw) -> bytes:
    return encode(img, "HEIF", quality=95, **kw)


def test_heic_made_by_pillow_heif_decodes(heif):
    px = np.zeros((48, 64, 3), dtype=np.uint8)
    px[:, :32] = (220, 40, 30)  # red left half, blue right half: survives lossy coding
    px[:, 32:] = (30, 60, 220)
    data = _heic(Image.fromarray(px))
    assert data[4:12] == b"ftypheic"
    out = decode_image(data)
    assert out.format == "HEIF" and out.original_size == (64, 48)
    np.testing.assert_allclose(out.pixels[:, :28].reshape(-1, 3).mean(0), (220, 40, 30), atol=12)
    np.testing.assert_allclose(out.pixels[:, 36:].reshape(-1, 3).mean(0), (30, 60, 220), atol=12)


def test_heic_with_alpha_is_composited_on_white(heif):
    rgba = np.zeros((16, 16, 4), dtype=np.uint8)  # fully transparent black
    out = decode_image(_heic(Image.fromarray(rgba, "RGBA")))
    assert out.conversion == "alpha"
    assert out.pixels.min() > 240  # white, not black


def test_bad_heic_bytes_get_the_usual_refusals(heif):
    data = _heic(Image.effect_noise((120, 80), 60).convert("RGB"))
    assert reason(data[:40] + b"x" * 400) == "not_image"
    assert reason(b"\x00\x00\x00\x1cftypheic" + b"\x00" * 100) == "not_image"
    assert reason(data[: len(data) - 200]) == "truncated"
