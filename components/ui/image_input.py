"""The one image input every image page uses: samples + upload (DESIGN §5).

Decoding is cached by the bytes' SHA-256, so a rerun never decodes again. A
refused upload shows a translated message and the last good image stays.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pillow_heif
import streamlit as st
import torch

from components.compute.images import FORMATS, DecodedImage, ImageError, decode_image, to_tensor
from components.figures.raster import picture
from components.ui.i18n import ROOT, t
from components.ui.present import controls
from components.ui.state import url_choice

IMAGES = ROOT / "assets" / "images"
SAMPLES = {
    "cat": "cat.jpg",
    "astronaut": "astronaut.jpg",
    "coffee": "coffee.jpg",
    "rocket": "rocket.jpg",
    "checkerboard": "checkerboard.png",
    "shapes": "shapes.png",
    "text": "text.png",
}
UPLOAD = "upload"
UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "bmp", "gif", "heic", "heif"]

pillow_heif.register_heif_opener()  # iPhone photos (HEIC/HEIF) open in Pillow like any other format
pillow_heif.options.DECODE_THREADS = 2  # this machine's cores (its default, 4, oversubscribes them)


@dataclass(frozen=True)
class LoadedImage:
    """Attributes:
    name: file name as the user knows it (for the code panel).
    digest: SHA-256 of the file's bytes (the cache key).
    path: path to use in code (sample path relative to the repo, or the upload's name).
    tensor: ``(3, H, W)`` float in ``[0, 1]``.
    decoded: pixels and original size.
    """

    name: str
    path: str
    digest: str
    tensor: torch.Tensor
    decoded: DecodedImage


@st.cache_resource(max_entries=16, show_spinner=False)
def _decode(digest: str, _data: bytes) -> tuple[DecodedImage, torch.Tensor]:
    decoded = decode_image(_data)
    return decoded, to_tensor(decoded.pixels)


def load_bytes(data: bytes, name: str, path: str) -> LoadedImage:
    """Decode (cached by content) and wrap. Raises ``ImageError``."""
    digest = hashlib.sha256(data).hexdigest()
    decoded, tensor = _decode(digest, data)
    return LoadedImage(name, path, digest, tensor, decoded)


def display_size(height: int, width: int, scale: float) -> tuple[int, int]:
    """On-screen ``(width, height)`` in CSS pixels of an image drawn at ``scale``."""
    return max(1, round(width * scale)), max(1, round(height * scale))


@st.cache_resource(max_entries=16, show_spinner=False)
def _input_picture(digest: str, _pixels: np.ndarray, size: tuple[int, int]) -> bytes:
    return picture(_pixels, *size)


def input_picture(image: LoadedImage, scale: float) -> tuple[bytes, int]:
    """The input drawn at ``scale`` (cached): bytes for ``st.image`` and its width."""
    h, w = image.decoded.pixels.shape[:2]
    size = display_size(h, w, scale)
    return _input_picture(image.digest, image.decoded.pixels, size), size[0]


@st.cache_resource(show_spinner=False)
def _sample_bytes(file: str) -> bytes:
    return (IMAGES / file).read_bytes()


def load_sample(key: str) -> LoadedImage:
    file = SAMPLES[key]
    return load_bytes(_sample_bytes(file), file, f"assets/images/{file}")


def _from_upload(page: str) -> LoadedImage | None:
    """The newest upload if it decodes, else ``None`` after saying why."""
    upload = st.session_state.get(f"{page}_upload")
    if upload is None:
        controls().info(t("image.upload_hint"))
        return None
    try:
        return load_bytes(upload.getvalue(), upload.name, upload.name)
    except ImageError as err:
        st.error(t(f"image.error.{err.reason}", name=upload.name), icon=":material/broken_image:")
        return None


def image_input(page: str, default: str = "cat") -> LoadedImage:
    """Sidebar sample picker and uploader; returns the image to work on.

    Args:
        page: the page's key prefix; the choice is bound to ``?<page>_image=``.
        default: the sample shown first.
    """
    key, last_good = f"{page}_image", f"{page}_last_good"
    options = [*SAMPLES, UPLOAD]

    def switch_to_upload() -> None:
        if st.session_state.get(f"{page}_upload") is not None:
            st.session_state[key] = UPLOAD

    choice = url_choice(
        controls().selectbox, t("image.choose"), options, key, default, format_func=lambda k: t(f"image.sample.{k}")
    )
    controls().file_uploader(
        t("image.upload"),
        type=UPLOAD_TYPES,
        key=f"{page}_upload",
        on_change=switch_to_upload,
        help=t("image.upload_help", formats=", ".join(FORMATS)),
    )
    image = _from_upload(page) if choice == UPLOAD else load_sample(choice)
    if image is None:
        image = st.session_state.get(last_good) or load_sample(default)
        st.caption(t("image.kept", name=image.name))
    st.session_state[last_good] = image
    return image
