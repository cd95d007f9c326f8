"""The one image input every image page uses: samples + upload (DESIGN §5).

Decoding is cached by the bytes' SHA-256, so a rerun never decodes again. A
refused upload shows a translated message and the last good image stays.

An upload lives only in the session (on the replica) that received it. A link that
says ``<page>_image=upload`` can reach a session that never had one: the replica
died and the browser reconnected to another (DESIGN §8), or the link was shared.
The page then says so plainly and works on a sample until a photo is uploaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pillow_heif
import streamlit as st
import torch
from streamlit.runtime.uploaded_file_manager import DeletedFile, UploadedFile

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


def _lost_upload(page: str) -> bool:
    """Whether "upload" was chosen, with nothing uploaded, by something other than this session's user.

    True when this session has never held an upload for ``page`` and its user did not pick "upload"
    in the select box: the choice came with the link (or from the browser, after a reconnection).
    """
    return not st.session_state.get(f"{page}_had_upload") and not st.session_state.get(f"{page}_picked_upload")


def _upload(page: str) -> UploadedFile | None:
    """This session's upload for ``page``, if the server holds it.

    After a reconnection to another replica the browser still names the file it uploaded to the dead
    one; this server never had it, and Streamlit keeps a ``DeletedFile`` (no bytes) in session state.
    """
    upload = st.session_state.get(f"{page}_upload")
    return None if isinstance(upload, DeletedFile) else upload


def _from_upload(page: str) -> LoadedImage | None:
    """The newest upload if it decodes, else ``None`` after saying why."""
    upload = _upload(page)
    if upload is None:
        if _lost_upload(page):
            st.warning(t("image.upload_lost"), icon=":material/cloud_off:")
        else:
            controls().info(t("image.upload_hint"))
        return None
    st.session_state[f"{page}_had_upload"] = True
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
        if _upload(page) is not None:
            st.session_state[key] = UPLOAD

    def picked() -> None:  # the user chose in the select box (a link or a reconnection does not call this)
        st.session_state[f"{page}_picked_upload"] = st.session_state.get(key) == UPLOAD

    choice = url_choice(
        controls().selectbox,
        t("image.choose"),
        options,
        key,
        default,
        format_func=lambda k: t(f"image.sample.{k}"),
        on_change=picked,
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
