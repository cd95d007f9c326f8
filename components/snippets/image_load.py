"""Code-panel lines that open an image the way the app's image input did (every page with a picture)."""

from __future__ import annotations

_FLAT = {"stretch16": "lo / 257", "stretch": "min(max(lo, 0), 255)"}  # a one-value image keeps its brightness


def _to_rgb_lines(path: str, conversion: str) -> list[str]:
    """Open, turn upright (EXIF) and convert to RGB exactly as the page did for this file's mode."""
    opened = f"ImageOps.exif_transpose(Image.open({path!r}))"  # repr: any file name is safe
    if conversion == "alpha":
        return [
            f'img = {opened}.convert("RGBA")',
            'white = Image.new("RGBA", img.size, (255, 255, 255, 255))',
            'img = Image.alpha_composite(white, img).convert("RGB")  # transparent pixels on white, as on the page',
        ]
    if conversion in _FLAT:
        return [
            f"img = {opened}",
            "a = np.asarray(img, dtype=np.float64)  # more than 8 bits: stretch its own range to 0-255, as the page",
            "lo, hi = a.min(), a.max()",
            f"a = (a - lo) / (hi - lo) * 255 if hi > lo else np.full_like(a, {_FLAT[conversion]})",
            'img = Image.fromarray(a.round().astype(np.uint8)).convert("RGB")',
        ]
    return [f'img = {opened}.convert("RGB")']


def working_size(decoded) -> tuple[int, int] | None:
    """``(width, height)`` the page resized the file to, or ``None`` when it kept the file's size (``DecodedImage``)."""
    return (decoded.pixels.shape[1], decoded.pixels.shape[0]) if decoded.resized else None


def pil_lines(path: str, resize_to: tuple[int, int] | None, conversion: str) -> list[str]:
    """Open, turn upright, convert to RGB, resize to the working size if the page did: the PIL image ``img``.
    Needs ``numpy as np`` (for 16-bit files) and ``PIL.Image``, ``ImageOps`` imported."""
    lines = _to_rgb_lines(path, conversion)
    if resize_to:
        w, h = resize_to
        lines.append(f"img = img.resize(({w}, {h}), Image.Resampling.LANCZOS)  # the app's working size")
    return lines


def load_lines(path: str, resize_to: tuple[int, int] | None, conversion: str) -> list[str]:
    """``pil_lines``, then ``x`` ``(3, H, W)`` in [0, 1]. Needs ``torch`` too."""
    return [
        *pil_lines(path, resize_to, conversion),
        "x = torch.from_numpy(np.array(img)).permute(2, 0, 1).float() / 255  # (3, H, W) in [0, 1]",
    ]


def file_lines(heif: bool, uploaded: bool) -> list[str]:
    """What a script needs for the page's image file: HEIF support, and where to put an uploaded file."""
    lines = ["import pillow_heif  # pip install pillow-heif", "", "pillow_heif.register_heif_opener()"] if heif else []
    return [
        *lines,
        "",
        *(["# Save this script next to your image file (or put its full path below)."] if uploaded else []),
    ]
