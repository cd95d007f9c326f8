"""Image decoding, normalisation and generated test patterns (no Streamlit).

Decoding follows DESIGN §5: check the declared size *before* decoding, apply
EXIF orientation, convert any colour mode to RGB, cap the long side.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

WORKING_SIZE = 1024
MAX_PIXELS = 40_000_000  # declared width x height above this is refused unread
MAX_BYTES = 20 * 1024 * 1024
FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "HEIF")  # HEIF (iPhone photos) once pillow-heif registers it
RESAMPLE = Image.Resampling.LANCZOS


class ImageError(ValueError):
    """A file we refuse; ``reason`` is a stable code the UI translates."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class DecodedImage:
    """Attributes:
    pixels: ``(H, W, 3)`` uint8.
    original_size: ``(width, height)`` before the working-size cap.
    conversion: how the file's mode became RGB (``rgb_conversion``), so the code panel can do the same.
    format: Pillow's name of the file format (``JPEG``, ``HEIF``...).
    """

    pixels: np.ndarray
    original_size: tuple[int, int]
    conversion: str = "convert"
    format: str = "PNG"

    @property
    def resized(self) -> bool:
        return self.original_size != (self.pixels.shape[1], self.pixels.shape[0])


def working_size(width: int, height: int, limit: int = WORKING_SIZE) -> tuple[int, int]:
    """Size after scaling the long side down to ``limit`` (never up)."""
    long_side = max(width, height)
    if long_side <= limit:
        return width, height
    scale = limit / long_side
    return max(1, round(width * scale)), max(1, round(height * scale))


STRETCHED = ("I;16", "I;16B", "I;16L", "I", "F")
TRANSPARENT = ("RGBA", "LA", "PA", "RGBa", "La")


def rgb_conversion(img: Image.Image) -> str:
    """Which of ``to_rgb``'s paths a mode takes: ``stretch16`` / ``stretch`` (16-bit /
    32-bit int or float: own range to 0-255; they differ only for a flat image),
    ``alpha`` (transparency composited on white) or ``convert`` (Pillow's own
    conversion: L, P, CMYK, YCbCr, 1...)."""
    if img.mode in STRETCHED:
        return "stretch16" if img.mode.startswith("I;16") else "stretch"
    if img.mode in TRANSPARENT or (img.mode == "P" and "transparency" in img.info):
        return "alpha"
    return "convert"


def to_rgb(img: Image.Image) -> Image.Image:
    """Any Pillow mode (P, LA, RGBA, CMYK, I;16, I, F, 1, L...) to 8-bit RGB.

    Transparent pixels are composited over white; 16-bit and float images are
    rescaled from their own range rather than clipped at 255.
    """
    if rgb_conversion(img).startswith("stretch"):
        a = np.asarray(img, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        if hi > lo:
            a = (a - lo) / (hi - lo) * 255
        else:  # one flat value: keep its brightness on the mode's own scale
            a = np.full_like(a, lo / 257 if img.mode.startswith("I;16") else min(max(lo, 0), 255))
        img = Image.fromarray(a.round().astype(np.uint8), "L")
    if rgb_conversion(img) == "alpha":
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    return img.convert("RGB")


def readable_formats() -> tuple[str, ...]:
    """``FORMATS`` that Pillow can open here: HEIF only once pillow-heif's opener is registered
    (``components/ui/image_input.py`` does); Pillow refuses a format name it does not know."""
    Image.init()
    return tuple(f for f in FORMATS if f in Image.OPEN)


def decode_image(data: bytes, limit: int = WORKING_SIZE, max_pixels: int = MAX_PIXELS) -> DecodedImage:
    """Decode uploaded bytes into a working-size RGB array.

    Raises:
        ImageError: ``empty``, ``too_large`` (bytes), ``not_image``, ``bomb``
            (declared pixels over ``max_pixels``), ``truncated``.
    """
    if not data:
        raise ImageError("empty", "The file is empty. Got 0 bytes")
    if len(data) > MAX_BYTES:
        raise ImageError("too_large", f"Files up to {MAX_BYTES} bytes. Got {len(data)}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=readable_formats())
            fmt = img.format or "PNG"  # exif_transpose's copy forgets it
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageError("not_image", f"Expected PNG, JPEG, WebP, BMP, GIF or HEIC. Got {exc}") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("bomb", str(exc)) from None
    # Only the header has been read so far: refuse bombs before decoding.
    w, h = img.size
    if w * h > max_pixels or w <= 0 or h <= 0:
        raise ImageError("bomb", f"At most {max_pixels} pixels. Got {w}x{h}")
    try:
        img.seek(0)  # GIF/WebP animations: first frame
        img.load()
        img = ImageOps.exif_transpose(img)
        conversion = rgb_conversion(img)
        rgb = to_rgb(img)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageError("truncated", f"The file is damaged or incomplete. Got {exc}") from None
    original = rgb.size
    target = working_size(*original, limit)
    if target != original:
        rgb = rgb.resize(target, RESAMPLE)
    return DecodedImage(np.array(rgb, dtype=np.uint8), original, conversion, fmt)


def to_tensor(pixels: np.ndarray) -> torch.Tensor:
    """``(H, W, 3)`` uint8 to ``(3, H, W)`` float32 in ``[0, 1]``, channels-last in memory."""
    return torch.from_numpy(np.ascontiguousarray(pixels)).permute(2, 0, 1).float().div_(255)


def checkerboard(size: int = 256, squares: int = 8) -> np.ndarray:
    """Black and white squares: every edge direction a filter can find."""
    cell = max(1, size // squares)
    i = np.arange(size) // cell
    board = ((i[:, None] + i[None, :]) % 2 * 255).astype(np.uint8)
    return np.repeat(board[:, :, None], 3, axis=2)


def shapes(size: int = 256) -> np.ndarray:
    """Coloured circle, square and triangle on grey: edges at every angle."""
    img = Image.new("RGB", (size, size), (128, 128, 128))
    d = ImageDraw.Draw(img)
    s = size / 256
    d.ellipse([20 * s, 20 * s, 120 * s, 120 * s], fill=(230, 60, 50))
    d.rectangle([140 * s, 30 * s, 230 * s, 120 * s], fill=(40, 90, 220))
    d.polygon([(60 * s, 235 * s), (128 * s, 140 * s), (196 * s, 235 * s)], fill=(250, 210, 40))
    return np.asarray(img)


def text_pattern(size: int = 256, text: str = "Conv2d") -> np.ndarray:
    """Black text on white: thin strokes show blur and edges clearly."""
    img = Image.new("RGB", (size, size // 2), (255, 255, 255))
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=size // 6)
    d.text((size // 16, size // 8), text, fill=(0, 0, 0), font=font)
    d.line([(size // 16, size * 3 // 8), (size * 15 // 16, size * 3 // 8)], fill=(0, 0, 0), width=2)
    return np.asarray(img)


PATTERNS = {"checkerboard": checkerboard, "shapes": shapes, "text": text_pattern}


def write_patterns(folder: str) -> None:
    """Write every pattern as ``<folder>/<name>.png`` (the shipped sample files)."""
    for name, make in PATTERNS.items():
        Image.fromarray(make()).save(f"{folder}/{name}.png", optimize=True)


if __name__ == "__main__":
    write_patterns("assets/images")
