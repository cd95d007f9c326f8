"""Pictures inside our own HTML served like ``st.image``'s: by URL, not inlined.

``st.html`` with a ``data:`` URI sends the picture's bytes (base64, a third larger) in every rerun's message,
and the browser parses and sanitizes that string and decodes the picture again each time. A URL from
Streamlit's media file manager costs a short string; identical bytes get the URL ``st.image`` gave them, so
a picture already on the page is neither fetched nor decoded twice (issue 10).
"""

from __future__ import annotations

from streamlit import runtime

from components.figures.raster import data_uri


def media_url(data: bytes, fmt: str, key: str) -> str:
    """A URL for ``data`` (``fmt`` ``"JPEG"`` or ``"PNG"``) that lives as long as the element ``key`` shows it.

    The file is registered under ``key`` for this session; the next run's picture under the same key
    replaces it, and Streamlit drops files no run uses any more. Without a runtime (bare mode), a data URI.
    """
    if not runtime.exists():
        return data_uri(data, fmt)
    return runtime.get_instance().media_file_mgr.add(data, f"image/{fmt.lower()}", f"mlp:{key}")
